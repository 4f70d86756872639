package eval

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// LiteralArray makes an array of n copies of lit's value, of lit's type.
// The caller releases it.
func LiteralArray(mem memory.Allocator, lit *planner.Literal, n int) (arrow.Array, error) {
	dt := lit.DataType
	if lit.Value == nil || dt.ID() == arrow.NULL {
		return array.MakeArrayOfNull(mem, dt, n), nil
	}
	bad := func() (arrow.Array, error) {
		return nil, fmt.Errorf("eval: literal %v (%T) does not fit type %s", lit.Value, lit.Value, planner.TypeName(dt))
	}
	switch dt.ID() {
	case arrow.BOOL:
		v, ok := lit.Value.(bool)
		if !ok {
			return bad()
		}
		b := newBitmap(mem, n)
		if v {
			memory.Set(b.Bytes(), 0xff)
		}
		return makeArray(dt, n, []*memory.Buffer{nil, b}), nil
	case arrow.INT8:
		v, ok := litInt64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, int8(v)), nil
	case arrow.INT16:
		v, ok := litInt64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, int16(v)), nil
	case arrow.INT32, arrow.DATE32:
		v, ok := litInt64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, int32(v)), nil
	case arrow.INT64, arrow.TIMESTAMP:
		v, ok := litInt64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, v), nil
	case arrow.FLOAT64:
		v, ok := litFloat64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, v), nil
	case arrow.FLOAT32:
		v, ok := litFloat64(lit.Value)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, float32(v)), nil
	case arrow.DECIMAL128:
		v, ok := lit.Value.(decimal128.Num)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, v), nil
	case arrow.INTERVAL_MONTH_DAY_NANO:
		v, ok := lit.Value.(arrow.MonthDayNanoInterval)
		if !ok {
			return bad()
		}
		return fillArray(mem, dt, n, v), nil
	case arrow.STRING, arrow.BINARY:
		s, ok := litString(lit.Value)
		if !ok {
			return bad()
		}
		return fillBinary[int32](mem, dt, n, s), nil
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		s, ok := litString(lit.Value)
		if !ok {
			return bad()
		}
		return fillBinary[int64](mem, dt, n, s), nil
	}
	return nil, fmt.Errorf("eval: literals of type %s are not supported", planner.TypeName(dt))
}

func fillArray[T any](mem memory.Allocator, dt arrow.DataType, n int, v T) arrow.Array {
	buf, out := newValues[T](mem, n)
	for i := range out {
		out[i] = v
	}
	return makeArray(dt, n, []*memory.Buffer{nil, buf})
}

func fillBinary[O int32 | int64](mem memory.Allocator, dt arrow.DataType, n int, s string) arrow.Array {
	offBuf, offs := newValues[O](mem, n+1)
	dataBuf, data := newValues[byte](mem, n*len(s))
	for i := 0; i <= n; i++ {
		offs[i] = O(i * len(s))
	}
	for i := 0; i < n; i++ {
		copy(data[i*len(s):], s)
	}
	return makeArray(dt, n, []*memory.Buffer{nil, offBuf, dataBuf})
}

// litInt64 reads any Go integer (and the temporal types) as int64.
func litInt64(v any) (int64, bool) {
	switch v := v.(type) {
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case arrow.Date32:
		return int64(v), true
	case arrow.Timestamp:
		return int64(v), true
	}
	return 0, false
}

func litFloat64(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	}
	if i, ok := litInt64(v); ok {
		return float64(i), true
	}
	return 0, false
}

func litString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return "", false
}

// ValueAt returns row i of arr in the planner.Literal Go representation
// (nil for NULL). It allocates; use it for single values, never in loops
// over rows.
func ValueAt(arr arrow.Array, i int) any {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
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
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i)
	case *array.String:
		// Value aliases the array's buffer, which may be freed: copy it.
		return strings.Clone(a.Value(i))
	case *array.LargeString:
		return strings.Clone(a.Value(i))
	case *array.Binary:
		return string(a.Value(i))
	case *array.LargeBinary:
		return string(a.Value(i))
	case *array.Date32:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i)
	case *array.MonthDayNanoInterval:
		return a.Value(i)
	}
	return arr.GetOneForMarshal(i)
}
