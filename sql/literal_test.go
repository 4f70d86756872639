package sql

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

func TestNumberLiteral(t *testing.T) {
	tests := []struct {
		text, typ, value string
	}{
		{"2147483647", "INT", "2147483647"},
		{"-2147483648", "INT", "-2147483648"},
		{"2147483648", "BIGINT", "2147483648"},
		{"99999999999999999999", "DECIMAL(20,0)", "99999999999999999999"},
		{"0.06", "DECIMAL(2,2)", "0.06"},
		{"1.5", "DECIMAL(2,1)", "1.5"},
		{"100.00", "DECIMAL(5,2)", "100.00"},
		{"0.0001", "DECIMAL(4,4)", "0.0001"},
		{"-12.345", "DECIMAL(5,3)", "-12.345"},
		{".5", "DECIMAL(1,1)", "0.5"},
		{"5.", "DECIMAL(1,0)", "5"},
		{"1e3", "DOUBLE", "1000"},
		{"2.5E-1", "DOUBLE", "0.25"},
	}
	for _, tt := range tests {
		lit, err := numberLiteral(tt.text)
		if err != nil {
			t.Fatalf("%s: %v", tt.text, err)
		}
		if got := planner.TypeName(lit.DataType); got != tt.typ {
			t.Errorf("%s: type %s, want %s", tt.text, got, tt.typ)
		}
		if got := planner.FormatLiteral(lit); got != tt.value {
			t.Errorf("%s: value %s, want %s", tt.text, got, tt.value)
		}
	}
	if _, err := numberLiteral("1" + string(make([]byte, 0)) + "00000000000000000000000000000000000000000"); err == nil {
		t.Error("a 42-digit integer must be out of range")
	}
}

func TestDatesAndTimestamps(t *testing.T) {
	dates := map[string]int32{"1970-01-01": 0, "1970-01-02": 1, "1969-12-31": -1, "2000-2-29": 11016, "1998-12-01 10:00": 10561}
	for s, want := range dates {
		d, ok := parseDate(s)
		if !ok || int32(d) != want {
			t.Errorf("parseDate(%q) = %d, %v; want %d", s, d, ok, want)
		}
	}
	for _, bad := range []string{"2001-02-29", "1998-13-01", "98-01-01", "1998/01/01", "1998-01-01x", ""} {
		if _, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
	stamps := map[string]int64{
		"1970-01-01":                 0,
		"1970-01-01 00:00:01":        1e6,
		"1970-01-01T01:02:03.000004": 3723e6 + 4,
		"1969-12-31 23:59:59.5":      -5e5,
		"1970-01-02 00:01":           86400e6 + 60e6,
	}
	for s, want := range stamps {
		ts, ok := parseTimestamp(s)
		if !ok || int64(ts) != want {
			t.Errorf("parseTimestamp(%q) = %d, %v; want %d", s, ts, ok, want)
		}
	}
	for _, bad := range []string{"1970-01-01 24:00:00", "1970-01-01 10", "1970-01-01 10:00:00.", "1970-01-01 1:2:3.x"} {
		if _, ok := parseTimestamp(bad); ok {
			t.Errorf("parseTimestamp(%q) accepted", bad)
		}
	}
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		text string
		mask int32
		want arrow.MonthDayNanoInterval
	}{
		{"3", maskMonth, arrow.MonthDayNanoInterval{Months: 3}},
		{"1", maskYear, arrow.MonthDayNanoInterval{Months: 12}},
		{"90", maskDay, arrow.MonthDayNanoInterval{Days: 90}},
		{"2", maskHour, arrow.MonthDayNanoInterval{Nanoseconds: 2 * 3600e9}},
		{"1 year 2 months", maskFullRange, arrow.MonthDayNanoInterval{Months: 14}},
		{"3 days", maskFullRange, arrow.MonthDayNanoInterval{Days: 3}},
		{"-1 week 1.5 seconds", maskFullRange, arrow.MonthDayNanoInterval{Days: -7, Nanoseconds: 1.5e9}},
	}
	for _, tt := range tests {
		got, err := parseInterval(tt.text, tt.mask)
		if err != nil || got != tt.want {
			t.Errorf("parseInterval(%q, %d) = %+v, %v; want %+v", tt.text, tt.mask, got, err, tt.want)
		}
	}
	for _, bad := range []string{"3", "days", "3 parsecs", "x days"} {
		if _, err := parseInterval(bad, maskFullRange); err == nil {
			t.Errorf("parseInterval(%q) accepted", bad)
		}
	}
}

func TestFoldCast(t *testing.T) {
	dec := func(v int64, p, s int32) *planner.Literal {
		return &planner.Literal{Value: decimal128.FromI64(v), DataType: planner.Decimal(p, s)}
	}
	i32 := func(v int32) *planner.Literal { return &planner.Literal{Value: v, DataType: planner.TypeInt} }
	str := func(v string) *planner.Literal { return &planner.Literal{Value: v, DataType: planner.TypeString} }
	tests := []struct {
		in    *planner.Literal
		to    arrow.DataType
		want  string // FormatLiteral of the result; "" when left to run time
		exact bool
		err   bool
	}{
		{i32(24), dec152, "24.00", true, false},
		{i32(7), planner.TypeBigInt, "7", true, false},
		{i32(300), planner.TypeTinyInt, "", false, true},
		{dec(25, 2, 1), planner.TypeInt, "2", false, false}, // 2.5 truncates to 2, not exact
		{dec(20, 2, 1), planner.TypeInt, "2", true, false},
		{dec(125, 3, 2), planner.Decimal(3, 1), "1.3", false, false}, // HALF_UP
		{dec(-125, 3, 2), planner.Decimal(3, 1), "-1.3", false, false},
		{dec(12345, 5, 0), planner.Decimal(4, 0), "", false, true},
		{str("1995-03-15"), planner.TypeDate, "DATE '1995-03-15'", true, false},
		{str("nope"), planner.TypeDate, "", false, true},
		{str(" 42 "), planner.TypeInt, "42", true, false},
		{str("1.255"), planner.Decimal(4, 2), "1.26", false, false},
		{str("yes"), planner.TypeBoolean, "TRUE", true, false},
		{&planner.Literal{Value: arrow.Timestamp(86400e6), DataType: planner.TypeTimestamp}, planner.TypeDate, "DATE '1970-01-02'", true, false},
		{&planner.Literal{Value: arrow.Timestamp(86400e6 + 1), DataType: planner.TypeTimestamp}, planner.TypeDate, "DATE '1970-01-02'", false, false},
		{&planner.Literal{Value: 1.5, DataType: planner.TypeDouble}, planner.TypeInt, "", false, false},
		{&planner.Literal{DataType: planner.TypeNull}, planner.TypeDate, "NULL", true, false},
	}
	for _, tt := range tests {
		out, exact, err := foldCast(tt.in, tt.to)
		if (err != nil) != tt.err {
			t.Errorf("%s → %s: err %v", planner.FormatLiteral(tt.in), planner.TypeName(tt.to), err)
			continue
		}
		if tt.err {
			continue
		}
		got := ""
		if out != nil {
			got = planner.FormatLiteral(out)
			if !arrow.TypeEqual(out.DataType, tt.to) {
				t.Errorf("%s → %s: result type %s", planner.FormatLiteral(tt.in), planner.TypeName(tt.to), planner.TypeName(out.DataType))
			}
		}
		if got != tt.want || exact != tt.exact {
			t.Errorf("%s → %s: got %q exact=%v, want %q exact=%v", planner.FormatLiteral(tt.in), planner.TypeName(tt.to), got, exact, tt.want, tt.exact)
		}
	}
}
