package flightserver

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

// Bound parameter values become SQL literals that Ember's binder types the
// way the value was typed:
//
//	integers        42, (-42)           typed as Spark types the number (INT
//	                                    if it fits 32 bits, else BIGINT), so
//	                                    that LIMIT ? and OFFSET ? work
//	floating point  4.2e+01             DOUBLE; NaN and ±Infinity by CAST
//	decimals        CAST(1.50 AS DECIMAL(p,s))
//	booleans        TRUE, FALSE
//	strings         'it''s'             quotes doubled
//	dates           DATE '2024-01-31'
//	timestamps      TIMESTAMP '2024-01-31T12:00:00.000001'  (UTC wall clock
//	                                    for zoned ones; sub-microsecond
//	                                    digits are dropped)
//	NULL            CAST(NULL AS type)  or NULL for Arrow's null type
//
// TIME values are read as timestamps since the epoch: Ember has no TIME
// type, and arrow-go's database/sql driver sends a time.Time as time64[ns]
// holding its Unix nanoseconds. Other types (binary, lists, intervals,
// durations, ...) are an error that names the parameter and its type.

// rowLiterals renders row i of the parameter batch as one literal per
// column.
func rowLiterals(b arrow.RecordBatch, i int) ([]string, error) {
	out := make([]string, b.NumCols())
	for c, col := range b.Columns() {
		lit, err := sqlLiteral(col, i)
		if err != nil {
			return nil, fmt.Errorf("parameter %d: %w", c+1, err)
		}
		out[c] = lit
	}
	return out, nil
}

// sqlLiteral renders value i of a as a SQL literal.
func sqlLiteral(a arrow.Array, i int) (string, error) {
	if a.IsNull(i) {
		return nullLiteral(a.DataType())
	}
	switch a := a.(type) {
	case *array.Boolean:
		if a.Value(i) {
			return "TRUE", nil
		}
		return "FALSE", nil
	case *array.Int8:
		return intLiteral(int64(a.Value(i))), nil
	case *array.Int16:
		return intLiteral(int64(a.Value(i))), nil
	case *array.Int32:
		return intLiteral(int64(a.Value(i))), nil
	case *array.Int64:
		return intLiteral(a.Value(i)), nil
	case *array.Uint8:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint32:
		return strconv.FormatUint(uint64(a.Value(i)), 10), nil
	case *array.Uint64:
		return strconv.FormatUint(a.Value(i), 10), nil
	case *array.Float16:
		return floatLiteral(float64(a.Value(i).Float32())), nil
	case *array.Float32:
		return floatLiteral(float64(a.Value(i))), nil
	case *array.Float64:
		return floatLiteral(a.Value(i)), nil
	case *array.Decimal128:
		t := a.DataType().(*arrow.Decimal128Type)
		return decimalLiteral(a.Value(i).BigInt(), t.Precision, t.Scale)
	case *array.Decimal256:
		t := a.DataType().(*arrow.Decimal256Type)
		return decimalLiteral(a.Value(i).BigInt(), t.Precision, t.Scale)
	case *array.String:
		return stringLiteral(a.Value(i))
	case *array.LargeString:
		return stringLiteral(a.Value(i))
	case *array.StringView:
		return stringLiteral(a.Value(i))
	case *array.Date32:
		return dateLiteral(int64(a.Value(i)))
	case *array.Date64:
		return dateLiteral(floorDiv(int64(a.Value(i)), 86_400_000))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return timestampLiteral(int64(a.Value(i)), unit)
	case *array.Time64:
		return timestampLiteral(int64(a.Value(i)), a.DataType().(*arrow.Time64Type).Unit)
	case *array.Null:
		return "NULL", nil
	}
	return "", fmt.Errorf("a value of type %s cannot be a parameter (Ember takes booleans, numbers, strings, dates and timestamps)", a.DataType())
}

// nullLiteral is a NULL of the SQL type that holds values of type t.
func nullLiteral(t arrow.DataType) (string, error) {
	var name string
	switch t := t.(type) {
	case *arrow.NullType:
		return "NULL", nil
	case *arrow.BooleanType:
		name = "BOOLEAN"
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Uint8Type, *arrow.Uint16Type:
		name = "INT"
	case *arrow.Int64Type, *arrow.Uint32Type:
		name = "BIGINT"
	case *arrow.Uint64Type:
		name = "DECIMAL(20,0)"
	case *arrow.Float16Type, *arrow.Float32Type, *arrow.Float64Type:
		name = "DOUBLE"
	case *arrow.Decimal128Type:
		if err := checkDecimalType(t.Precision, t.Scale); err != nil {
			return "", err
		}
		name = fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.Decimal256Type:
		if err := checkDecimalType(t.Precision, t.Scale); err != nil {
			return "", err
		}
		name = fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		name = "STRING"
	case *arrow.Date32Type, *arrow.Date64Type:
		name = "DATE"
	case *arrow.TimestampType, *arrow.Time64Type:
		name = "TIMESTAMP"
	default:
		return "", fmt.Errorf("a value of type %s cannot be a parameter (Ember takes booleans, numbers, strings, dates and timestamps)", t)
	}
	return "CAST(NULL AS " + name + ")", nil
}

// intLiteral renders an integer; a negative one is parenthesized so that a
// minus before the placeholder (x-?) cannot turn into a -- comment.
func intLiteral(v int64) string {
	if v < 0 {
		return "(" + strconv.FormatInt(v, 10) + ")"
	}
	return strconv.FormatInt(v, 10)
}

// floatLiteral renders a float in exponent notation, which Ember types as
// DOUBLE (a plain 1.5 would be a DECIMAL).
func floatLiteral(f float64) string {
	switch {
	case math.IsNaN(f):
		return "CAST('NaN' AS DOUBLE)"
	case math.IsInf(f, 1):
		return "CAST('Infinity' AS DOUBLE)"
	case math.IsInf(f, -1):
		return "CAST('-Infinity' AS DOUBLE)"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	if f < 0 || (f == 0 && math.Signbit(f)) {
		return "(" + s + ")"
	}
	return s
}

// checkDecimalType refuses decimal types Ember cannot hold.
func checkDecimalType(precision, scale int32) error {
	if precision < 1 || precision > planner.MaxDecimalPrecision {
		return fmt.Errorf("DECIMAL(%d,%d) is beyond Ember's DECIMAL(%d)", precision, scale, planner.MaxDecimalPrecision)
	}
	if scale < 0 || scale > precision {
		return fmt.Errorf("DECIMAL(%d,%d) has a scale Ember does not support", precision, scale)
	}
	return nil
}

// decimalLiteral renders an unscaled decimal as a cast that keeps its
// declared type.
func decimalLiteral(unscaled *big.Int, precision, scale int32) (string, error) {
	if err := checkDecimalType(precision, scale); err != nil {
		return "", err
	}
	text := planner.FormatDecimal(decimal128.FromBigInt(unscaled), scale)
	return fmt.Sprintf("CAST(%s AS DECIMAL(%d,%d))", text, precision, scale), nil
}

// stringLiteral quotes s. The parser reads text up to a NUL byte only, so
// a NUL would silently cut the statement short: it is refused.
func stringLiteral(s string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", fmt.Errorf("strings with a NUL character are not supported")
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("the string is not valid UTF-8")
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// The years a date or timestamp literal can spell (YYYY).
const (
	minYear = 1
	maxYear = 9999
)

// dateLiteral renders days since the epoch.
func dateLiteral(days int64) (string, error) {
	if days < -719_162 || days > 2_932_896 { // 0001-01-01 .. 9999-12-31
		return "", fmt.Errorf("date %d days from 1970-01-01 is outside years %d to %d", days, minYear, maxYear)
	}
	return "DATE '" + planner.FormatDate(arrow.Date32(days)) + "'", nil
}

// timestampLiteral renders a count of unit since the epoch, in UTC, at
// Ember's microsecond precision (finer digits are dropped, toward the
// past).
func timestampLiteral(v int64, unit arrow.TimeUnit) (string, error) {
	var micros int64
	switch unit {
	case arrow.Second:
		micros = v * 1_000_000
		if v != 0 && micros/v != 1_000_000 {
			return "", fmt.Errorf("timestamp %d s is out of range", v)
		}
	case arrow.Millisecond:
		micros = v * 1000
		if v != 0 && micros/v != 1000 {
			return "", fmt.Errorf("timestamp %d ms is out of range", v)
		}
	case arrow.Microsecond:
		micros = v
	default:
		micros = floorDiv(v, 1000)
	}
	t := time.UnixMicro(micros).UTC()
	if t.Year() < minYear || t.Year() > maxYear {
		return "", fmt.Errorf("timestamp %s is outside years %d to %d", t.Format(time.RFC3339Nano), minYear, maxYear)
	}
	return "TIMESTAMP '" + planner.FormatTimestamp(arrow.Timestamp(micros)) + "'", nil
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
