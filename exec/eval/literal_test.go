package eval

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

func TestLiteralArrayAndValueAt(t *testing.T) {
	for _, tc := range []struct {
		lit  *planner.Literal
		want string
	}{
		{lit(true, tBool), "true"},
		{lit(false, tBool), "false"},
		{lit(-3, tI8), "-3"},
		{lit(300, tI16), "300"},
		{lit(70000, tI32), "70000"},
		{lit(1<<40, tI64), "1099511627776"},
		{lit(0.25, tF64), "0.25"},
		{lit("-12.34", tDec152), "-12.34"},
		{lit("é日", tStr), "é日"},
		{lit("x", tLStr), "x"},
		{lit("2020-02-29", tDate), "2020-02-29"},
		{lit("2020-02-29 01:02:03.5", tTS), "2020-02-29T01:02:03.500000"},
		{lit(arrow.MonthDayNanoInterval{Months: 1, Days: 2, Nanoseconds: 3}, tIv), "1m2d3ns"},
		{lit(nil, tI32), "NULL"},
		{lit(nil, tNull), "NULL"},
		{lit(nil, tStr), "NULL"},
	} {
		t.Run(tc.lit.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			a, err := LiteralArray(mem, tc.lit, 3)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Release()
			if !arrow.TypeEqual(a.DataType(), tc.lit.DataType) || a.Len() != 3 {
				t.Fatalf("got %s x %d", a.DataType(), a.Len())
			}
			if got := strings.Join(render(a), ","); got != tc.want+","+tc.want+","+tc.want {
				t.Fatalf("got %s, want 3 x %s", got, tc.want)
			}
			if v := ValueAt(a, 1); v != tc.lit.Value {
				t.Fatalf("ValueAt = %#v, want %#v", v, tc.lit.Value)
			}
		})
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := LiteralArray(mem, &planner.Literal{Value: "x", DataType: tI32}, 1); err == nil {
		t.Fatalf("a string literal of type INT must fail")
	}
}

func TestEvalConstant(t *testing.T) {
	for _, tc := range []struct {
		e    planner.Expr
		want string
		err  string
	}{
		{e: arith(add, lit(1, tI32), lit(2, tI32)), want: "3"},
		{e: arith(sub, lit("0.06", dec(2, 2)), lit("0.01", dec(2, 2))), want: "0.05"},
		{e: arith(add, lit("1998-12-01", tDate), lit(arrow.MonthDayNanoInterval{Days: -90}, tIv)), want: "1998-09-02"},
		{e: cast(lit("1994-01-01", tStr), tDate), want: "1994-01-01"},
		{e: fn("upper", tStr, lit("abc", tStr)), want: "ABC"},
		{e: caseE(tI32, lit(2, tI32), cmpE(gt, lit(1, tI32), lit(0, tI32)), lit(1, tI32)), want: "1"},
		{e: cmpE(eq, lit(nil, tNull), lit(1, tI32)), want: "NULL"},
		{e: arith(div, lit(1, tI32), lit(0, tI32)), err: "division by zero"},
		{e: cast(lit("x", tStr), tI32), err: "cannot cast 'x' to INT"},
		{e: arith(add, col(0, tI32), lit(1, tI32)), err: "not constant"},
	} {
		t.Run(tc.e.String(), func(t *testing.T) {
			l, err := EvalConstant(tc.e)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want error %q", l, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !arrow.TypeEqual(l.DataType, tc.e.Type()) {
				t.Fatalf("type %s, want %s", l.DataType, tc.e.Type())
			}
			if got := renderValue(l.DataType, l.Value); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: tI32}}, nil)
	for _, tc := range []struct {
		e   planner.Expr
		err string
	}{
		{col(1, tI32), "out of range"},
		{col(0, tI64), "has type INT in the input"},
		{&planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{col(0, tI32)}, DataType: tI64}, "aggregate"},
		{&planner.OuterColumn{Depth: 1, Index: 0, Name: "x", DataType: tI32}, "decorrelated"},
		{fn("nosuch", tI32, col(0, tI32)), "unknown function"},
		{cast(col(0, tI32), tDate), "cannot cast INT to DATE"},
		{like(col(0, tI32), lit(`\`, tStr), false, false), "escape"},
	} {
		if _, err := Compile(tc.e, schema); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v, want error %q", tc.e, err, tc.err)
		}
	}
}

func TestEvalAll(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := typedBatch(mem, true)
	defer b.Release()
	evs, err := CompileAll([]planner.Expr{col(3, tI32), arith(mul, col(3, tI32), lit(2, tI32))}, b.Schema())
	if err != nil {
		t.Fatal(err)
	}
	out, err := EvalAll(mem, evs, b)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseAll(out)
	if got := strings.Join(render(out[1]), ","); got != "2,-4,NULL,8,10" {
		t.Fatalf("got %s", got)
	}
	if !arrow.TypeEqual(evs[1].Type(), tI32) {
		t.Fatalf("type %s", evs[1].Type())
	}
	// A failing evaluator releases what the others made.
	bad, err := CompileAll([]planner.Expr{col(3, tI32), arith(div, col(3, tI32), lit(0, tI32))}, b.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EvalAll(mem, bad, b); err == nil {
		t.Fatalf("want division by zero")
	}
}
