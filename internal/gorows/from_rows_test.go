package gorows

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func newMem(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func release(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// column reads column c of batches back with Value.
func column(bs []arrow.RecordBatch, c int) []any {
	var out []any
	for _, b := range bs {
		for i := range int(b.NumRows()) {
			out = append(out, Value(b.Column(c), i))
		}
	}
	return out
}

func dec(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

type age int
type label string

var (
	t0     = time.Date(2024, 3, 1, 12, 30, 45, 123456000, time.UTC)
	t0Zone = time.Date(2024, 3, 1, 14, 30, 45, 123456000, time.FixedZone("x", 2*3600)) // = t0
)

func ptr[T any](v T) *T { return &v }

// TestFromRowsTypes infers each Go type's column type and reads the values
// back (the round trip FromRows -> Value).
func TestFromRowsTypes(t *testing.T) {
	tests := []struct {
		name string
		vals []any
		dt   arrow.DataType
		want []any
	}{
		{"string", []any{"a", nil, ""}, arrow.BinaryTypes.String, []any{"a", nil, ""}},
		{"int", []any{1, -2, nil}, arrow.PrimitiveTypes.Int64, []any{int64(1), int64(-2), nil}},
		{"int64", []any{int64(math.MaxInt64), int64(math.MinInt64)}, arrow.PrimitiveTypes.Int64, []any{int64(math.MaxInt64), int64(math.MinInt64)}},
		{"uints", []any{uint8(255), uint16(65535), uint32(7), uint(8), uint64(9)}, arrow.PrimitiveTypes.Int64,
			[]any{int64(255), int64(65535), int64(7), int64(8), int64(9)}},
		{"int32", []any{int32(5), nil}, arrow.PrimitiveTypes.Int32, []any{int32(5), nil}},
		{"int16", []any{int16(-5)}, arrow.PrimitiveTypes.Int16, []any{int16(-5)}},
		{"int8", []any{int8(7)}, arrow.PrimitiveTypes.Int8, []any{int8(7)}},
		{"int8 and int32 widen", []any{int8(1), int32(70000)}, arrow.PrimitiveTypes.Int32, []any{int32(1), int32(70000)}},
		{"int32 and int widen", []any{int32(1), 2}, arrow.PrimitiveTypes.Int64, []any{int64(1), int64(2)}},
		{"float32", []any{float32(1.5)}, arrow.PrimitiveTypes.Float64, []any{1.5}},
		{"float64", []any{2.25, math.Inf(1)}, arrow.PrimitiveTypes.Float64, []any{2.25, math.Inf(1)}},
		{"int and float", []any{1, 2.5, nil, int32(3)}, arrow.PrimitiveTypes.Float64, []any{1.0, 2.5, nil, 3.0}},
		{"bool", []any{true, false, nil}, arrow.FixedWidthTypes.Boolean, []any{true, false, nil}},
		{"time", []any{t0, t0Zone}, timestampType, []any{t0, t0}},
		{"date", []any{Date{2024, 2, 29}, Date{1969, 12, 31}}, arrow.FixedWidthTypes.Date32,
			[]any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)}},
		{"bytes", []any{[]byte("ab"), []byte{}, []byte(nil)}, arrow.BinaryTypes.Binary, []any{[]byte("ab"), []byte{}, nil}},
		{"decimal", []any{dec("1.5"), dec("-123.25"), nil}, &arrow.Decimal128Type{Precision: 5, Scale: 2},
			[]any{Decimal{decimal128.FromI64(150), 5, 2}, Decimal{decimal128.FromI64(-12325), 5, 2}, nil}},
		{"pointers", []any{ptr(3), (*int)(nil), ptr(int64(4))}, arrow.PrimitiveTypes.Int64, []any{int64(3), nil, int64(4)}},
		{"pointer to pointer", []any{ptr(ptr("x")), ptr((*string)(nil))}, arrow.BinaryTypes.String, []any{"x", nil}},
		{"named types", []any{age(30), ptr(age(40))}, arrow.PrimitiveTypes.Int64, []any{int64(30), int64(40)}},
		{"named string", []any{label("l")}, arrow.BinaryTypes.String, []any{"l"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			rows := make([][]any, len(tt.vals))
			for i, v := range tt.vals {
				rows[i] = []any{v}
			}
			schema, bs, err := FromRows(mem, rows, []string{"c"})
			if err != nil {
				t.Fatal(err)
			}
			defer release(bs)
			f := schema.Field(0)
			if f.Name != "c" || !f.Nullable || !arrow.TypeEqual(f.Type, tt.dt) {
				t.Fatalf("field %v, want c %s nullable", f, tt.dt)
			}
			got := column(bs, 0)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
			for _, v := range got {
				if tm, ok := v.(time.Time); ok && tm.Location() != time.UTC {
					t.Fatalf("%v is not in UTC", tm)
				}
			}
		})
	}
}

func TestFromRowsPySparkExample(t *testing.T) {
	mem := newMem(t)
	schema, bs, err := FromRows(mem, [][]any{{"Alice", 1}, {"Bob", 2}, {"Charlie", 3}}, []string{"Name", "Age"})
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	want := arrow.NewSchema([]arrow.Field{
		{Name: "Name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "Age", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	if !schema.Equal(want) || len(bs) != 1 || bs[0].NumRows() != 3 || !bs[0].Schema().Equal(want) {
		t.Fatalf("schema %s, %d batches", schema, len(bs))
	}
	if got := column(bs, 0); !reflect.DeepEqual(got, []any{"Alice", "Bob", "Charlie"}) {
		t.Fatalf("names %v", got)
	}
}

func TestFromRowsErrors(t *testing.T) {
	tests := []struct {
		name string
		rows [][]any
		cols []string
		err  []string // all must appear in the message
	}{
		{"short row", [][]any{{1, 2}, {3}}, []string{"a", "b"}, []string{"row 1", "1 values", "expected 2"}},
		{"long row", [][]any{{1, 2, 3}}, []string{"a", "b"}, []string{"row 0", "3 values"}},
		{"string and int", [][]any{{"x"}, {1}}, []string{"a"}, []string{"row 1", `column "a"`, "int64", "string"}},
		{"bool and int", [][]any{{1}, {true}}, []string{"b"}, []string{"row 1", `column "b"`}},
		{"time and date", [][]any{{t0}, {Date{2020, 1, 1}}}, []string{"d"}, []string{"row 1", `column "d"`}},
		{"decimal and int", [][]any{{dec("1.5")}, {1}}, []string{"d"}, []string{"row 1"}},
		{"only nils", [][]any{{1, nil}, {2, nil}}, []string{"a", "empty"}, []string{`column "empty"`, "only nil"}},
		{"no rows", nil, []string{"a"}, []string{`column "a"`, "only nil"}},
		{"unsupported type", [][]any{{map[string]int{}}}, []string{"m"}, []string{"row 0", `column "m"`, "map[string]int"}},
		{"struct", [][]any{{struct{ A int }{1}}}, []string{"s"}, []string{"row 0", "not supported"}},
		{"uint64 overflow", [][]any{{uint64(math.MaxUint64)}}, []string{"u"}, []string{"row 0", `column "u"`, "overflows BIGINT"}},
		{"decimal too wide", [][]any{{dec("12345678901234567890123456789012345678")}, {dec("0.1")}}, []string{"d"}, []string{"row 1", "38"}},
		{"bad decimal", [][]any{{Decimal{Precision: 40}}}, []string{"d"}, []string{"row 0", "precision"}},
		{"bad date", [][]any{{Date{2023, 2, 29}}}, []string{"d"}, []string{"row 0", "2023-02-29 is not a valid date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			_, bs, err := FromRows(mem, tt.rows, tt.cols)
			if err == nil {
				release(bs)
				t.Fatal("no error")
			}
			for _, s := range tt.err {
				if !strings.Contains(err.Error(), s) {
					t.Fatalf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestFromRowsBatches(t *testing.T) {
	mem := newMem(t)
	const n = 2*BatchRows + 100
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{i, float64(i) / 2}
	}
	_, bs, err := FromRows(mem, rows, []string{"i", "f"})
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	if len(bs) != 3 || bs[0].NumRows() != BatchRows || bs[1].NumRows() != BatchRows || bs[2].NumRows() != 100 {
		t.Fatalf("%d batches", len(bs))
	}
	got := column(bs, 0)
	for i, v := range got {
		if v != int64(i) {
			t.Fatalf("row %d: %v", i, v)
		}
	}
	// An error in the last batch frees the batches already built.
	rows[n-1] = []any{1, "x"}
	if _, _, err := FromRows(mem, rows, []string{"i", "f"}); err == nil || !strings.Contains(err.Error(), "row 131171") {
		t.Fatalf("error %v", err)
	}
	rows[n-1] = []any{uint64(math.MaxUint64), 1.0}
	if _, _, err := FromRows(mem, rows, []string{"i", "f"}); err == nil || !strings.Contains(err.Error(), "row 131171") {
		t.Fatalf("error %v", err)
	}
}

func TestFromRowsWithSchema(t *testing.T) {
	ts := func(unit arrow.TimeUnit, tz string) arrow.DataType {
		return &arrow.TimestampType{Unit: unit, TimeZone: tz}
	}
	d102 := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	tests := []struct {
		name string
		dt   arrow.DataType
		vals []any
		want []any
		err  string
	}{
		{"int to double", arrow.PrimitiveTypes.Float64, []any{1, int32(2), "3.5", dec("1.25"), uint64(4)}, []any{1.0, 2.0, 3.5, 1.25, 4.0}, ""},
		{"double to float", arrow.PrimitiveTypes.Float32, []any{1.5, 2}, []any{float32(1.5), float32(2)}, ""},
		{"float overflow", arrow.PrimitiveTypes.Float32, []any{1e300}, nil, "overflows FLOAT"},
		{"int32", arrow.PrimitiveTypes.Int32, []any{1, int8(2), " 3 ", 4.0, dec("5.00")}, []any{int32(1), int32(2), int32(3), int32(4), int32(5)}, ""},
		{"int32 overflow", arrow.PrimitiveTypes.Int32, []any{int64(1) << 40}, nil, "overflows INT"},
		{"int8 overflow", arrow.PrimitiveTypes.Int8, []any{200}, nil, "200 overflows TINYINT"},
		{"int16", arrow.PrimitiveTypes.Int16, []any{-300}, []any{int16(-300)}, ""},
		{"fraction to int", arrow.PrimitiveTypes.Int64, []any{1.5}, nil, "1.5 is not a BIGINT value"},
		{"decimal fraction to int", arrow.PrimitiveTypes.Int64, []any{dec("1.5")}, nil, "not a BIGINT"},
		{"bad int string", arrow.PrimitiveTypes.Int64, []any{"x1"}, nil, `"x1" is not a BIGINT value`},
		{"bool to int", arrow.PrimitiveTypes.Int64, []any{true}, nil, "cannot convert bool true to BIGINT"},
		{"uint8", arrow.PrimitiveTypes.Uint8, []any{255, "7"}, []any{uint8(255), uint8(7)}, ""},
		{"uint8 overflow", arrow.PrimitiveTypes.Uint8, []any{256}, nil, "overflows uint8"},
		{"negative uint", arrow.PrimitiveTypes.Uint32, []any{-1}, nil, "overflows"},
		{"uint64", arrow.PrimitiveTypes.Uint64, []any{uint64(math.MaxUint64)}, []any{uint64(math.MaxUint64)}, ""},
		{"uint16", arrow.PrimitiveTypes.Uint16, []any{1}, []any{uint16(1)}, ""},
		{"string", arrow.BinaryTypes.String, []any{"a", []byte("b")}, []any{"a", "b"}, ""},
		{"int to string", arrow.BinaryTypes.String, []any{1}, nil, "cannot convert int64 1 to STRING"},
		{"large string", arrow.BinaryTypes.LargeString, []any{"a"}, []any{"a"}, ""},
		{"binary", arrow.BinaryTypes.Binary, []any{"a", []byte{1}}, []any{[]byte("a"), []byte{1}}, ""},
		{"large binary", arrow.BinaryTypes.LargeBinary, []any{[]byte{2}}, []any{[]byte{2}}, ""},
		{"bool", arrow.FixedWidthTypes.Boolean, []any{true, "false", "TRUE"}, []any{true, false, true}, ""},
		{"bad bool", arrow.FixedWidthTypes.Boolean, []any{"yes"}, nil, `cannot convert string "yes" to BOOLEAN`},
		{"date", arrow.FixedWidthTypes.Date32, []any{"2024-02-29", Date{2000, 1, 1}, t0Zone},
			[]any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"bad date", arrow.FixedWidthTypes.Date32, []any{"2024-02-30"}, nil, `"2024-02-30" is not a date`},
		{"date64", arrow.FixedWidthTypes.Date64, []any{"1970-01-02"}, []any{time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)}, ""},
		{"timestamp us", ts(arrow.Microsecond, "UTC"), []any{t0Zone, "2024-03-01 12:30:45.123456", "2024-03-01T12:30:45.123456Z", Date{2024, 3, 1}},
			[]any{t0, t0, t0, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}, ""},
		{"timestamp s", ts(arrow.Second, ""), []any{t0}, []any{t0.Truncate(time.Second)}, ""},
		{"timestamp ms", ts(arrow.Millisecond, ""), []any{t0}, []any{t0.Truncate(time.Millisecond)}, ""},
		{"timestamp ns", ts(arrow.Nanosecond, ""), []any{"2024-03-01 12:30:45.123456"}, []any{t0}, ""},
		{"timestamp ns range", ts(arrow.Nanosecond, ""), []any{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil, "out of the range"},
		{"bad timestamp", ts(arrow.Microsecond, ""), []any{"noon"}, nil, `"noon" is not a timestamp`},
		{"decimal", d102, []any{dec("1.5"), 3, "-2.345", 0.125, dec("1.005")},
			[]any{Decimal{decimal128.FromI64(150), 10, 2}, Decimal{decimal128.FromI64(300), 10, 2},
				Decimal{decimal128.FromI64(-235), 10, 2}, Decimal{decimal128.FromI64(13), 10, 2}, Decimal{decimal128.FromI64(101), 10, 2}}, ""},
		{"float to decimal", d102, []any{-0.125, 1e-30, float32(0.5)},
			[]any{Decimal{decimal128.FromI64(-13), 10, 2}, Decimal{decimal128.FromI64(0), 10, 2}, Decimal{decimal128.FromI64(50), 10, 2}}, ""},
		{"huge float to decimal", d102, []any{1e300}, nil, "does not fit DECIMAL(10,2)"},
		{"decimal overflow", d102, []any{dec("123456789.5")}, nil, "does not fit DECIMAL(10,2)"},
		{"decimal from big int", d102, []any{int64(math.MaxInt64)}, nil, "does not fit"},
		{"decimal from NaN", d102, []any{math.NaN()}, nil, "NaN is not a DECIMAL"},
		{"null type", arrow.Null, []any{nil, nil}, []any{nil, nil}, ""},
		{"null type value", arrow.Null, []any{1}, nil, "column of type null"},
		{"unsupported type", arrow.ListOf(arrow.PrimitiveTypes.Int64), []any{1}, nil, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			rows := make([][]any, len(tt.vals))
			for i, v := range tt.vals {
				rows[i] = []any{v}
			}
			schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: tt.dt, Nullable: true}}, nil)
			bs, err := FromRowsWithSchema(mem, rows, schema)
			if tt.err != "" {
				if err == nil {
					release(bs)
					t.Fatal("no error")
				}
				if !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), `column "c"`) {
					t.Fatalf("error %q, want %q naming the column", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer release(bs)
			got := column(bs, 0)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestFromRowsWithSchemaNulls(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	bs, err := FromRowsWithSchema(mem, [][]any{{1, nil}, {2, "x"}}, schema)
	if err != nil {
		t.Fatal(err)
	}
	if got := column(bs, 1); !reflect.DeepEqual(got, []any{nil, "x"}) {
		t.Fatalf("got %v", got)
	}
	release(bs)
	_, err = FromRowsWithSchema(mem, [][]any{{1, nil}, {nil, "x"}}, schema)
	if err == nil || !strings.Contains(err.Error(), `row 1, column "a": nil in a column that is not nullable`) {
		t.Fatalf("error %v", err)
	}
	if _, err := FromRowsWithSchema(mem, [][]any{{1}}, schema); err == nil || !strings.Contains(err.Error(), "row 0 has 1 values") {
		t.Fatalf("error %v", err)
	}
	if _, err := FromRowsWithSchema(mem, nil, nil); err == nil {
		t.Fatal("nil schema must fail")
	}
	// A column of only nils is fine with a schema, and no rows make no
	// batches.
	bs, err = FromRowsWithSchema(mem, [][]any{{1, nil}}, schema)
	if err != nil || len(bs) != 1 {
		t.Fatal(err)
	}
	release(bs)
	if bs, err := FromRowsWithSchema(mem, nil, schema); err != nil || len(bs) != 0 {
		t.Fatalf("%d batches, %v", len(bs), err)
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in         string
		prec, sc   int32
		unscaled   int64
		str        string
		wantErrMsg string
	}{
		{"12.340", 5, 3, 12340, "12.340", ""},
		{"-0.5", 1, 1, -5, "-0.5", ""},
		{"+7", 1, 0, 7, "7", ""},
		{"007.", 1, 0, 7, "7", ""},
		{".25", 2, 2, 25, "0.25", ""},
		{"0", 1, 0, 0, "0", ""},
		{"", 0, 0, 0, "", "not a decimal"},
		{".", 0, 0, 0, "", "not a decimal"},
		{"1e5", 0, 0, 0, "", "not a decimal"},
		{"1.2.3", 0, 0, 0, "", "not a decimal"},
		{"123456789012345678901234567890123456789", 0, 0, 0, "", "more than 38 digits"},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		if tt.wantErrMsg != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErrMsg) {
				t.Fatalf("%q: error %v", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if d.Precision != tt.prec || d.Scale != tt.sc || d.Unscaled != decimal128.FromI64(tt.unscaled) || d.String() != tt.str {
			t.Fatalf("%q: %+v %s", tt.in, d, d)
		}
	}
	if f := dec("-1.25").Float64(); f != -1.25 {
		t.Fatalf("Float64 %v", f)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil || d != (Date{2024, 2, 29}) || d.String() != "2024-02-29" {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := ParseDate("2024-2-29"); err == nil {
		t.Fatal("2024-2-29 must fail")
	}
	if got := DateOf(t0Zone); got != (Date{2024, 3, 1}) {
		t.Fatalf("DateOf %v", got)
	}
	if !d.Time().Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("Time %v", d.Time())
	}
	if _, err := (Date{Year: 9_000_000, Month: 1, Day: 1}).days(); err == nil {
		t.Fatal("a date out of range must fail")
	}
}
