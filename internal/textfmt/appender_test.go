package textfmt

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestNewAppender renders one value of each type the way each writer
// wants it.
func TestNewAppender(t *testing.T) {
	csv := Options{}
	json := Options{JSON: true}
	file := Options{FloatPoint: true}
	path := Options{FloatPoint: true, TimestampSep: ' '}
	cases := []struct {
		name string
		typ  arrow.DataType
		in   string // the value as arrow's builders parse it
		opts Options
		kind Kind
		want string
	}{
		{"bool", arrow.FixedWidthTypes.Boolean, "true", csv, KindPlain, "true"},
		{"int8", arrow.PrimitiveTypes.Int8, "-128", csv, KindNumber, "-128"},
		{"int16", arrow.PrimitiveTypes.Int16, "-300", csv, KindNumber, "-300"},
		{"int32", arrow.PrimitiveTypes.Int32, "-2147483648", csv, KindNumber, "-2147483648"},
		{"int64", arrow.PrimitiveTypes.Int64, "9223372036854775807", json, KindNumber, "9223372036854775807"},
		{"uint8", arrow.PrimitiveTypes.Uint8, "255", csv, KindNumber, "255"},
		{"uint16", arrow.PrimitiveTypes.Uint16, "65535", csv, KindNumber, "65535"},
		{"uint32", arrow.PrimitiveTypes.Uint32, "4294967295", csv, KindNumber, "4294967295"},
		{"uint64", arrow.PrimitiveTypes.Uint64, "18446744073709551615", csv, KindNumber, "18446744073709551615"},
		{"float32", arrow.PrimitiveTypes.Float32, "0.1", csv, KindNumber, "0.1"},
		{"float32 point", arrow.PrimitiveTypes.Float32, "2", file, KindNumber, "2.0"},
		{"float64 cli", arrow.PrimitiveTypes.Float64, "1", csv, KindNumber, "1"},
		{"float64 file", arrow.PrimitiveTypes.Float64, "1", file, KindNumber, "1.0"},
		{"float64 json nan", arrow.PrimitiveTypes.Float64, "NaN", json, KindNumber, `"NaN"`},
		{"float64 json+point", arrow.PrimitiveTypes.Float64, "3", Options{JSON: true, FloatPoint: true}, KindNumber, "3.0"},
		{"float64 csv inf", arrow.PrimitiveTypes.Float64, "-Inf", csv, KindNumber, "-Infinity"},
		{"decimal32", &arrow.Decimal32Type{Precision: 9, Scale: 2}, "-0.05", csv, KindNumber, "-0.05"},
		{"decimal64", &arrow.Decimal64Type{Precision: 18, Scale: 3}, "12.345", csv, KindNumber, "12.345"},
		{"decimal128", &arrow.Decimal128Type{Precision: 12, Scale: 2}, "12.3", json, KindNumber, "12.30"},
		{"decimal256", &arrow.Decimal256Type{Precision: 40, Scale: 1}, "-1.5", csv, KindNumber, "-1.5"},
		{"string", arrow.BinaryTypes.String, `a"b`, csv, KindText, `a"b`},
		{"string json", arrow.BinaryTypes.String, `a"b`, json, KindText, `"a\"b"`},
		{"large string json", arrow.BinaryTypes.LargeString, "x\n", json, KindText, `"x\n"`},
		{"string view", arrow.BinaryTypes.StringView, "ünï", csv, KindText, "ünï"},
		{"binary", arrow.BinaryTypes.Binary, "aGk=", csv, KindPlain, `\x6869`},
		{"binary json", arrow.BinaryTypes.Binary, "aGk=", json, KindPlain, `"\\x6869"`},
		{"large binary", arrow.BinaryTypes.LargeBinary, "/w==", csv, KindPlain, `\xff`},
		{"binary view json", arrow.BinaryTypes.BinaryView, "", json, KindPlain, `"\\x"`},
		{"date32", arrow.FixedWidthTypes.Date32, "18292", csv, KindPlain, "2020-01-31"},
		{"date32 json", arrow.FixedWidthTypes.Date32, "-1", json, KindPlain, `"1969-12-31"`},
		{"date64", arrow.FixedWidthTypes.Date64, "-1", csv, KindPlain, "1969-12-31"},
		{"timestamp", &arrow.TimestampType{Unit: arrow.Microsecond}, "1580464800500000", csv, KindPlain,
			"2020-01-31T10:00:00.500000"},
		{"timestamp path", &arrow.TimestampType{Unit: arrow.Microsecond}, "1580464800000000", path, KindPlain,
			"2020-01-31 10:00:00"},
		{"timestamp zoned json", &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, "0", json, KindPlain,
			`"1970-01-01T00:00:00Z"`},
		{"time32", arrow.FixedWidthTypes.Time32ms, "1", csv, KindPlain, "00:00:00.001000"},
		{"time64 json", arrow.FixedWidthTypes.Time64ns, "37230000000000", json, KindPlain, `"10:20:30"`},
		{"interval json", arrow.FixedWidthTypes.MonthDayNanoInterval, `{"days":-3}`, json, KindPlain, `"-3 days"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			arr := oneValue(t, mem, tc.typ, tc.in)
			defer arr.Release()
			app, kind, ok := NewAppender(arr, tc.opts)
			if !ok {
				t.Fatalf("no appender for %s", tc.typ)
			}
			if kind != tc.kind {
				t.Errorf("kind %d, want %d", kind, tc.kind)
			}
			// Row 1 holds the value, row 0 a NULL, so that the index counts.
			if got := string(app([]byte("|"), 1)); got != "|"+tc.want {
				t.Errorf("got %q, want %q", got, "|"+tc.want)
			}
		})
	}
}

// TestNewAppenderDeclines checks the types each writer renders its own way.
func TestNewAppenderDeclines(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	null := array.NewNull(2)
	defer null.Release()
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int32)
	defer lb.Release()
	lb.Append(true)
	list := lb.NewArray()
	defer list.Release()
	db := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String})
	defer db.Release()
	dict := db.NewArray()
	defer dict.Release()
	for _, arr := range []arrow.Array{null, list, dict} {
		if app, _, ok := NewAppender(arr, Options{}); ok || app != nil {
			t.Errorf("%s: got an appender", arr.DataType())
		}
	}
}

// oneValue builds an array of type dt holding NULL, then the value that
// arrow's builders parse from in.
func oneValue(t *testing.T, mem memory.Allocator, dt arrow.DataType, in string) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	b.AppendNull()
	if err := b.AppendValueFromString(in); err != nil {
		t.Fatalf("%s from %q: %v", dt, in, err)
	}
	return b.NewArray()
}
