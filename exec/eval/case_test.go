package eval

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

func caseE(dt arrow.DataType, els planner.Expr, whens ...planner.Expr) *planner.Case {
	c := &planner.Case{DataType: dt, Else: els}
	for i := 0; i < len(whens); i += 2 {
		c.Whens = append(c.Whens, planner.When{Cond: whens[i], Result: whens[i+1]})
	}
	return c
}

func TestCase(t *testing.T) {
	x := col(0, tI32)
	runCases(t, []evalCase{
		{name: "guarded division", expr: caseE(tF64, arith(div, lit(1, tI32), x), cmpE(eq, x, lit(0, tI32)), lit(nil, tF64)),
			in: []input{in(tI32, 0, 2, nil, 4)}, want: rows("NULL", "0.5", "NULL", "0.25")},
		{name: "guarded integer division", expr: caseE(tI32, bin(div, lit(100, tI32), x, tI32), cmpE(eq, x, lit(0, tI32)), lit(-1, tI32)),
			in: []input{in(tI32, 0, 3, 0, 0, 50, 0, 0, 0)}, want: rows("-1", "33", "-1", "-1", "2", "-1", "-1", "-1")},
		{name: "unguarded division fails", expr: caseE(tF64, arith(div, lit(1, tI32), x), cmpE(eq, x, lit(1, tI32)), lit(nil, tF64)),
			in: []input{in(tI32, 0, 1)}, err: "division by zero"},
		{name: "no else", expr: caseE(tStr, nil, cmpE(gt, x, lit(1, tI32)), lit("big", tStr)),
			in: []input{in(tI32, 0, 2, nil)}, want: rows("NULL", "big", "NULL")},
		{name: "several branches", expr: caseE(tStr, lit("other", tStr),
			cmpE(lt, x, lit(0, tI32)), lit("neg", tStr),
			cmpE(eq, x, lit(0, tI32)), lit("zero", tStr),
			cmpE(lt, x, lit(10, tI32)), cast(x, tStr)),
			in: []input{in(tI32, -5, 0, 5, 50, nil)}, want: rows("neg", "zero", "5", "other", "other")},
		{name: "NULL condition falls through", expr: caseE(tI32, lit(2, tI32), col(1, tBool), lit(1, tI32)),
			in: []input{in(tI32, 0, 0, 0), in(tBool, true, nil, false)}, want: rows("1", "2", "2")},
		{name: "Q14 shape", expr: caseE(tDec152, lit("0.00", tDec152), &planner.Like{X: col(1, tStr), Pattern: lit("PROMO%", tStr)}, col(2, tDec152)),
			in:   []input{in(tI32, 0, 0, 0), in(tStr, "PROMO BRUSHED", "STANDARD", nil), in(tDec152, "10.50", "20.25", "1.00")},
			want: rows("10.50", "0.00", "0.00")},
		{name: "all rows take one branch", expr: caseE(tI32, lit(0, tI32), cmpE(ge, x, lit(0, tI32)), x),
			in: []input{in(tI32, 1, 2, 3)}, want: rows("1", "2", "3")},
		{name: "constant true branch", expr: caseE(tI32, lit(0, tI32), lit(true, tBool), x, cmpE(eq, x, lit(1, tI32)), lit(9, tI32)),
			in: []input{in(tI32, 1, nil)}, want: rows("1", "NULL")},
		{name: "constant false branch", expr: caseE(tI32, lit(0, tI32), lit(false, tBool), x), in: []input{in(tI32, 1, 2)}, want: rows("0", "0")},
		{name: "nested", expr: caseE(tStr, lit("c", tStr),
			cmpE(gt, x, lit(0, tI32)), caseE(tStr, lit("b", tStr), cmpE(gt, x, lit(10, tI32)), lit("a", tStr))),
			in: []input{in(tI32, 20, 5, -1)}, want: rows("a", "b", "c")},
		{name: "bool result", expr: caseE(tBool, lit(nil, tBool), cmpE(gt, x, lit(0, tI32)), cmpE(gt, x, lit(5, tI32))),
			in: []input{in(tI32, 1, 9, 0)}, want: rows("false", "true", "NULL")},
		{name: "decimal result", expr: caseE(tDec152, col(1, tDec152), cmpE(gt, x, lit(0, tI32)), col(2, tDec152)),
			in: []input{in(tI32, 1, 0, 1), in(tDec152, "1.00", "2.00", "3.00"), in(tDec152, "-1.00", "-2.00", nil)}, want: rows("-1.00", "2.00", "NULL")},
	})
}

func TestCoalesceNullif(t *testing.T) {
	runCases(t, []evalCase{
		{expr: fn("coalesce", tI32, col(0, tI32), col(1, tI32), lit(0, tI32)),
			in: []input{in(tI32, 1, nil, nil), in(tI32, 2, 3, nil)}, want: rows("1", "3", "0")},
		{name: "lazy", expr: fn("coalesce", tF64, col(0, tF64), arith(div, lit(1, tI32), col(1, tI32))),
			in: []input{in(tF64, 1.5, nil, 2.5), in(tI32, 0, 4, 0)}, want: rows("1.5", "0.25", "2.5")},
		{name: "all NULL", expr: fn("coalesce", tStr, col(0, tStr), lit(nil, tStr)), in: []input{in(tStr, nil, "a")}, want: rows("NULL", "a")},
		{name: "no NULLs", expr: fn("coalesce", tStr, col(0, tStr), lit("x", tStr)), in: []input{in(tStr, "a", "b")}, want: rows("a", "b")},
		{expr: fn("nullif", tI32, col(0, tI32), lit(0, tI32)), in: []input{in(tI32, 0, 5, nil)}, want: rows("NULL", "5", "NULL")},
		{expr: fn("nullif", tStr, col(0, tStr), col(1, tStr)), in: []input{in(tStr, "a", "a", nil, "b"), in(tStr, "a", "b", "a", nil)},
			want: rows("NULL", "a", "NULL", "b")},
		{name: "nullif of an expression", expr: fn("nullif", tI32, arith(add, col(0, tI32), lit(1, tI32)), col(1, tI32)),
			in: []input{in(tI32, 1, 2), in(tI32, 2, 2)}, want: rows("NULL", "3")},
	})
}

func TestLazyNesting(t *testing.T) {
	// A division nested under an infallible operator is still guarded.
	x := col(0, tI32)
	runCases(t, []evalCase{
		{expr: caseE(tF64, lit(0.0, tF64), cmpE(ne, x, lit(0, tI32)), arith(add, arith(div, lit(1, tI32), x), lit(1.0, tF64))),
			in: []input{in(tI32, 0, 4, 4, 2)}, want: rows("0", "1.25", "1.25", "1.5")},
		{expr: caseE(tBool, lit(false, tBool), cmpE(ne, x, lit(0, tI32)), &planner.Not{X: cmpE(gt, arith(div, lit(1, tI32), x), lit(0.1, tF64))}),
			in: []input{in(tI32, 0, 4, 4, 20)}, want: rows("false", "false", "false", "true")},
	})
}
