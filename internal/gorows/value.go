package gorows

import (
	"bytes"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Value returns row i of arr as a Go value (see the package documentation
// for the types): nil for NULL. Strings and byte slices are copies, so the
// value outlives the array. Types without a Go counterpart give the
// array's text form of the value.
func Value(arr arrow.Array, i int) any {
	arr, i = resolve(arr, i)
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Null:
		return nil
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return a.Value(i)
	case *array.Uint16:
		return a.Value(i)
	case *array.Uint32:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float16:
		return a.Value(i).Float32()
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return strings.Clone(a.Value(i))
	case *array.LargeString:
		return strings.Clone(a.Value(i))
	case *array.StringView:
		return strings.Clone(a.Value(i))
	case *array.Binary:
		return bytes.Clone(a.Value(i))
	case *array.LargeBinary:
		return bytes.Clone(a.Value(i))
	case *array.BinaryView:
		return bytes.Clone(a.Value(i))
	case *array.FixedSizeBinary:
		return bytes.Clone(a.Value(i))
	case *array.Date32, *array.Date64, *array.Timestamp:
		t, _ := timeAt(arr, i)
		return t
	case *array.Time32:
		return time.Duration(a.Value(i)) * unitDuration(a.DataType().(*arrow.Time32Type).Unit)
	case *array.Time64:
		return time.Duration(a.Value(i)) * unitDuration(a.DataType().(*arrow.Time64Type).Unit)
	case *array.Duration:
		return time.Duration(a.Value(i)) * unitDuration(a.DataType().(*arrow.DurationType).Unit)
	case *array.Decimal128:
		dt := a.DataType().(*arrow.Decimal128Type)
		return Decimal{Unscaled: a.Value(i), Precision: dt.Precision, Scale: dt.Scale}
	case *array.Decimal256:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal256Type).Scale)
	case *array.MonthInterval:
		return a.Value(i)
	case *array.DayTimeInterval:
		return a.Value(i)
	case *array.MonthDayNanoInterval:
		return a.Value(i)
	case *array.Struct:
		dt := a.DataType().(*arrow.StructType)
		m := make(map[string]any, a.NumField())
		for f := range a.NumField() {
			m[dt.Field(f).Name] = Value(a.Field(f), i)
		}
		return m
	case array.ListLike: // list, large list, fixed-size list, map (as key-value structs)
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, Value(vals, int(j)))
		}
		return out
	}
	return arr.ValueStr(i)
}

// resolve looks through dictionary and run-end encoding to the array and
// index holding row i's value.
func resolve(arr arrow.Array, i int) (arrow.Array, int) {
	for {
		switch a := arr.(type) {
		case *array.Dictionary:
			if a.IsNull(i) {
				return arr, i
			}
			arr, i = a.Dictionary(), a.GetValueIndex(i)
		case *array.RunEndEncoded:
			arr, i = a.Values(), a.GetPhysicalIndex(i)
		default:
			return arr, i
		}
	}
}

// isNullAt reports whether row i of arr is NULL, looking through
// dictionary and run-end encoding.
func isNullAt(arr arrow.Array, i int) bool {
	arr, i = resolve(arr, i)
	return arr.IsNull(i)
}

// unitDuration is the length of one tick of unit.
func unitDuration(unit arrow.TimeUnit) time.Duration {
	switch unit {
	case arrow.Second:
		return time.Second
	case arrow.Millisecond:
		return time.Millisecond
	case arrow.Microsecond:
		return time.Microsecond
	}
	return time.Nanosecond
}

// timeAt reads a DATE (midnight UTC) or a TIMESTAMP (in the type's time
// zone, UTC when it has none or an unknown one); ok is false for other
// types.
func timeAt(arr arrow.Array, i int) (t time.Time, ok bool) {
	switch a := arr.(type) {
	case *array.Date32:
		return dateOfDays(int64(a.Value(i))), true
	case *array.Date64:
		return time.UnixMilli(int64(a.Value(i))).UTC(), true
	case *array.Timestamp:
		dt := a.DataType().(*arrow.TimestampType)
		t := a.Value(i).ToTime(dt.Unit)
		if dt.TimeZone != "" {
			if loc, err := dt.GetZone(); err == nil {
				t = t.In(loc)
			}
		}
		return t, true
	}
	return time.Time{}, false
}
