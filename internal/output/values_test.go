package output

import (
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/internal/textfmt"
	"github.com/ember-sql/ember/planner"
)

func micros(y int, mo time.Month, d, h, mi, s, ns int) int64 {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC).UnixMicro()
}

// TestValuesEveryType renders one column of each type, NULL included, in
// CSV, TSV, NDJSON and table form, and checks every cell.
func TestValuesEveryType(t *testing.T) {
	cases := []struct {
		name  string
		typ   arrow.DataType
		vals  []any
		csv   []string // CSV field per value (TSV is the same for these)
		json  []string // JSON token per value
		table []string // table cell per value
	}{
		{"bool", arrow.FixedWidthTypes.Boolean, []any{true, false, nil},
			[]string{"true", "false", ""}, []string{"true", "false", "null"}, []string{"true", "false", "NULL"}},
		{"tinyint", arrow.PrimitiveTypes.Int8, []any{-128, 127, nil},
			[]string{"-128", "127", ""}, []string{"-128", "127", "null"}, []string{"-128", "127", "NULL"}},
		{"int", arrow.PrimitiveTypes.Int32, []any{0, -2147483648, nil},
			[]string{"0", "-2147483648", ""}, []string{"0", "-2147483648", "null"}, []string{"0", "-2147483648", "NULL"}},
		{"bigint", arrow.PrimitiveTypes.Int64, []any{int64(math.MaxInt64), int64(math.MinInt64), nil},
			[]string{"9223372036854775807", "-9223372036854775808", ""},
			[]string{"9223372036854775807", "-9223372036854775808", "null"},
			[]string{"9223372036854775807", "-9223372036854775808", "NULL"}},
		{"ubigint", arrow.PrimitiveTypes.Uint64, []any{uint64(math.MaxUint64)},
			[]string{"18446744073709551615"}, []string{"18446744073709551615"}, []string{"18446744073709551615"}},
		{"double", arrow.PrimitiveTypes.Float64,
			[]any{25.575154611454693, 0.05008133906964238, 0.0, -1.5, 1e-5, 1e-7, 1e15 - 1, 1e15, 1e20, 123456789012345.6, nil},
			[]string{"25.575154611454693", "0.05008133906964238", "0", "-1.5", "0.00001", "1e-07", "999999999999999", "1e+15", "1e+20", "123456789012345.6", ""},
			[]string{"25.575154611454693", "0.05008133906964238", "0", "-1.5", "0.00001", "1e-07", "999999999999999", "1e+15", "1e+20", "123456789012345.6", "null"},
			[]string{"25.575154611454693", "0.05008133906964238", "0", "-1.5", "0.00001", "1e-07", "999999999999999", "1e+15", "1e+20", "123456789012345.6", "NULL"}},
		{"double special", arrow.PrimitiveTypes.Float64, []any{math.NaN(), math.Inf(1), math.Inf(-1)},
			[]string{"NaN", "Infinity", "-Infinity"}, []string{`"NaN"`, `"Infinity"`, `"-Infinity"`}, []string{"NaN", "Infinity", "-Infinity"}},
		{"float", arrow.PrimitiveTypes.Float32, []any{float32(0.1), float32(3.25)},
			[]string{"0.1", "3.25"}, []string{"0.1", "3.25"}, []string{"0.1", "3.25"}},
		{"decimal(12,2)", planner.Decimal(12, 2), []any{dec(1230), dec(-5), dec(0), dec(-123456), nil},
			[]string{"12.30", "-0.05", "0.00", "-1234.56", ""},
			[]string{"12.30", "-0.05", "0.00", "-1234.56", "null"},
			[]string{"12.30", "-0.05", "0.00", "-1234.56", "NULL"}},
		{"decimal(38,4) beyond int64", planner.Decimal(38, 4),
			[]any{decStr(t, "123456789012345678901234"), decStr(t, "-99999999999999999999999999999999999999")},
			[]string{"12345678901234567890.1234", "-9999999999999999999999999999999999.9999"},
			[]string{"12345678901234567890.1234", "-9999999999999999999999999999999999.9999"},
			[]string{"12345678901234567890.1234", "-9999999999999999999999999999999999.9999"}},
		{"decimal(10,0)", planner.Decimal(10, 0), []any{dec(42), dec(-7)},
			[]string{"42", "-7"}, []string{"42", "-7"}, []string{"42", "-7"}},
		{"string", arrow.BinaryTypes.String, []any{"plain", "ünï", nil},
			[]string{"plain", "ünï", ""}, []string{`"plain"`, `"ünï"`, "null"}, []string{"plain", "ünï", "NULL"}},
		{"large string", arrow.BinaryTypes.LargeString, []any{"x"},
			[]string{"x"}, []string{`"x"`}, []string{"x"}},
		{"binary", arrow.BinaryTypes.Binary, []any{[]byte("hi"), []byte{}},
			[]string{`\x6869`, `\x`}, []string{`"\\x6869"`, `"\\x"`}, []string{`\x6869`, `\x`}},
		{"date", planner.TypeDate, []any{0, 18292, -1, -719162, 2932896, nil},
			[]string{"1970-01-01", "2020-01-31", "1969-12-31", "0001-01-01", "9999-12-31", ""},
			[]string{`"1970-01-01"`, `"2020-01-31"`, `"1969-12-31"`, `"0001-01-01"`, `"9999-12-31"`, "null"},
			[]string{"1970-01-01", "2020-01-31", "1969-12-31", "0001-01-01", "9999-12-31", "NULL"}},
		{"timestamp", planner.TypeTimestamp,
			[]any{micros(2020, 1, 31, 10, 0, 0, 0), micros(2020, 1, 31, 10, 0, 0, 500000000), int64(-1), nil},
			[]string{"2020-01-31T10:00:00", "2020-01-31T10:00:00.500000", "1969-12-31T23:59:59.999999", ""},
			[]string{`"2020-01-31T10:00:00"`, `"2020-01-31T10:00:00.500000"`, `"1969-12-31T23:59:59.999999"`, "null"},
			[]string{"2020-01-31T10:00:00", "2020-01-31T10:00:00.500000", "1969-12-31T23:59:59.999999", "NULL"}},
		{"timestamp ns with zone", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
			[]any{int64(1_000_000_001), int64(2_000_000_000)},
			[]string{"1970-01-01T00:00:01.000000001Z", "1970-01-01T00:00:02Z"},
			[]string{`"1970-01-01T00:00:01.000000001Z"`, `"1970-01-01T00:00:02Z"`},
			[]string{"1970-01-01T00:00:01.000000001Z", "1970-01-01T00:00:02Z"}},
		{"time", arrow.FixedWidthTypes.Time64us, []any{int64(37230_000_000), int64(1)},
			[]string{"10:20:30", "00:00:00.000001"}, []string{`"10:20:30"`, `"00:00:00.000001"`}, []string{"10:20:30", "00:00:00.000001"}},
		{"interval", planner.TypeInterval,
			[]any{arrow.MonthDayNanoInterval{Months: 1, Days: 2, Nanoseconds: 3 * 3600e9}, arrow.MonthDayNanoInterval{Days: -3}, arrow.MonthDayNanoInterval{}},
			[]string{"1 month 2 days 03:00:00", "-3 days", "00:00:00"},
			[]string{`"1 month 2 days 03:00:00"`, `"-3 days"`, `"00:00:00"`},
			[]string{"1 month 2 days 03:00:00", "-3 days", "00:00:00"}},
		{"dictionary", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String},
			[]any{"b", "a", nil, "b"},
			[]string{"b", "a", "", "b"}, []string{`"b"`, `"a"`, "null", `"b"`}, []string{"b", "a", "NULL", "b"}},
		{"null type", arrow.Null, []any{nil, nil},
			[]string{"", ""}, []string{"null", "null"}, []string{"NULL", "NULL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := batchOf(t, mem, []string{"c"}, []arrow.DataType{tc.typ}, tc.vals)
			defer b.Release()

			if got, want := render(t, "csv", b.Schema(), b), "c\n"+strings.Join(tc.csv, "\n")+"\n"; got != want {
				t.Errorf("csv:\n got %q\nwant %q", got, want)
			}
			if got, want := render(t, "tsv", b.Schema(), b), "c\n"+strings.Join(tc.csv, "\n")+"\n"; got != want {
				t.Errorf("tsv:\n got %q\nwant %q", got, want)
			}
			var nd strings.Builder
			for _, tok := range tc.json {
				nd.WriteString(`{"c":` + tok + "}\n")
			}
			if got := render(t, "ndjson", b.Schema(), b); got != nd.String() {
				t.Errorf("ndjson:\n got %q\nwant %q", got, nd.String())
			}
			table := render(t, "table", b.Schema(), b)
			lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
			if len(lines) != len(tc.table)+3 {
				t.Fatalf("table has %d lines, want %d:\n%s", len(lines), len(tc.table)+3, table)
			}
			for i, want := range tc.table {
				if got := strings.TrimSpace(lines[i+2]); got != want {
					t.Errorf("table row %d: got %q, want %q", i, got, want)
				}
			}
		})
	}
}

// TestFastPathsMatchPlanner checks the allocation-free renderings of
// decimals, dates and timestamps against planner's reference functions
// over edge and random values.
func TestFastPathsMatchPlanner(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	decs := []decimal128.Num{
		dec(0), dec(1), dec(-1), dec(math.MaxInt64), dec(math.MinInt64),
		decimal128.New(0, math.MaxUint64), decimal128.New(-1, 0), decimal128.New(1, 0),
		decimal128.GetMaxValue(38), decimal128.GetMaxValue(38).Negate(),
	}
	for i := 0; i < 2000; i++ {
		decs = append(decs, decimal128.New(int64(rng.Intn(3)-1), rng.Uint64()), dec(rng.Int63n(2_000_000)-1_000_000))
	}
	for _, n := range decs {
		for _, scale := range []int32{0, 1, 2, 4, 18, 38} {
			if got, want := string(textfmt.AppendDecimal128(nil, n, scale)), planner.FormatDecimal(n, scale); got != want {
				t.Fatalf("decimal %v scale %d: got %s, want %s", n, scale, got, want)
			}
		}
	}
	days := []int64{0, -1, 1, -719162, 2932896, 11016, -25567, 59, 60, 365, 366, 10957, 11016 + 59}
	for i := 0; i < 5000; i++ {
		days = append(days, rng.Int63n(3_652_059)-719_162)
	}
	for _, d := range days {
		if got, want := string(textfmt.AppendDate(nil, d)), planner.FormatDate(arrow.Date32(d)); got != want {
			t.Fatalf("date %d: got %s, want %s", d, got, want)
		}
	}
	stamps := []int64{0, -1, 1, 999_999, -1_000_000, 1_580_464_800_000_000, -62_135_596_800_000_000}
	for i := 0; i < 5000; i++ {
		stamps = append(stamps, rng.Int63n(500_000_000_000_000_000)-250_000_000_000_000_000, rng.Int63n(4e15)*1e6)
	}
	for _, ts := range stamps {
		if got, want := string(textfmt.AppendTimestamp(nil, ts, arrow.Microsecond, 'T', false)), planner.FormatTimestamp(arrow.Timestamp(ts)); got != want {
			t.Fatalf("timestamp %d: got %s, want %s", ts, got, want)
		}
	}
}

// TestDatesOfAnyYearMatchPlanner checks dates and timestamps whose year
// has more than four digits or is before year 1, which planner renders
// with time.Format, over the whole range of DATE and TIMESTAMP.
func TestDatesOfAnyYearMatchPlanner(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	days := []int64{-719163, -719528, -719529, -1000000, 2932897, 3000000, math.MaxInt32, math.MinInt32}
	for i := 0; i < 5000; i++ {
		days = append(days, int64(int32(rng.Uint32())))
	}
	for _, d := range days {
		if got, want := string(textfmt.AppendDate(nil, d)), planner.FormatDate(arrow.Date32(d)); got != want {
			t.Fatalf("date %d: got %s, want %s", d, got, want)
		}
	}
	stamps := []int64{math.MaxInt64, math.MinInt64, -62_135_596_800_000_001, 253_402_300_800_000_000}
	for i := 0; i < 5000; i++ {
		stamps = append(stamps, int64(rng.Uint64()))
	}
	for _, ts := range stamps {
		if got, want := string(textfmt.AppendTimestamp(nil, ts, arrow.Microsecond, 'T', false)), planner.FormatTimestamp(arrow.Timestamp(ts)); got != want {
			t.Fatalf("timestamp %d: got %s, want %s", ts, got, want)
		}
	}
}
