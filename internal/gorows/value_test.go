package gorows

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// arrayOf builds an array of dt from JSON text.
func arrayOf(t *testing.T, mem memory.Allocator, dt arrow.DataType, js string) arrow.Array {
	t.Helper()
	a, _, err := array.FromJSON(mem, dt, strings.NewReader(js))
	if err != nil {
		t.Fatalf("%s %s: %v", dt, js, err)
	}
	return a
}

func TestValue(t *testing.T) {
	mem := newMem(t)
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		dt   arrow.DataType
		js   string
		want []any
	}{
		{arrow.Null, `[null]`, []any{nil}},
		{arrow.FixedWidthTypes.Boolean, `[true, null]`, []any{true, nil}},
		{arrow.PrimitiveTypes.Int8, `[-1]`, []any{int8(-1)}},
		{arrow.PrimitiveTypes.Int16, `[-2]`, []any{int16(-2)}},
		{arrow.PrimitiveTypes.Int32, `[3, null]`, []any{int32(3), nil}},
		{arrow.PrimitiveTypes.Int64, `[4]`, []any{int64(4)}},
		{arrow.PrimitiveTypes.Uint8, `[5]`, []any{uint8(5)}},
		{arrow.PrimitiveTypes.Uint16, `[6]`, []any{uint16(6)}},
		{arrow.PrimitiveTypes.Uint32, `[7]`, []any{uint32(7)}},
		{arrow.PrimitiveTypes.Uint64, `[8]`, []any{uint64(8)}},
		{arrow.FixedWidthTypes.Float16, `[1.5]`, []any{float32(1.5)}},
		{arrow.PrimitiveTypes.Float32, `[2.5]`, []any{float32(2.5)}},
		{arrow.PrimitiveTypes.Float64, `[3.5]`, []any{3.5}},
		{arrow.BinaryTypes.String, `["a", null]`, []any{"a", nil}},
		{arrow.BinaryTypes.LargeString, `["b"]`, []any{"b"}},
		{arrow.BinaryTypes.StringView, `["c"]`, []any{"c"}},
		{arrow.BinaryTypes.Binary, `["AQI="]`, []any{[]byte{1, 2}}},
		{arrow.BinaryTypes.LargeBinary, `["AQI="]`, []any{[]byte{1, 2}}},
		{&arrow.FixedSizeBinaryType{ByteWidth: 2}, `["AQI="]`, []any{[]byte{1, 2}}},
		{arrow.FixedWidthTypes.Date32, `["2024-02-29"]`, []any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}},
		{arrow.FixedWidthTypes.Date64, `["2024-02-29"]`, []any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, `["2024-03-01T12:30:45.123456"]`, []any{t0}},
		{&arrow.TimestampType{Unit: arrow.Second, TimeZone: "America/New_York"}, `["2024-03-01T12:30:45Z"]`,
			[]any{time.Date(2024, 3, 1, 7, 30, 45, 0, ny)}},
		{arrow.FixedWidthTypes.Time32ms, `["01:02:03.004"]`, []any{time.Hour + 2*time.Minute + 3*time.Second + 4*time.Millisecond}},
		{arrow.FixedWidthTypes.Time64us, `["01:00:00"]`, []any{time.Hour}},
		{arrow.FixedWidthTypes.Duration_s, `[90]`, []any{90 * time.Second}},
		{&arrow.Decimal128Type{Precision: 5, Scale: 2}, `["-1.25"]`, []any{Decimal{decimal128.FromI64(-125), 5, 2}}},
		{&arrow.Decimal256Type{Precision: 40, Scale: 3}, `["1.500"]`, []any{"1.500"}},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), `[[1, null, 2], [], null]`, []any{[]any{int64(1), nil, int64(2)}, []any{}, nil}},
		{arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true}, arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true}),
			`[{"a": 1, "b": "x"}, null]`, []any{map[string]any{"a": int32(1), "b": "x"}, nil}},
		{arrow.FixedWidthTypes.MonthInterval, `[{"months": 3}]`, []any{arrow.MonthInterval(3)}},
	}
	for _, tt := range tests {
		a := arrayOf(t, mem, tt.dt, tt.js)
		var got []any
		for i := range a.Len() {
			got = append(got, Value(a, i))
		}
		a.Release()
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.dt, got, tt.want)
		}
	}
}

// TestValueEncoded reads through dictionaries and run-end encoding.
func TestValueEncoded(t *testing.T) {
	mem := newMem(t)
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String})
	sb := db.(*array.BinaryDictionaryBuilder)
	sb.AppendString("x")
	sb.AppendNull()
	sb.AppendString("y")
	sb.AppendString("x")
	dict := sb.NewArray()
	db.Release()
	defer dict.Release()
	var got []any
	for i := range dict.Len() {
		got = append(got, Value(dict, i))
	}
	if !reflect.DeepEqual(got, []any{"x", nil, "y", "x"}) {
		t.Fatalf("dictionary: %v", got)
	}
	if s, err := String(dict, 2); err != nil || s != "y" {
		t.Fatalf("String %q %v", s, err)
	}

	runEnds := arrayOf(t, mem, arrow.PrimitiveTypes.Int32, `[2, 3]`)
	defer runEnds.Release()
	vals := arrayOf(t, mem, arrow.PrimitiveTypes.Int64, `[7, null]`)
	defer vals.Release()
	ree := array.NewRunEndEncodedArray(runEnds, vals, 3, 0)
	defer ree.Release()
	got = nil
	for i := range ree.Len() {
		got = append(got, Value(ree, i))
	}
	if !reflect.DeepEqual(got, []any{int64(7), int64(7), nil}) {
		t.Fatalf("run-end encoded: %v", got)
	}
	var p *int64
	if err := scanInto(ree, 2, &p); err != nil || p != nil {
		t.Fatalf("scan NULL of REE: %v %v", p, err)
	}
	if _, err := Int64(ree, 2); err == nil {
		t.Fatal("Int64 of a NULL must fail")
	}
}

// TestValueCopies checks that strings and bytes outlive their array.
func TestValueCopies(t *testing.T) {
	mem := newMem(t)
	a := arrayOf(t, mem, arrow.BinaryTypes.String, `["hello"]`)
	b := arrayOf(t, mem, arrow.BinaryTypes.Binary, `["AQI="]`)
	s := Value(a, 0).(string)
	bs := Value(b, 0).([]byte)
	// Scribble over the arrays' buffers: the values must not change.
	for _, buf := range a.Data().Buffers()[1:] {
		clear(buf.Bytes())
	}
	for _, buf := range b.Data().Buffers()[1:] {
		clear(buf.Bytes())
	}
	a.Release()
	b.Release()
	if s != "hello" || !reflect.DeepEqual(bs, []byte{1, 2}) {
		t.Fatalf("values changed with their arrays: %q %v", s, bs)
	}
}

func TestGetters(t *testing.T) {
	mem := newMem(t)
	arrs := map[string]arrow.Array{
		"i8":   arrayOf(t, mem, arrow.PrimitiveTypes.Int8, `[-8, null]`),
		"i32":  arrayOf(t, mem, arrow.PrimitiveTypes.Int32, `[32]`),
		"u64":  arrayOf(t, mem, arrow.PrimitiveTypes.Uint64, `[18446744073709551615, 5]`),
		"f32":  arrayOf(t, mem, arrow.PrimitiveTypes.Float32, `[0.5]`),
		"f64":  arrayOf(t, mem, arrow.PrimitiveTypes.Float64, `[1.25]`),
		"dec":  arrayOf(t, mem, &arrow.Decimal128Type{Precision: 6, Scale: 2}, `["12.00", "1.50"]`),
		"d256": arrayOf(t, mem, &arrow.Decimal256Type{Precision: 6, Scale: 2}, `["2.50"]`),
		"str":  arrayOf(t, mem, arrow.BinaryTypes.String, `["s"]`),
		"bool": arrayOf(t, mem, arrow.FixedWidthTypes.Boolean, `[true]`),
		"date": arrayOf(t, mem, arrow.FixedWidthTypes.Date32, `["2024-02-29"]`),
		"ts":   arrayOf(t, mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, `["2024-03-01T12:30:45.123456Z"]`),
	}
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	type call struct {
		fn   string
		arr  string
		row  int
		want any
		err  string
	}
	tests := []call{
		{"Int64", "i8", 0, int64(-8), ""},
		{"Int64", "i8", 1, nil, "NULL"},
		{"Int64", "i32", 0, int64(32), ""},
		{"Int64", "u64", 0, nil, "overflows int64"},
		{"Int64", "u64", 1, int64(5), ""},
		{"Int64", "dec", 0, int64(12), ""},
		{"Int64", "dec", 1, nil, "decimal 1.50 is not an int64"},
		{"Int64", "f64", 0, nil, "a float64 value cannot be read as int64"},
		{"Int64", "str", 0, nil, "a utf8 value cannot be read as int64"},
		{"Float64", "f64", 0, 1.25, ""},
		{"Float64", "f32", 0, 0.5, ""},
		{"Float64", "i32", 0, 32.0, ""},
		{"Float64", "u64", 0, float64(math.MaxUint64), ""},
		{"Float64", "dec", 1, 1.5, ""},
		{"Float64", "d256", 0, 2.5, ""},
		{"Float64", "i8", 1, nil, "NULL"},
		{"Float64", "bool", 0, nil, "a bool value cannot be read as float64"},
		{"String", "str", 0, "s", ""},
		{"String", "i32", 0, nil, "a int32 value cannot be read as string"},
		{"Bool", "bool", 0, true, ""},
		{"Bool", "i32", 0, nil, "cannot be read as bool"},
		{"Time", "date", 0, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		{"Time", "ts", 0, t0, ""},
		{"Time", "str", 0, nil, "cannot be read as time.Time"},
	}
	for _, tt := range tests {
		a := arrs[tt.arr]
		var got any
		var err error
		switch tt.fn {
		case "Int64":
			got, err = Int64(a, tt.row)
		case "Float64":
			got, err = Float64(a, tt.row)
		case "String":
			got, err = String(a, tt.row)
		case "Bool":
			got, err = Bool(a, tt.row)
		case "Time":
			got, err = Time(a, tt.row)
		}
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s(%s, %d): error %v, want %q", tt.fn, tt.arr, tt.row, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s(%s, %d) = %#v, %v; want %#v", tt.fn, tt.arr, tt.row, got, err, tt.want)
		}
	}
}
