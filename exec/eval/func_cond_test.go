package eval

import (
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestConditionalFunctions(t *testing.T) {
	x := col(0, tI32)
	runCases(t, []evalCase{
		{expr: fn("nvl", tI32, x, col(1, tI32)), in: []input{in(tI32, 1, nil, nil), in(tI32, 2, 3, nil)}, want: rows("1", "3", "NULL")},
		{name: "nvl of NULL", expr: fn("nvl", tI32, lit(nil, tI32), lit(5, tI32)), want: rows("5")},
		{expr: fn("nvl2", tStr, x, lit("set", tStr), lit("unset", tStr)), in: []input{in(tI32, 1, nil)}, want: rows("set", "unset")},
		{expr: fn("if", tI32, cmpE(planner.OpGt, x, lit(0, tI32)), x, lit(0, tI32)), in: []input{in(tI32, 5, -5, nil)}, want: rows("5", "0", "0")},
		{name: "if is lazy", expr: fn("if", tI32, cmpE(planner.OpEq, x, lit(0, tI32)), lit(0, tI32), bin(planner.OpDiv, lit(10, tI32), x, tI32)),
			in: []input{in(tI32, 0, 5)}, want: rows("0", "2")},
		{name: "nvl2 is lazy", expr: fn("nvl2", tI32, x, bin(planner.OpDiv, lit(10, tI32), x, tI32), lit(-1, tI32)),
			in: []input{in(tI32, nil, 5)}, want: rows("-1", "2")},
		{expr: fn("isnull", tBool, x), in: []input{in(tI32, 1, nil)}, want: rows("false", "true")},
		{expr: fn("isnotnull", tBool, x), in: []input{in(tI32, 1, nil)}, want: rows("true", "false")},
		{name: "isnull of NULL", expr: fn("isnull", tBool, lit(nil, tNull)), want: rows("true")},
	})
}
