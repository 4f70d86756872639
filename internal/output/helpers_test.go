package output

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// buildArray builds an array of type dt from Go values; nil is NULL.
func buildArray(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals []any) arrow.Array {
	t.Helper()
	if dt.ID() == arrow.NULL {
		return array.NewNull(len(vals))
	}
	if d, ok := dt.(*arrow.DictionaryType); ok {
		b := array.NewDictionaryBuilder(mem, d).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		for _, v := range vals {
			if v == nil {
				b.AppendNull()
				continue
			}
			if err := b.AppendString(v.(string)); err != nil {
				t.Fatal(err)
			}
		}
		return b.NewArray()
	}
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Int8Builder:
			b.Append(int8(v.(int)))
		case *array.Int32Builder:
			b.Append(int32(v.(int)))
		case *array.Int64Builder:
			b.Append(v.(int64))
		case *array.Uint64Builder:
			b.Append(v.(uint64))
		case *array.Float32Builder:
			b.Append(v.(float32))
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.Decimal128Builder:
			b.Append(v.(decimal128.Num))
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.LargeStringBuilder:
			b.Append(v.(string))
		case *array.BinaryBuilder:
			b.Append(v.([]byte))
		case *array.Date32Builder:
			b.Append(arrow.Date32(v.(int)))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int64)))
		case *array.Time64Builder:
			b.Append(arrow.Time64(v.(int64)))
		case *array.MonthDayNanoIntervalBuilder:
			b.Append(v.(arrow.MonthDayNanoInterval))
		default:
			t.Fatalf("buildArray: no case for %T", b)
		}
	}
	return b.NewArray()
}

// batchOf builds a record batch of named columns; it releases the arrays.
func batchOf(t testing.TB, mem memory.Allocator, names []string, types []arrow.DataType, cols ...[]any) arrow.RecordBatch {
	t.Helper()
	fields := make([]arrow.Field, len(names))
	arrs := make([]arrow.Array, len(names))
	for i := range names {
		fields[i] = arrow.Field{Name: names[i], Type: types[i], Nullable: true}
		arrs[i] = buildArray(t, mem, types[i], cols[i])
	}
	n := 0
	if len(cols) > 0 {
		n = len(cols[0])
	}
	b := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return b
}

// render runs w over the batches and returns what it wrote.
func render(t *testing.T, format string, schema *arrow.Schema, batches ...arrow.RecordBatch) string {
	t.Helper()
	var sb stringsBuilder
	w, err := New(format, &sb)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(schema); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// stringsBuilder is an io.Writer that records what it was given, and after
// how many Write calls each piece arrived.
type stringsBuilder struct {
	buf    []byte
	writes int
}

func (s *stringsBuilder) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	s.writes++
	return len(p), nil
}

func (s *stringsBuilder) String() string { return string(s.buf) }

// dec returns the decimal128 whose unscaled value is v.
func dec(v int64) decimal128.Num { return decimal128.FromI64(v) }

// decStr parses an unscaled decimal of any size.
func decStr(t *testing.T, s string) decimal128.Num {
	t.Helper()
	n, err := decimal128.FromString(s, 38, 0)
	if err != nil {
		t.Fatal(fmt.Errorf("decStr %q: %w", s, err))
	}
	return n
}
