package eval

import (
	"math"
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestDoubleFunctions(t *testing.T) {
	x := col(0, tF64)
	runCases(t, []evalCase{
		{expr: fn("sqrt", tF64, x), in: []input{in(tF64, 16.0, 2.0, -1.0, nil)}, want: rows("4", "1.4142135623730951", "NaN", "NULL")},
		{expr: fn("exp", tF64, x), in: []input{in(tF64, 0.0, 1.0)}, want: rows("1", "2.718281828459045")},
		{expr: fn("ln", tF64, x), in: []input{in(tF64, 1.0, 0.0, -1.0, math.E, nil)}, want: rows("0", "NULL", "NULL", "1", "NULL")},
		{expr: fn("log10", tF64, x), in: []input{in(tF64, 1000.0, 0.001, 2.0, 0.0)}, want: rows("3", "-3", "0.3010299956639812", "NULL")},
		{expr: fn("log2", tF64, x), in: []input{in(tF64, 8.0, 0.5, 3.0, -2.0)}, want: rows("3", "-1", "1.584962500721156", "NULL")},
		{expr: fn("log", tF64, lit(2, tF64), x), in: []input{in(tF64, 64.0, 0.0, 1.0)}, want: rows("6", "NULL", "0")},
		{name: "log base <= 0", expr: fn("log", tF64, col(1, tF64), x), in: []input{in(tF64, 8.0, 8.0), in(tF64, 0.0, -2.0)}, want: rows("NULL", "NULL")},
		{name: "log of one argument is ln", expr: fn("log", tF64, x), in: []input{in(tF64, 1.0)}, want: rows("0")},
		{expr: fn("cbrt", tF64, x), in: []input{in(tF64, 27.0, -8.0)}, want: rows("3", "-2")},
		{expr: fn("sign", tF64, x), in: []input{in(tF64, -5.0, 0.0, 2.5, math.NaN())}, want: rows("-1", "0", "1", "NaN")},
		{expr: fn("degrees", tF64, x), in: []input{in(tF64, math.Pi)}, want: rows("180")},
		{expr: fn("radians", tF64, x), in: []input{in(tF64, 180.0)}, want: rows("3.141592653589793")},
		{expr: fn("sin", tF64, x), in: []input{in(tF64, 0.0)}, want: rows("0")},
		{expr: fn("cos", tF64, x), in: []input{in(tF64, 0.0)}, want: rows("1")},
		{expr: fn("atan2", tF64, x, col(1, tF64)), in: []input{in(tF64, 1.0, nil), in(tF64, 1.0, 1.0)}, want: rows("0.7853981633974483", "NULL")},
		{expr: fn("power", tF64, x, lit(10, tF64)), in: []input{in(tF64, 2.0, 0.0)}, want: rows("1024", "0")},
		{name: "integer argument", expr: fn("sqrt", tF64, col(0, tI32)), in: []input{in(tI32, 9, nil)}, want: rows("3", "NULL")},
		{name: "decimal argument", expr: fn("sqrt", tF64, col(0, tDec152)), in: []input{in(tDec152, "6.25")}, want: rows("2.5")},
		{expr: fn("pi", tF64), in: []input{in(tI32, 1)}, want: rows("3.141592653589793")},
		{expr: fn("e", tF64), in: []input{in(tI32, 1)}, want: rows("2.718281828459045")},
		{name: "mod", expr: fn("mod", tI32, col(0, tI32), lit(3, tI32)), in: []input{in(tI32, 10, -10, nil)}, want: rows("1", "-1", "NULL")},
		{name: "mod by zero", expr: fn("mod", tI32, col(0, tI32), lit(0, tI32)), in: []input{in(tI32, 10)}, err: "division by zero"},
		{name: "mod of decimals", expr: fn("mod", dec(3, 1), col(0, dec(3, 1)), lit("3.0", dec(3, 1))), in: []input{in(dec(3, 1), "10.5")}, want: rows("1.5")},
	})
}

func TestExtremum(t *testing.T) {
	runCases(t, []evalCase{
		{expr: fn("greatest", tI32, col(0, tI32), col(1, tI32), lit(0, tI32)), in: []input{in(tI32, 1, nil, nil, -5), in(tI32, 2, 3, nil, -6)}, want: rows("2", "3", "0", "0")},
		{expr: fn("least", tI64, col(0, tI64), col(1, tI64)), in: []input{in(tI64, 1, nil, nil), in(tI64, 2, 3, nil)}, want: rows("1", "3", "NULL")},
		{name: "NULL literals are skipped", expr: fn("greatest", tI32, col(0, tI32), lit(nil, tNull)), in: []input{in(tI32, 1, nil)}, want: rows("1", "NULL")},
		{name: "all NULL", expr: fn("least", tI32, lit(nil, tI32), lit(nil, tI32)), in: []input{in(tI32, 1)}, want: rows("NULL")},
		{expr: fn("greatest", tF64, col(0, tF64), col(1, tF64)), in: []input{in(tF64, 1.5, math.NaN(), -1.0), in(tF64, 2.5, 3.0, nil)}, want: rows("2.5", "NaN", "-1")},
		{expr: fn("least", tF64, col(0, tF64), col(1, tF64)), in: []input{in(tF64, math.NaN(), 1.0), in(tF64, 3.0, math.NaN())}, want: rows("3", "1")},
		{expr: fn("greatest", tStr, col(0, tStr), col(1, tStr)), in: []input{in(tStr, "a", "b", nil, "日"), in(tStr, "b", "a", "c", "z")}, want: rows("b", "b", "c", "日")},
		{expr: fn("least", tLStr, col(0, tLStr), col(1, tLStr)), in: []input{in(tLStr, "a", "b"), in(tLStr, "b", "a")}, want: rows("a", "a")},
		{expr: fn("greatest", tDec152, col(0, tDec152), col(1, tDec152)), in: []input{in(tDec152, "1.50", "-2.00"), in(tDec152, "1.49", "-1.99")}, want: rows("1.50", "-1.99")},
		{expr: fn("least", tDate, col(0, tDate), col(1, tDate)), in: []input{in(tDate, "2020-01-01", nil), in(tDate, "2019-12-31", "2021-01-01")}, want: rows("2019-12-31", "2021-01-01")},
		{expr: fn("greatest", tTS, col(0, tTS), col(1, tTS)), in: []input{in(tTS, "2020-01-01 10:00:00"), in(tTS, "2020-01-01 09:00:00")}, want: rows("2020-01-01T10:00:00")},
		{expr: fn("greatest", tBool, col(0, tBool), col(1, tBool)), in: []input{in(tBool, false, true, false), in(tBool, true, false, nil)}, want: rows("true", "true", "false")},
		{name: "cast to the common type", expr: fn("greatest", tI64, col(0, tI32), col(1, tI64)), in: []input{in(tI32, 7), in(tI64, 5)}, want: rows("7")},
		{name: "an argument's error", expr: fn("greatest", tI32, col(0, tI32), bin(planner.OpDiv, col(0, tI32), lit(0, tI32), tI32)), in: []input{in(tI32, 1)}, err: "division by zero"},
	})
}
