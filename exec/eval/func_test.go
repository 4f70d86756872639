package eval

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

func TestStringFunctions(t *testing.T) {
	s := col(0, tStr)
	i32 := func(v int) planner.Expr { return lit(v, tI32) }
	runCases(t, []evalCase{
		{expr: fn("substring", tStr, s, i32(1), i32(2)), in: []input{in(tStr, "13-555", "", nil, "é日本語")}, want: rows("13", "", "NULL", "é日")},
		{expr: fn("substring", tStr, s, i32(2)), in: []input{in(tStr, "hello", "é日本語")}, want: rows("ello", "日本語")},
		{name: "start 0 acts as 1", expr: fn("substring", tStr, s, i32(0), i32(2)), in: []input{in(tStr, "hello")}, want: rows("he")},
		{name: "negative start", expr: fn("substring", tStr, s, i32(-3), i32(2)), in: []input{in(tStr, "hello", "é日本語", "ab")}, want: rows("ll", "日本", "a")},
		{name: "negative start past the beginning", expr: fn("substring", tStr, s, i32(-5), i32(3)), in: []input{in(tStr, "abc")}, want: rows("a")},
		{name: "negative length", expr: fn("substring", tStr, s, i32(1), i32(-1)), in: []input{in(tStr, "hello")}, want: rows("")},
		{name: "start past the end", expr: fn("substring", tStr, s, i32(10), i32(2)), in: []input{in(tStr, "hello")}, want: rows("")},
		{name: "column arguments", expr: fn("substring", tStr, s, col(1, tI32), col(2, tI32)),
			in: []input{in(tStr, "hello", "hello", "hello"), in(tI32, 2, nil, 4), in(tI32, 3, 1, nil)}, want: rows("ell", "NULL", "NULL")},
		{name: "large string", expr: fn("substring", tStr, col(0, tLStr), i32(2), i32(2)), in: []input{in(tLStr, "hello")}, want: rows("el")},
		{expr: fn("upper", tStr, s), in: []input{in(tStr, "abC1", "straße é", nil, "")}, want: rows("ABC1", "STRAßE É", "NULL", "")},
		{expr: fn("lower", tStr, s), in: []input{in(tStr, "ABc1", "ÉCOLE", nil)}, want: rows("abc1", "école", "NULL")},
		{expr: fn("trim", tStr, s), in: []input{in(tStr, "  a b  ", "", "   ", nil, "\ta ")}, want: rows("a b", "", "", "NULL", "\ta")},
		{expr: fn("ltrim", tStr, s), in: []input{in(tStr, "  a b  ")}, want: rows("a b  ")},
		{expr: fn("rtrim", tStr, s), in: []input{in(tStr, "  a b  ")}, want: rows("  a b")},
		{expr: fn("length", tI32, s), in: []input{in(tStr, "hello", "", nil, "é日本語")}, want: rows("5", "0", "NULL", "4")},
		{expr: fn("length", tI32, s), in: []input{in(tStr, "abc", "de")}, want: rows("3", "2")},
		{expr: fn("concat", tStr, s, lit("-", tStr), col(1, tStr)), in: []input{in(tStr, "a", nil, "é", ""), in(tStr, "b", "c", nil, "")},
			want: rows("a-b", "NULL", "NULL", "-")},
		{name: "concat of a number", expr: fn("concat", tStr, s, cast(col(1, tI32), tStr)), in: []input{in(tStr, "n"), in(tI32, 5)}, want: rows("n5")},
		{name: "NULL argument", expr: fn("upper", tStr, lit(nil, tNull)), want: rows("NULL")},
		{name: "large string result", expr: fn("upper", tLStr, col(0, tLStr)), in: []input{in(tLStr, "ab", nil)}, want: rows("AB", "NULL")},
	})
}

func TestMathFunctions(t *testing.T) {
	runCases(t, []evalCase{
		{expr: fn("abs", tI32, col(0, tI32)), in: []input{in(tI32, -5, 5, nil, 0)}, want: rows("5", "5", "NULL", "0")},
		{name: "abs of min int", expr: fn("abs", tI32, col(0, tI32)), in: []input{in(tI32, -2147483648)}, err: "integer overflow"},
		{name: "abs of min int under NULL", expr: fn("abs", tI64, col(0, tI64)), in: []input{in(tI64, nil)}, want: rows("NULL")},
		{expr: fn("abs", tF64, col(0, tF64)), in: []input{in(tF64, -1.5)}, want: rows("1.5")},
		{expr: fn("abs", tDec152, col(0, tDec152)), in: []input{in(tDec152, "-1.50", "2.00")}, want: rows("1.50", "2.00")},
		{name: "round decimal", expr: fn("round", planner.RoundDecimalType(tDec152.(*arrow.Decimal128Type), 1), col(0, tDec152), lit(1, tI32)),
			in: []input{in(tDec152, "2.45", "-2.45", "2.44", "9.95", nil)}, want: rows("2.5", "-2.5", "2.4", "10.0", "NULL")},
		{name: "round decimal to 0", expr: fn("round", planner.RoundDecimalType(tDec152.(*arrow.Decimal128Type), 0), col(0, tDec152)),
			in: []input{in(tDec152, "2.50", "-2.50", "2.49")}, want: rows("3", "-3", "2")},
		{name: "round decimal to tens", expr: fn("round", planner.RoundDecimalType(tDec152.(*arrow.Decimal128Type), -1), col(0, tDec152), lit(-1, tI32)),
			in: []input{in(tDec152, "125.00", "-125.00", "124.99")}, want: rows("130", "-130", "120")},
		{name: "round decimal, more digits than the scale", expr: fn("round", planner.RoundDecimalType(tDec152.(*arrow.Decimal128Type), 4), col(0, tDec152), lit(4, tI32)),
			in: []input{in(tDec152, "2.45")}, want: rows("2.45")},
		{name: "round double", expr: fn("round", tF64, col(0, tF64), lit(2, tI32)),
			in: []input{in(tF64, 2.675, -2.675, 1.005, 0.125, 1e300, math.NaN(), 123.0)}, want: rows("2.68", "-2.68", "1.01", "0.13", "1e+300", "NaN", "123")},
		{name: "round double to 0", expr: fn("round", tF64, col(0, tF64)), in: []input{in(tF64, 2.5, -2.5, 0.49, 0.5)}, want: rows("3", "-3", "0", "1")},
		{name: "round double to tens", expr: fn("round", tF64, col(0, tF64), lit(-1, tI32)), in: []input{in(tF64, 125.0, 4.0)}, want: rows("130", "0")},
		{name: "round int", expr: fn("round", tI32, col(0, tI32), lit(-1, tI32)), in: []input{in(tI32, 125, -125, 124, 7)}, want: rows("130", "-130", "120", "10")},
		{name: "round int overflow", expr: fn("round", tI32, col(0, tI32), lit(-1, tI32)), in: []input{in(tI32, 2147483647)}, err: "integer overflow"},
		{name: "round int, positive digits", expr: fn("round", tI64, col(0, tI64), lit(2, tI32)), in: []input{in(tI64, 125)}, want: rows("125")},
		{expr: fn("floor", dec(14, 0), col(0, tDec152)), in: []input{in(tDec152, "2.50", "-2.50", "3.00", nil)}, want: rows("2", "-3", "3", "NULL")},
		{expr: fn("ceil", dec(14, 0), col(0, tDec152)), in: []input{in(tDec152, "2.50", "-2.50", "3.00")}, want: rows("3", "-2", "3")},
		{expr: fn("floor", tI64, col(0, tF64)), in: []input{in(tF64, 2.5, -2.5, math.NaN())}, want: rows("2", "-3", "0")},
		{expr: fn("ceil", tI64, col(0, tF64)), in: []input{in(tF64, 2.5, -2.5, 1e300)}, want: rows("3", "-2", "9223372036854775807")},
		{expr: fn("floor", tI64, cast(col(0, tI32), tI64)), in: []input{in(tI32, 7)}, want: rows("7")},
		{name: "big decimal floor", expr: fn("floor", dec(38, 0), col(0, dec(38, 1))), in: []input{in(dec(38, 1), "-12345678901234567890123.5")},
			want: rows("-12345678901234567890124")},
	})
}

func TestDateFunctions(t *testing.T) {
	runCases(t, []evalCase{
		{expr: fn("year", tI32, col(0, tDate)), in: []input{in(tDate, "2020-02-29", "1969-12-31", nil, "0001-01-01")}, want: rows("2020", "1969", "NULL", "1")},
		{expr: fn("month", tI32, col(0, tDate)), in: []input{in(tDate, "2020-02-29", "1969-12-31")}, want: rows("2", "12")},
		{expr: fn("day", tI32, col(0, tDate)), in: []input{in(tDate, "2020-02-29", "1969-12-31")}, want: rows("29", "31")},
		{expr: fn("year", tI32, col(0, tTS)), in: []input{in(tTS, "1999-12-31 23:59:59", "1969-12-31 23:59:59")}, want: rows("1999", "1969")},
		{expr: fn("day", tI32, col(0, tTS)), in: []input{in(tTS, "1969-12-31 23:59:59")}, want: rows("31")},
		{name: "year of a string", expr: fn("year", tI32, col(0, tStr)), in: []input{in(tStr, "2021-03-04")}, want: rows("2021")},
	})
}

func TestCivil(t *testing.T) {
	// Every day from 1600 to 2400 round-trips and matches the time package.
	for d := int64(-135140); d < 157000; d++ {
		y, m, dd := civil(d)
		if got := daysFromCivil(y, m, dd); got != d {
			t.Fatalf("day %d: civil %d-%d-%d gives back %d", d, y, m, dd, got)
		}
		want := planner.FormatDate(arrow.Date32(d))
		if got := string(appendDate(nil, d)); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	}
}

func TestRand(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	e := fn("rand", tF64, lit(42, tI64))
	a, err := evalInputs(mem, e, []input{in(tI32, 1, 2, 3, 4, 5, 6, 7, 8)}, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := evalInputs(mem, e, []input{in(tI32, 1, 2, 3, 4, 5, 6, 7, 8)}, false)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("rand(42) is not deterministic: %v vs %v", a, b)
		}
		seen[a[i]] = true
	}
	if len(seen) < 8 {
		t.Fatalf("rand(42) repeats values: %v", a)
	}
	c, err := evalInputs(mem, fn("rand", tF64, lit(43, tI64)), []input{in(tI32, 1)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if c[0] == a[0] {
		t.Fatalf("rand(43) = rand(42)")
	}
	if _, err := EvalConstant(e); err == nil {
		t.Fatalf("EvalConstant(rand) must fail")
	}
}
