package eval

import (
	"math"
	"testing"

	"github.com/ember-sql/ember/planner"
)

const (
	eq  = planner.OpEq
	ne  = planner.OpNotEq
	lt  = planner.OpLt
	le  = planner.OpLtEq
	gt  = planner.OpGt
	ge  = planner.OpGtEq
	and = planner.OpAnd
	or  = planner.OpOr
)

func TestComparisons(t *testing.T) {
	ints := in(tI64, 1, 2, 3, nil)
	var cases []evalCase
	// Every operator against a constant on either side, and column to column.
	for _, tc := range []struct {
		op         planner.BinaryOp
		vsTwo      []string // c0 op 2
		twoVs      []string // 2 op c0
		vsCol      []string // c0 op c1, c1 = 2, 2, 2, 2
		str, float []string
	}{
		{eq, rows("false", "true", "false", "NULL"), rows("false", "true", "false", "NULL"), rows("false", "true", "false", "NULL"),
			rows("false", "true", "false", "NULL"), rows("false", "true", "false", "NULL")},
		{ne, rows("true", "false", "true", "NULL"), rows("true", "false", "true", "NULL"), rows("true", "false", "true", "NULL"),
			rows("true", "false", "true", "NULL"), rows("true", "false", "true", "NULL")},
		{lt, rows("true", "false", "false", "NULL"), rows("false", "false", "true", "NULL"), rows("true", "false", "false", "NULL"),
			rows("true", "false", "false", "NULL"), rows("true", "false", "false", "NULL")},
		{le, rows("true", "true", "false", "NULL"), rows("false", "true", "true", "NULL"), rows("true", "true", "false", "NULL"),
			rows("true", "true", "false", "NULL"), rows("true", "true", "false", "NULL")},
		{gt, rows("false", "false", "true", "NULL"), rows("true", "false", "false", "NULL"), rows("false", "false", "true", "NULL"),
			rows("false", "false", "true", "NULL"), rows("false", "false", "true", "NULL")},
		{ge, rows("false", "true", "true", "NULL"), rows("true", "true", "false", "NULL"), rows("false", "true", "true", "NULL"),
			rows("false", "true", "true", "NULL"), rows("false", "true", "true", "NULL")},
	} {
		cases = append(cases,
			evalCase{expr: cmpE(tc.op, col(0, tI64), lit(2, tI64)), in: []input{ints}, want: tc.vsTwo},
			evalCase{expr: cmpE(tc.op, lit(2, tI64), col(0, tI64)), in: []input{ints}, want: tc.twoVs},
			evalCase{expr: cmpE(tc.op, col(0, tI64), col(1, tI64)), in: []input{ints, in(tI64, 2, 2, 2, 2)}, want: tc.vsCol},
			evalCase{expr: cmpE(tc.op, col(0, tStr), lit("b", tStr)), in: []input{in(tStr, "a", "b", "ba", nil)}, want: tc.str},
			evalCase{expr: cmpE(tc.op, col(0, tStr), col(1, tStr)), in: []input{in(tStr, "a", "b", "ba", nil), in(tStr, "b", "b", "b", "b")}, want: tc.str},
			evalCase{expr: cmpE(tc.op, lit("b", tStr), col(0, tStr)), in: []input{in(tStr, "a", "b", "ba", nil)}, want: tc.twoVs},
			evalCase{expr: cmpE(tc.op, col(0, tLStr), col(1, tLStr)), in: []input{in(tLStr, "a", "b", "ba", nil), in(tLStr, "b", "b", "b", "b")}, want: tc.str},
			evalCase{expr: cmpE(tc.op, col(0, tF64), lit(2.0, tF64)), in: []input{in(tF64, 1.5, 2.0, 2.5, nil)}, want: tc.float},
			evalCase{expr: cmpE(tc.op, col(0, tDec152), lit("0.02", tDec152)), in: []input{in(tDec152, "-0.01", "0.02", "1000000000.00", nil)}, want: tc.float},
			evalCase{expr: cmpE(tc.op, col(0, tDate), lit("2020-01-02", tDate)), in: []input{in(tDate, "2020-01-01", "2020-01-02", "2021-01-01", nil)}, want: tc.float},
			evalCase{expr: cmpE(tc.op, col(0, tTS), lit("2020-01-02 00:00:01", tTS)), in: []input{in(tTS, "2020-01-02", "2020-01-02 00:00:01", "2020-01-02 00:00:01.000001", nil)}, want: tc.float},
			evalCase{expr: cmpE(tc.op, col(0, tI32), lit(2, tI32)), in: []input{in(tI32, 1, 2, 3, nil)}, want: tc.vsTwo},
			evalCase{expr: cmpE(tc.op, col(0, tI16), lit(2, tI16)), in: []input{in(tI16, 1, 2, 3, nil)}, want: tc.vsTwo},
			evalCase{expr: cmpE(tc.op, col(0, tI8), lit(2, tI8)), in: []input{in(tI8, 1, 2, 3, nil)}, want: tc.vsTwo},
			evalCase{expr: cmpE(tc.op, col(0, tBool), lit(true, tBool)), in: []input{in(tBool, false, true, true, nil)}, want: tc.vsTwo[:2:2]},
		)
		// Booleans: FALSE < TRUE; rows false, true vs TRUE.
		cases[len(cases)-1].in = []input{in(tBool, false, true)}
	}
	cases = append(cases,
		evalCase{name: "multibyte strings", expr: cmpE(lt, col(0, tStr), col(1, tStr)), in: []input{in(tStr, "é", "z", "", "ab"), in(tStr, "z", "é", "a", "abc")},
			want: rows("false", "true", "true", "true")},
		evalCase{name: "decimals of different scales", expr: cmpE(eq, col(0, dec(10, 2)), lit("1.500", dec(10, 3))), in: []input{in(dec(10, 2), "1.50", "1.51")},
			want: rows("true", "false")},
		evalCase{name: "decimal 0.07 between 0.06-0.01 and 0.06+0.01",
			expr: &planner.Binary{Op: and, DataType: tBool,
				Left:  cmpE(ge, col(0, tDec152), arith(sub, lit("0.06", dec(2, 2)), lit("0.01", dec(2, 2)))),
				Right: cmpE(le, col(0, tDec152), arith(add, lit("0.06", dec(2, 2)), lit("0.01", dec(2, 2))))},
			in: []input{in(tDec152, "0.04", "0.05", "0.06", "0.07", "0.08", nil)}, want: rows("false", "true", "true", "true", "false", "NULL")},
		evalCase{name: "big decimals", expr: cmpE(lt, col(0, dec(38, 0)), col(1, dec(38, 0))),
			in:   []input{in(dec(38, 0), "-99999999999999999999999", "99999999999999999999999", "18446744073709551616"), in(dec(38, 0), "1", "99999999999999999999998", "18446744073709551617")},
			want: rows("true", "false", "true")},
		evalCase{name: "NaN", expr: cmpE(gt, col(0, tF64), col(1, tF64)), in: []input{in(tF64, math.NaN(), 1.0, math.NaN(), math.Inf(1)), in(tF64, math.Inf(1), math.NaN(), math.NaN(), 1.0)},
			want: rows("true", "false", "false", "true")},
		evalCase{name: "NaN equals NaN", expr: cmpE(eq, col(0, tF64), col(1, tF64)), in: []input{in(tF64, math.NaN(), 0.0), in(tF64, math.NaN(), math.Copysign(0, -1))},
			want: rows("true", "true")},
		evalCase{name: "NULL literal", expr: cmpE(eq, col(0, tI32), lit(nil, tNull)), in: []input{in(tI32, 1)}, want: rows("NULL")},
		evalCase{name: "int vs bigint", expr: cmpE(lt, col(0, tI32), col(1, tI64)), in: []input{in(tI32, 1), in(tI64, 5000000000)}, want: rows("true")},
	)
	runCases(t, cases)
}

func TestDistinctFrom(t *testing.T) {
	x, y := in(tI64, 1, nil, nil, 2), in(tI64, 1, nil, 1, 3)
	runCases(t, []evalCase{
		{expr: cmpE(planner.OpIsDistinctFrom, col(0, tI64), col(1, tI64)), in: []input{x, y}, want: rows("false", "false", "true", "true")},
		{expr: cmpE(planner.OpIsNotDistinctFrom, col(0, tI64), col(1, tI64)), in: []input{x, y}, want: rows("true", "true", "false", "false")},
		{expr: cmpE(planner.OpIsNotDistinctFrom, col(0, tStr), lit("a", tStr)), in: []input{in(tStr, "a", nil, "b")}, want: rows("true", "false", "false")},
		{expr: cmpE(planner.OpIsDistinctFrom, col(0, tI64), lit(nil, tNull)), in: []input{x}, want: rows("true", "false", "false", "true")},
		{expr: cmpE(planner.OpIsNotDistinctFrom, lit(nil, tNull), lit(nil, tNull)), want: rows("true")},
	})
}

func TestLogic(t *testing.T) {
	a := in(tBool, true, true, true, false, false, false, nil, nil, nil)
	b := in(tBool, true, false, nil, true, false, nil, true, false, nil)
	runCases(t, []evalCase{
		{expr: bin(and, col(0, tBool), col(1, tBool), tBool), in: []input{a, b},
			want: rows("true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL")},
		{expr: bin(or, col(0, tBool), col(1, tBool), tBool), in: []input{a, b},
			want: rows("true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL")},
		{expr: bin(and, col(0, tBool), lit(true, tBool), tBool), in: []input{in(tBool, true, false, nil)}, want: rows("true", "false", "NULL")},
		{expr: bin(and, col(0, tBool), lit(false, tBool), tBool), in: []input{in(tBool, true, false, nil)}, want: rows("false", "false", "false")},
		{expr: bin(or, col(0, tBool), lit(true, tBool), tBool), in: []input{in(tBool, true, false, nil)}, want: rows("true", "true", "true")},
		{expr: bin(or, col(0, tBool), lit(nil, tNull), tBool), in: []input{in(tBool, true, false, nil)}, want: rows("true", "NULL", "NULL")},
		{expr: bin(and, lit(nil, tNull), col(0, tBool), tBool), in: []input{in(tBool, true, false, nil)}, want: rows("NULL", "false", "NULL")},
		{expr: &planner.Not{X: col(0, tBool)}, in: []input{in(tBool, true, false, nil)}, want: rows("false", "true", "NULL")},
		{name: "AND guards a division",
			expr: bin(and, cmpE(ne, col(0, tI32), lit(0, tI32)), cmpE(gt, arith(div, lit(10, tI32), col(0, tI32)), lit(1.0, tF64)), tBool),
			in:   []input{in(tI32, 0, 5, 20, nil)}, want: rows("false", "true", "false", "NULL")},
		{name: "OR guards a division",
			expr: bin(or, cmpE(eq, col(0, tI32), lit(0, tI32)), cmpE(gt, arith(div, lit(10, tI32), col(0, tI32)), lit(1.0, tF64)), tBool),
			in:   []input{in(tI32, 0, 5, 20, nil)}, want: rows("true", "true", "false", "NULL")},
		{name: "unguarded division fails",
			expr: bin(and, cmpE(ne, col(0, tI32), lit(1, tI32)), cmpE(gt, arith(div, lit(10, tI32), col(0, tI32)), lit(1.0, tF64)), tBool),
			in:   []input{in(tI32, 0, 5)}, err: "division by zero"},
		{expr: &planner.IsNull{X: col(0, tStr)}, in: []input{in(tStr, "a", nil, "")}, want: rows("false", "true", "false")},
		{expr: &planner.IsNull{X: col(0, tStr), Negated: true}, in: []input{in(tStr, "a", nil, "")}, want: rows("true", "false", "true")},
		{expr: &planner.IsNull{X: col(0, tI32)}, in: []input{in(tI32, 1, 2)}, want: rows("false", "false")},
		{expr: &planner.IsNull{X: lit(nil, tNull)}, want: rows("true")},
	})
}
