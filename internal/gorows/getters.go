package gorows

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// nullError is the error of a getter that meets a NULL.
func nullError(arr arrow.Array, want string) error {
	return fmt.Errorf("value is NULL (a %s column), it cannot be read as %s", arr.DataType(), want)
}

// typeError is the error of a getter given an array of another type.
func typeError(arr arrow.Array, want string) error {
	return fmt.Errorf("a %s value cannot be read as %s", arr.DataType(), want)
}

// Int64 reads row i of an integer column (any width; an unsigned value
// above the int64 range is an error) or of a decimal one whose value is a
// whole number. NULL and other types are errors.
func Int64(arr arrow.Array, i int) (int64, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return 0, nullError(arr, "int64")
	}
	switch a := arr.(type) {
	case *array.Int8:
		return int64(a.Value(i)), nil
	case *array.Int16:
		return int64(a.Value(i)), nil
	case *array.Int32:
		return int64(a.Value(i)), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Uint8:
		return int64(a.Value(i)), nil
	case *array.Uint16:
		return int64(a.Value(i)), nil
	case *array.Uint32:
		return int64(a.Value(i)), nil
	case *array.Uint64:
		v := a.Value(i)
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("%d overflows int64", v)
		}
		return int64(v), nil
	case *array.Decimal128:
		d := Value(a, i).(Decimal)
		q, whole := decimalInt(d)
		if !whole || !q.IsInt64() {
			return 0, fmt.Errorf("decimal %s is not an int64", d)
		}
		return q.Int64(), nil
	}
	return 0, typeError(arr, "int64")
}

// Float64 reads row i of a floating-point, integer or decimal column (the
// nearest float64). NULL and other types are errors.
func Float64(arr arrow.Array, i int) (float64, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return 0, nullError(arr, "float64")
	}
	switch a := arr.(type) {
	case *array.Float64:
		return a.Value(i), nil
	case *array.Float32:
		return float64(a.Value(i)), nil
	case *array.Float16:
		return float64(a.Value(i).Float32()), nil
	case *array.Uint64:
		return float64(a.Value(i)), nil
	case *array.Decimal128:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal128Type).Scale), nil
	case *array.Decimal256:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal256Type).Scale), nil
	}
	if v, err := Int64(arr, i); err == nil {
		return float64(v), nil
	}
	return 0, typeError(arr, "float64")
}

// String reads row i of a string column (a copy). NULL and other types
// are errors.
func String(arr arrow.Array, i int) (string, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return "", nullError(arr, "string")
	}
	switch a := arr.(type) {
	case *array.String:
		return strings.Clone(a.Value(i)), nil
	case *array.LargeString:
		return strings.Clone(a.Value(i)), nil
	case *array.StringView:
		return strings.Clone(a.Value(i)), nil
	}
	return "", typeError(arr, "string")
}

// Bool reads row i of a boolean column. NULL and other types are errors.
func Bool(arr arrow.Array, i int) (bool, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return false, nullError(arr, "bool")
	}
	if a, ok := arr.(*array.Boolean); ok {
		return a.Value(i), nil
	}
	return false, typeError(arr, "bool")
}

// Time reads row i of a DATE column (midnight UTC) or a TIMESTAMP one (in
// the type's time zone, UTC if none). NULL and other types are errors.
func Time(arr arrow.Array, i int) (time.Time, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return time.Time{}, nullError(arr, "time.Time")
	}
	if t, ok := timeAt(arr, i); ok {
		return t, nil
	}
	return time.Time{}, typeError(arr, "time.Time")
}

// bytesAt reads row i of a binary or string column as a copy.
func bytesAt(arr arrow.Array, i int) ([]byte, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return nil, nullError(arr, "[]byte")
	}
	switch a := arr.(type) {
	case *array.Binary:
		return bytes.Clone(a.Value(i)), nil
	case *array.LargeBinary:
		return bytes.Clone(a.Value(i)), nil
	case *array.BinaryView:
		return bytes.Clone(a.Value(i)), nil
	case *array.FixedSizeBinary:
		return bytes.Clone(a.Value(i)), nil
	}
	if s, err := String(arr, i); err == nil {
		return []byte(s), nil
	}
	return nil, typeError(arr, "[]byte")
}

// decimalAt reads row i of a decimal128 or integer column as a Decimal.
func decimalAt(arr arrow.Array, i int) (Decimal, error) {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return Decimal{}, nullError(arr, "Decimal")
	}
	if a, ok := arr.(*array.Decimal128); ok {
		return Value(a, i).(Decimal), nil
	}
	if v, err := Int64(arr, i); err == nil {
		d, _ := ParseDecimal(fmt.Sprint(v))
		return d, nil
	}
	return Decimal{}, typeError(arr, "Decimal")
}
