package planner

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The SQL types Ember computes with, as Arrow types. Timestamps are
// microseconds without a time zone, like Spark's TIMESTAMP_NTZ.
var (
	TypeBoolean   = arrow.FixedWidthTypes.Boolean
	TypeTinyInt   = arrow.PrimitiveTypes.Int8
	TypeSmallInt  = arrow.PrimitiveTypes.Int16
	TypeInt       = arrow.PrimitiveTypes.Int32
	TypeBigInt    = arrow.PrimitiveTypes.Int64
	TypeDouble    = arrow.PrimitiveTypes.Float64
	TypeString    = arrow.BinaryTypes.String
	TypeDate      = arrow.FixedWidthTypes.Date32
	TypeTimestamp = &arrow.TimestampType{Unit: arrow.Microsecond}
	TypeInterval  = arrow.FixedWidthTypes.MonthDayNanoInterval
	TypeNull      = arrow.Null
)

// MaxDecimalPrecision is the largest DECIMAL precision, as in Spark.
const MaxDecimalPrecision = 38

// Decimal returns DECIMAL(p,s).
func Decimal(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }

// TypeName renders a type the way SQL users write it.
func TypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.TimestampType:
		return "TIMESTAMP"
	}
	switch t.ID() {
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.INT8:
		return "TINYINT"
	case arrow.INT16:
		return "SMALLINT"
	case arrow.INT32:
		return "INT"
	case arrow.INT64:
		return "BIGINT"
	case arrow.FLOAT32:
		return "FLOAT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.STRING, arrow.LARGE_STRING:
		return "VARCHAR"
	case arrow.DATE32:
		return "DATE"
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return "INTERVAL"
	case arrow.NULL:
		return "NULL"
	}
	return strings.ToUpper(t.String())
}

// EpochDate is day zero of DATE values.
var EpochDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// FormatDate renders days since the epoch as YYYY-MM-DD.
func FormatDate(d arrow.Date32) string {
	return EpochDate.AddDate(0, 0, int(d)).Format("2006-01-02")
}

// FormatTimestamp renders microseconds since the epoch in ISO 8601.
func FormatTimestamp(ts arrow.Timestamp) string {
	t := time.UnixMicro(int64(ts)).UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format("2006-01-02T15:04:05.000000")
}

// FormatDecimal renders an unscaled decimal in plain notation with exactly
// scale digits after the point (12.30, -0.05).
func FormatDecimal(v decimal128.Num, scale int32) string {
	neg := v.Sign() < 0
	if neg {
		v = v.Negate()
	}
	digits := v.BigInt().String()
	if scale > 0 {
		for int32(len(digits)) <= scale {
			digits = "0" + digits
		}
		digits = digits[:int32(len(digits))-scale] + "." + digits[int32(len(digits))-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// FormatLiteral renders a literal as SQL text.
func FormatLiteral(l *Literal) string {
	if l.Value == nil {
		return "NULL"
	}
	switch v := l.Value.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case decimal128.Num:
		return FormatDecimal(v, l.DataType.(*arrow.Decimal128Type).Scale)
	case arrow.Date32:
		return "DATE '" + FormatDate(v) + "'"
	case arrow.Timestamp:
		return "TIMESTAMP '" + FormatTimestamp(v) + "'"
	case arrow.MonthDayNanoInterval:
		return fmt.Sprintf("INTERVAL '%d months %d days %d ns'", v.Months, v.Days, v.Nanoseconds)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	}
	return fmt.Sprint(l.Value)
}
