package gorows

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// supported reports whether values can be converted to dt.
func supported(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.NULL, arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64,
		arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DECIMAL128:
		return true
	}
	return false
}

// appendValue converts the normalized value v (not nil) to the builder's
// type and appends it. The builder is one of those supported() allows.
func appendValue(b array.Builder, v any) error {
	switch b := b.(type) {
	case *array.BooleanBuilder:
		x, err := toBool(v)
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.Int8Builder:
		x, err := toInt(v, math.MinInt8, math.MaxInt8, "TINYINT")
		if err != nil {
			return err
		}
		b.Append(int8(x))
	case *array.Int16Builder:
		x, err := toInt(v, math.MinInt16, math.MaxInt16, "SMALLINT")
		if err != nil {
			return err
		}
		b.Append(int16(x))
	case *array.Int32Builder:
		x, err := toInt(v, math.MinInt32, math.MaxInt32, "INT")
		if err != nil {
			return err
		}
		b.Append(int32(x))
	case *array.Int64Builder:
		x, err := toInt(v, math.MinInt64, math.MaxInt64, "BIGINT")
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.Uint8Builder:
		x, err := toUint(v, math.MaxUint8, "uint8")
		if err != nil {
			return err
		}
		b.Append(uint8(x))
	case *array.Uint16Builder:
		x, err := toUint(v, math.MaxUint16, "uint16")
		if err != nil {
			return err
		}
		b.Append(uint16(x))
	case *array.Uint32Builder:
		x, err := toUint(v, math.MaxUint32, "uint32")
		if err != nil {
			return err
		}
		b.Append(uint32(x))
	case *array.Uint64Builder:
		x, err := toUint(v, math.MaxUint64, "uint64")
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.Float32Builder:
		x, err := toFloat(v)
		if err != nil {
			return err
		}
		if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
			return fmt.Errorf("%v overflows FLOAT", x)
		}
		b.Append(float32(x))
	case *array.Float64Builder:
		x, err := toFloat(v)
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.StringBuilder:
		x, err := toString(v)
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.LargeStringBuilder:
		x, err := toString(v)
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.BinaryBuilder: // binary and large binary
		x, err := toBytes(v)
		if err != nil {
			return err
		}
		b.Append(x)
	case *array.Date32Builder:
		d, err := toDate(v)
		if err != nil {
			return err
		}
		b.Append(d)
	case *array.Date64Builder:
		d, err := toDate(v)
		if err != nil {
			return err
		}
		b.Append(arrow.Date64(int64(d) * 86_400_000))
	case *array.TimestampBuilder:
		dt := b.Type().(*arrow.TimestampType)
		t, err := toTime(v, dt)
		if err != nil {
			return err
		}
		ts, err := timestampOf(t, dt.Unit)
		if err != nil {
			return err
		}
		b.Append(ts)
	case *array.Decimal128Builder:
		dt := b.Type().(*arrow.Decimal128Type)
		n, err := toDecimal(v, dt.Precision, dt.Scale)
		if err != nil {
			return err
		}
		b.Append(n)
	default:
		return fmt.Errorf("cannot convert Go values to %s", b.Type())
	}
	return nil
}

// describe names v and its Go type for errors.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case []byte:
		return fmt.Sprintf("[]byte of %d bytes", len(x))
	}
	return fmt.Sprintf("%T %v", v, v)
}

func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, fmt.Errorf("cannot convert %s to BOOLEAN", describe(v))
}

// toInt converts to an integer in [lo, hi]: integers, floats with no
// fraction, decimals with no fraction, and strings of integers.
func toInt(v any, lo, hi int64, sqlType string) (int64, error) {
	var x int64
	switch y := v.(type) {
	case int8:
		x = int64(y)
	case int16:
		x = int64(y)
	case int32:
		x = int64(y)
	case int64:
		x = y
	case uint64:
		if y > math.MaxInt64 {
			return 0, fmt.Errorf("%d overflows %s", y, sqlType)
		}
		x = int64(y)
	case float64:
		if y != math.Trunc(y) || y < -0x1p63 || y >= 0x1p63 {
			return 0, fmt.Errorf("%v is not a %s value", y, sqlType)
		}
		x = int64(y)
	case Decimal:
		q, ok := decimalInt(y)
		if !ok || !q.IsInt64() {
			return 0, fmt.Errorf("%s is not a %s value", y, sqlType)
		}
		x = q.Int64()
	case string:
		var err error
		x, err = strconv.ParseInt(strings.TrimSpace(y), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a %s value", y, sqlType)
		}
	default:
		return 0, fmt.Errorf("cannot convert %s to %s", describe(v), sqlType)
	}
	if x < lo || x > hi {
		return 0, fmt.Errorf("%d overflows %s", x, sqlType)
	}
	return x, nil
}

// decimalInt returns d as an integer when it has no fraction.
func decimalInt(d Decimal) (*big.Int, bool) {
	q, r := new(big.Int).QuoRem(d.Unscaled.BigInt(), decimal128.GetScaleMultiplier(int(d.Scale)).BigInt(), new(big.Int))
	return q, r.Sign() == 0
}

// toUint converts to an unsigned integer of at most hi.
func toUint(v any, hi uint64, goType string) (uint64, error) {
	var x uint64
	switch y := v.(type) {
	case uint64:
		x = y
	case string:
		var err error
		x, err = strconv.ParseUint(strings.TrimSpace(y), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a %s value", y, goType)
		}
	default:
		s, err := toInt(v, 0, math.MaxInt64, goType)
		if err != nil {
			return 0, err
		}
		x = uint64(s)
	}
	if x > hi {
		return 0, fmt.Errorf("%d overflows %s", x, goType)
	}
	return x, nil
}

// toFloat converts numbers, and strings of numbers, to a float64.
func toFloat(v any) (float64, error) {
	switch y := v.(type) {
	case int8:
		return float64(y), nil
	case int16:
		return float64(y), nil
	case int32:
		return float64(y), nil
	case int64:
		return float64(y), nil
	case uint64:
		return float64(y), nil
	case float64:
		return y, nil
	case Decimal:
		return y.Float64(), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(y), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a DOUBLE value", y)
		}
		return f, nil
	}
	return 0, fmt.Errorf("cannot convert %s to DOUBLE", describe(v))
}

func toString(v any) (string, error) {
	switch y := v.(type) {
	case string:
		return y, nil
	case []byte:
		return string(y), nil
	}
	return "", fmt.Errorf("cannot convert %s to STRING", describe(v))
}

func toBytes(v any) ([]byte, error) {
	switch y := v.(type) {
	case []byte:
		return y, nil
	case string:
		return []byte(y), nil
	}
	return nil, fmt.Errorf("cannot convert %s to BINARY", describe(v))
}

// toDate converts a Date, the date of a time.Time in its location, or
// 'YYYY-MM-DD'.
func toDate(v any) (arrow.Date32, error) {
	var d Date
	switch y := v.(type) {
	case Date:
		d = y
	case time.Time:
		d = DateOf(y)
	case string:
		var err error
		if d, err = ParseDate(strings.TrimSpace(y)); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("cannot convert %s to DATE", describe(v))
	}
	return d.days()
}

// timestampLayouts are the string forms a TIMESTAMP accepts; those without
// a zone are read in the type's time zone (UTC when it has none).
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	time.DateOnly,
}

// toTime converts a time.Time, a Date (midnight in the type's zone) or a
// string to an instant.
func toTime(v any, dt *arrow.TimestampType) (time.Time, error) {
	loc := time.UTC
	if dt.TimeZone != "" {
		if l, err := dt.GetZone(); err == nil && l != nil {
			loc = l
		}
	}
	switch y := v.(type) {
	case time.Time:
		return y, nil
	case Date:
		if _, err := y.days(); err != nil {
			return time.Time{}, err
		}
		return time.Date(y.Year, y.Month, y.Day, 0, 0, 0, 0, loc), nil
	case string:
		s := strings.TrimSpace(y)
		for _, layout := range timestampLayouts {
			if t, err := time.ParseInLocation(layout, s, loc); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a timestamp (YYYY-MM-DD[ HH:MM:SS[.ffffff]][zone])", y)
	}
	return time.Time{}, fmt.Errorf("cannot convert %s to TIMESTAMP", describe(v))
}

// timestampOf counts t in unit since the epoch, failing outside int64.
func timestampOf(t time.Time, unit arrow.TimeUnit) (arrow.Timestamp, error) {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	var per, div int64
	switch unit {
	case arrow.Second:
		return arrow.Timestamp(sec), nil
	case arrow.Millisecond:
		per, div = 1e3, 1e6
	case arrow.Microsecond:
		per, div = 1e6, 1e3
	default:
		per, div = 1e9, 1
	}
	if sec > math.MaxInt64/per-1 || sec < math.MinInt64/per+1 {
		return 0, fmt.Errorf("%s is out of the range of TIMESTAMP", t)
	}
	return arrow.Timestamp(sec*per + nsec/div), nil
}

// toDecimal converts to an unscaled decimal128 of precision prec and
// scale scale, rounding HALF_UP.
func toDecimal(v any, prec, scale int32) (decimal128.Num, error) {
	var d Decimal
	switch y := v.(type) {
	case Decimal:
		d = y
	case int8, int16, int32, int64:
		x, _ := toInt(v, math.MinInt64, math.MaxInt64, "BIGINT")
		d = Decimal{Unscaled: decimal128.FromI64(x), Precision: 19}
	case uint64:
		d = Decimal{Unscaled: decimal128.FromU64(y), Precision: 20}
	case float64:
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return decimal128.Num{}, fmt.Errorf("%v is not a DECIMAL value", y)
		}
		// The shortest decimal form of the float, rounded HALF_UP like a
		// decimal: only the digit after the last kept one matters, so the
		// fraction is cut there first.
		s := strconv.FormatFloat(y, 'f', -1, 64)
		if dot := strings.IndexByte(s, '.'); dot >= 0 && scale >= 0 && len(s)-dot-1 > int(scale)+1 {
			s = s[:dot+1+int(scale)+1]
		}
		var err error
		if d, err = ParseDecimal(s); err != nil {
			return decimal128.Num{}, fmt.Errorf("%v does not fit DECIMAL(%d,%d)", y, prec, scale)
		}
	case string:
		var err error
		if d, err = ParseDecimal(strings.TrimSpace(y)); err != nil {
			return decimal128.Num{}, err
		}
	default:
		return decimal128.Num{}, fmt.Errorf("cannot convert %s to DECIMAL(%d,%d)", describe(v), prec, scale)
	}
	if d.Scale < 0 || d.Scale > maxDecimalPrecision || scale < 0 || scale > maxDecimalPrecision {
		return decimal128.Num{}, fmt.Errorf("cannot rescale %s from scale %d to %d", d, d.Scale, scale)
	}
	return d.rescale(prec, scale)
}
