package eval

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// arith builds l op r as the binder does: the operands cast to the types
// planner.ArithmeticTypes gives, with its result type.
func arith(op planner.BinaryOp, l, r planner.Expr) planner.Expr {
	lc, rc, res, err := planner.ArithmeticTypes(op, l.Type(), r.Type())
	if err != nil {
		panic(err)
	}
	if !arrow.TypeEqual(lc, l.Type()) {
		l = cast(l, lc)
	}
	if !arrow.TypeEqual(rc, r.Type()) {
		r = cast(r, rc)
	}
	return bin(op, l, r, res)
}

const (
	add = planner.OpAdd
	sub = planner.OpSub
	mul = planner.OpMul
	div = planner.OpDiv
	mod = planner.OpMod
)

func TestIntegerArithmetic(t *testing.T) {
	runCases(t, []evalCase{
		{expr: arith(add, col(0, tI32), col(1, tI32)), in: []input{in(tI32, 1, nil, -5, 2147483646), in(tI32, 2, 3, nil, 1)},
			want: rows("3", "NULL", "NULL", "2147483647")},
		{name: "int add overflow", expr: arith(add, col(0, tI32), lit(1, tI32)), in: []input{in(tI32, 1, 2147483647)},
			err: "integer overflow in (c0#0 + 1)"},
		{name: "overflow under NULL is ignored", expr: arith(add, col(0, tI32), col(1, tI32)),
			in: []input{in(tI32, 2147483647, 2147483647), in(tI32, nil, 0)}, want: rows("NULL", "2147483647")},
		{name: "int sub overflow", expr: arith(sub, lit(-2147483648, tI32), col(0, tI32)), in: []input{in(tI32, 0, 1)},
			err: "integer overflow"},
		{expr: arith(sub, lit(10, tI64), col(0, tI64)), in: []input{in(tI64, 3, nil, -9223372036854775797)},
			want: rows("7", "NULL", "9223372036854775807")},
		{name: "bigint mul", expr: arith(mul, col(0, tI64), col(1, tI64)),
			in:   []input{in(tI64, 3037000499, -4294967296, 0), in(tI64, 3037000499, 2147483648, -9223372036854775807-1)},
			want: rows("9223372030926249001", "-9223372036854775808", "0")},
		{name: "bigint mul overflow", expr: arith(mul, col(0, tI64), lit(2, tI64)), in: []input{in(tI64, 4611686018427387904)},
			err: "integer overflow"},
		{name: "min times -1", expr: arith(mul, col(0, tI64), lit(-1, tI64)), in: []input{in(tI64, -9223372036854775807-1)},
			err: "integer overflow"},
		{name: "tinyint", expr: arith(add, col(0, tI8), lit(27, tI8)), in: []input{in(tI8, 100, -128)}, want: rows("127", "-101")},
		{name: "tinyint overflow", expr: arith(add, col(0, tI8), lit(28, tI8)), in: []input{in(tI8, 100)}, err: "integer overflow"},
		{name: "smallint mul overflow", expr: arith(mul, col(0, tI16), lit(2, tI16)), in: []input{in(tI16, 16384)}, err: "integer overflow"},
		{name: "mod", expr: arith(mod, col(0, tI32), col(1, tI32)), in: []input{in(tI32, 10, -10, 10, -2147483648, 7), in(tI32, 3, 3, -3, -1, nil)},
			want: rows("1", "-1", "1", "0", "NULL")},
		{name: "mod by zero", expr: arith(mod, col(0, tI32), col(1, tI32)), in: []input{in(tI32, 10, 10), in(tI32, 3, 0)}, err: "division by zero"},
		{name: "mod by NULL zero slot", expr: arith(mod, lit(10, tI32), col(0, tI32)), in: []input{in(tI32, 3, nil)}, want: rows("1", "NULL")},
		{name: "integer division", expr: bin(div, col(0, tI32), col(1, tI32), tI32), in: []input{in(tI32, 7, -7, 6), in(tI32, 2, 2, -3)},
			want: rows("3", "-3", "-2")},
		{name: "integer division by zero", expr: bin(div, col(0, tI32), lit(0, tI32), tI32), in: []input{in(tI32, 7)}, err: "division by zero"},
		{name: "integer division overflow", expr: bin(div, col(0, tI32), lit(-1, tI32), tI32), in: []input{in(tI32, -2147483648)}, err: "integer overflow"},
		{name: "int / int is double", expr: arith(div, col(0, tI32), col(1, tI32)), in: []input{in(tI32, 1, 7), in(tI32, 4, 2)}, want: rows("0.25", "3.5")},
		{name: "mixed widths", expr: arith(add, col(0, tI16), col(1, tI64)), in: []input{in(tI16, 1), in(tI64, 9223372036854775806)}, want: rows("9223372036854775807")},
		{name: "negate", expr: &planner.Negate{X: col(0, tI32)}, in: []input{in(tI32, 5, nil, -2147483647)}, want: rows("-5", "NULL", "2147483647")},
		{name: "negate min", expr: &planner.Negate{X: col(0, tI32)}, in: []input{in(tI32, -2147483648)}, err: "integer overflow"},
		{name: "NULL operand", expr: arith(add, col(0, tI32), lit(nil, tNull)), in: []input{in(tI32, 1, 2)}, want: rows("NULL", "NULL")},
		{name: "constant", expr: arith(mul, lit(6, tI32), lit(7, tI32)), want: rows("42")},
	})
}

func TestDoubleArithmetic(t *testing.T) {
	runCases(t, []evalCase{
		{expr: arith(add, col(0, tF64), col(1, tF64)), in: []input{in(tF64, 0.1, nil, 1e308), in(tF64, 0.2, 1.0, 1e308)},
			want: rows("0.30000000000000004", "NULL", "+Inf")},
		{expr: arith(mul, col(0, tF64), lit(2.5, tF64)), in: []input{in(tF64, 2.0, -4.0)}, want: rows("5", "-10")},
		{expr: arith(div, lit(1.0, tF64), col(0, tF64)), in: []input{in(tF64, 4.0, -8.0, nil)}, want: rows("0.25", "-0.125", "NULL")},
		{name: "double divide by zero", expr: arith(div, col(0, tF64), col(1, tF64)), in: []input{in(tF64, 1.0), in(tF64, 0.0)}, err: "division by zero"},
		{name: "double divide by NULL", expr: arith(div, col(0, tF64), col(1, tF64)), in: []input{in(tF64, 1.0), in(tF64, nil)}, want: rows("NULL")},
		{expr: arith(mod, col(0, tF64), lit(2.0, tF64)), in: []input{in(tF64, 5.5, -5.5)}, want: rows("1.5", "-1.5")},
		{name: "double mod by zero", expr: arith(mod, col(0, tF64), lit(0.0, tF64)), in: []input{in(tF64, 5.5)}, err: "division by zero"},
		{name: "int and double", expr: arith(sub, col(0, tI32), col(1, tF64)), in: []input{in(tI32, 3), in(tF64, 0.5)}, want: rows("2.5")},
	})
}

func TestDecimalArithmetic(t *testing.T) {
	d22 := dec(2, 2)
	d38 := dec(38, 0)
	d3810 := dec(38, 10)
	runCases(t, []evalCase{
		{name: "0.06 - 0.01", expr: arith(sub, lit("0.06", d22), lit("0.01", d22)), want: rows("0.05")},
		{name: "0.06 + 0.01", expr: arith(add, lit("0.06", d22), lit("0.01", d22)), want: rows("0.07")},
		{name: "0.06 +- 0.01 columns", expr: arith(add, col(0, d22), col(1, d22)), in: []input{in(d22, "0.06", "0.06", nil), in(d22, "0.01", "-0.01", "0.01")},
			want: rows("0.07", "0.05", "NULL")},
		{name: "price * (1 - discount) * (1 + tax)",
			expr: arith(mul, arith(mul, col(0, tDec152), arith(sub, lit(1, tI32), col(1, tDec152))), arith(add, lit(1, tI32), col(2, tDec152))),
			in:   []input{in(tDec152, "17954.55", "900.00", nil, "-10.00"), in(tDec152, "0.04", "0.10", "0.01", "0.05"), in(tDec152, "0.02", "0.08", "0.00", nil)},
			want: rows("17581.095360", "874.800000", "NULL", "NULL")},
		{name: "mul around 32 bits", expr: arith(mul, col(0, tDec152), col(1, tDec152)),
			in:   []input{in(tDec152, "21474836.47", "21474836.48", "-21474836.48", "9999999999999.99", "0.01"), in(tDec152, "2.00", "2.00", "-21474836.49", "9999999999999.99", "-0.01")},
			want: rows("42949672.9400", "42949672.9600", "461168602057487.1552", "99999999999999800000000000.0001", "-0.0001")},
		{name: "add around 32 bits", expr: arith(sub, col(0, tDec152), col(1, tDec152)),
			in:   []input{in(tDec152, "21474836.47", "-21474836.48", "9999999999999.99"), in(tDec152, "-21474836.48", "21474836.48", "-9999999999999.99")},
			want: rows("42949672.95", "-42949672.96", "19999999999999.98")},
		{name: "mixed scales", expr: arith(add, col(0, dec(10, 2)), col(1, dec(10, 4))), in: []input{in(dec(10, 2), "1.25", "-1.25"), in(dec(10, 4), "0.0001", "0.0001")},
			want: rows("1.2501", "-1.2499")},
		{name: "sub mixed scales", expr: arith(sub, col(0, dec(10, 4)), col(1, dec(10, 2))), in: []input{in(dec(10, 4), "0.0001"), in(dec(10, 2), "1.25")},
			want: rows("-1.2499")},
		{name: "int and decimal", expr: arith(add, col(0, tI64), col(1, dec(5, 2))), in: []input{in(tI64, 9223372036854775807), in(dec(5, 2), "0.99")},
			want: rows("9223372036854775807.99")},
		{name: "multiply rounds half up", expr: arith(mul, col(0, d3810), col(1, d3810)),
			in:   []input{in(d3810, "0.0000005", "-0.0000005", "0.0000004999", "12345678.9"), in(d3810, "1", "1", "1", "2")},
			want: rows("0.000001", "-0.000001", "0.000000", "24691357.800000")},
		{name: "decimal overflow", expr: arith(add, col(0, d38), lit(1, tI32)), in: []input{in(d38, "99999999999999999999999999999999999999")},
			err: "decimal overflow"},
		{name: "big values", expr: arith(add, col(0, dec(38, 2)), col(1, dec(38, 2))),
			in:   []input{in(dec(38, 2), "123456789012345678901234567890.12", "-99999999999999999.99"), in(dec(38, 2), "1.00", "-0.01")},
			want: rows("123456789012345678901234567891.12", "-100000000000000000.00")},
		{name: "big multiply", expr: arith(mul, col(0, dec(20, 0)), col(1, dec(20, 0))),
			in:   []input{in(dec(20, 0), "12345678901234567890", "-12345678901234567890"), in(dec(20, 0), "10", "-3")},
			want: rows("123456789012345678900", "37037036703703703670")},
		{name: "divide", expr: arith(div, col(0, tDec152), col(1, tDec152)),
			in:   []input{in(tDec152, "1.00", "2.00", "-2.00", "10.00", nil), in(tDec152, "3.00", "3.00", "3.00", "-4.00", "1.00")},
			want: rows("0.333333333333333333", "0.666666666666666667", "-0.666666666666666667", "-2.500000000000000000", "NULL")},
		{name: "divide by zero", expr: arith(div, col(0, tDec152), col(1, tDec152)), in: []input{in(tDec152, "1.00"), in(tDec152, "0.00")},
			err: "division by zero"},
		{name: "divide big", expr: arith(div, col(0, dec(38, 0)), lit("3", dec(1, 0))), in: []input{in(dec(38, 0), "10000000000000000000000000000000")},
			want: rows("3333333333333333333333333333333.333333")},
		{name: "mod", expr: arith(mod, col(0, dec(3, 1)), lit(2, tI32)), in: []input{in(dec(3, 1), "7.5", "-7.5", nil)}, want: rows("1.5", "-1.5", "NULL")},
		{name: "mod by zero", expr: arith(mod, col(0, dec(3, 1)), lit("0.0", dec(3, 1))), in: []input{in(dec(3, 1), "7.5")}, err: "division by zero"},
		{name: "negate", expr: &planner.Negate{X: col(0, tDec152)}, in: []input{in(tDec152, "1.50", "-0.01", nil)}, want: rows("-1.50", "0.01", "NULL")},
	})
}

func TestDecimalBigMultiply(t *testing.T) {
	// The product of two DECIMAL(20,0) has type DECIMAL(38,0) after Spark's
	// adjustment; 99999999999999999999^2 has 40 digits and overflows it.
	runCases(t, []evalCase{
		{expr: arith(mul, col(0, dec(20, 0)), col(1, dec(20, 0))), in: []input{in(dec(20, 0), "99999999999999999999"), in(dec(20, 0), "99999999999999999999")},
			err: "decimal overflow"},
	})
}

func TestTemporalArithmetic(t *testing.T) {
	month := func(n int32) arrow.MonthDayNanoInterval { return arrow.MonthDayNanoInterval{Months: n} }
	days := func(n int32) arrow.MonthDayNanoInterval { return arrow.MonthDayNanoInterval{Days: n} }
	runCases(t, []evalCase{
		{name: "add month clamps", expr: arith(add, col(0, tDate), lit(month(1), tIv)),
			in: []input{in(tDate, "2020-01-31", "2019-01-31", "2020-12-15", nil)}, want: rows("2020-02-29", "2019-02-28", "2021-01-15", "NULL")},
		{name: "sub month", expr: arith(sub, col(0, tDate), lit(month(1), tIv)), in: []input{in(tDate, "2020-03-31", "2020-01-01")},
			want: rows("2020-02-29", "2019-12-01")},
		{name: "add 13 months", expr: arith(add, col(0, tDate), lit(month(13), tIv)), in: []input{in(tDate, "2019-01-31")}, want: rows("2020-02-29")},
		{name: "sub days", expr: arith(sub, lit("1998-12-01", tDate), lit(days(90), tIv)), want: rows("1998-09-02")},
		{name: "interval + date", expr: arith(add, lit(arrow.MonthDayNanoInterval{Months: 1, Days: 1}, tIv), col(0, tDate)),
			in: []input{in(tDate, "2020-01-31")}, want: rows("2020-03-01")},
		{name: "whole days as nanos", expr: arith(add, col(0, tDate), lit(arrow.MonthDayNanoInterval{Nanoseconds: 2 * 86400e9}, tIv)),
			in: []input{in(tDate, "2020-02-28")}, want: rows("2020-03-01")},
		{name: "time part on a date", expr: arith(add, col(0, tDate), lit(arrow.MonthDayNanoInterval{Nanoseconds: 3600e9}, tIv)),
			in: []input{in(tDate, "2020-02-28")}, err: "time part"},
		{name: "date + int", expr: arith(add, col(0, tDate), col(1, tI32)), in: []input{in(tDate, "2020-02-28", "2020-01-01"), in(tI32, 2, -1)},
			want: rows("2020-03-01", "2019-12-31")},
		{name: "date - int", expr: arith(sub, col(0, tDate), lit(1, tI64)), in: []input{in(tDate, "2020-03-01")}, want: rows("2020-02-29")},
		{name: "date - date", expr: arith(sub, col(0, tDate), col(1, tDate)), in: []input{in(tDate, "2020-03-01", nil), in(tDate, "2020-01-01", "2020-01-01")},
			want: rows("60", "NULL")},
		{name: "timestamp + interval", expr: arith(add, col(0, tTS), lit(arrow.MonthDayNanoInterval{Months: 1, Days: 1, Nanoseconds: 1_500_000_000}, tIv)),
			in: []input{in(tTS, "2020-01-31 23:59:59", "1969-12-31 12:00:00")}, want: rows("2020-03-02T00:00:00.500000", "1970-02-01T12:00:01.500000")},
		{name: "timestamp - interval", expr: arith(sub, col(0, tTS), lit(month(12), tIv)),
			in: []input{in(tTS, "2020-02-29 10:00:00")}, want: rows("2019-02-28T10:00:00")},
	})
}
