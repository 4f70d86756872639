package eval

import (
	"math"
	"testing"
)

func TestCast(t *testing.T) {
	runCases(t, []evalCase{
		// From strings.
		{expr: cast(col(0, tStr), tI32), in: []input{in(tStr, "42", " -7 ", "+3", "2147483647", nil)}, want: rows("42", "-7", "3", "2147483647", "NULL")},
		{name: "fraction to int", expr: cast(col(0, tStr), tI32), in: []input{in(tStr, "1.9")}, err: "cannot cast '1.9' to INT"},
		{name: "sign only", expr: cast(col(0, tStr), tI32), in: []input{in(tStr, "-")}, err: "cannot cast '-' to INT"},
		{name: "bad int", expr: cast(col(0, tStr), tI32), in: []input{in(tStr, "1", "abc")}, err: "cannot cast 'abc' to INT"},
		{name: "int out of range", expr: cast(col(0, tStr), tI32), in: []input{in(tStr, "2147483648")}, err: "cannot cast '2147483648' to INT"},
		{name: "tinyint out of range", expr: cast(col(0, tStr), tI8), in: []input{in(tStr, "128")}, err: "TINYINT"},
		{expr: cast(col(0, tStr), tI64), in: []input{in(tStr, "-9223372036854775808", "9223372036854775807")}, want: rows("-9223372036854775808", "9223372036854775807")},
		{name: "bigint overflow", expr: cast(col(0, tStr), tI64), in: []input{in(tStr, "9223372036854775808")}, err: "cannot cast"},
		{name: "empty string", expr: cast(col(0, tStr), tI64), in: []input{in(tStr, "")}, err: "cannot cast '' to BIGINT"},
		{expr: cast(col(0, tStr), tF64), in: []input{in(tStr, "1.5", " 1e3", "-0.25", "NaN", "-Infinity")}, want: rows("1.5", "1000", "-0.25", "NaN", "-Inf")},
		{name: "bad double", expr: cast(col(0, tStr), tF64), in: []input{in(tStr, "0x10")}, err: "cannot cast '0x10' to DOUBLE"},
		{expr: cast(col(0, tStr), tDec152), in: []input{in(tStr, "1.005", "-1.005", "  12 ", ".5", "1e2", "0.004", "-0.005", nil)},
			want: rows("1.01", "-1.01", "12.00", "0.50", "100.00", "0.00", "-0.01", "NULL")},
		{name: "decimal overflow", expr: cast(col(0, tStr), dec(4, 2)), in: []input{in(tStr, "100.00")}, err: "cannot cast '100.00' to DECIMAL(4,2)"},
		{name: "long decimal", expr: cast(col(0, tStr), dec(38, 10)), in: []input{in(tStr, "1234567890123456789012345678.12345678905")},
			want: rows("1234567890123456789012345678.1234567891")},
		{name: "bad decimal", expr: cast(col(0, tStr), tDec152), in: []input{in(tStr, "1.2.3")}, err: "cannot cast '1.2.3'"},
		{expr: cast(col(0, tStr), tDate), in: []input{in(tStr, "2020-02-29", "2020-1-5", "2021", "1998-12-01 10:00:00", " 1995-03-15T00:00")},
			want: rows("2020-02-29", "2020-01-05", "2021-01-01", "1998-12-01", "1995-03-15")},
		{name: "bad date", expr: cast(col(0, tStr), tDate), in: []input{in(tStr, "2021-02-29")}, err: "cannot cast '2021-02-29' to DATE"},
		{name: "bad date text", expr: cast(col(0, tStr), tDate), in: []input{in(tStr, "20-01-01")}, err: "cannot cast"},
		{expr: cast(col(0, tStr), tTS), in: []input{in(tStr, "2020-01-02 03:04:05", "2020-01-02T03:04:05.123456789", "2020-01-02", "1969-12-31 23:59:59.5Z")},
			want: rows("2020-01-02T03:04:05", "2020-01-02T03:04:05.123456", "2020-01-02T00:00:00", "1969-12-31T23:59:59.500000")},
		{name: "bad timestamp", expr: cast(col(0, tStr), tTS), in: []input{in(tStr, "2020-01-02 25:00:00")}, err: "cannot cast"},
		{expr: cast(col(0, tStr), tBool), in: []input{in(tStr, "true", "FALSE", " t ", "no", "1", "Yes", nil)},
			want: rows("true", "false", "true", "false", "true", "true", "NULL")},
		{name: "bad bool", expr: cast(col(0, tStr), tBool), in: []input{in(tStr, "maybe")}, err: "cannot cast 'maybe' to BOOLEAN"},
		{name: "large string to int", expr: cast(col(0, tLStr), tI32), in: []input{in(tLStr, "5", nil)}, want: rows("5", "NULL")},
		{name: "string to large string", expr: cast(col(0, tStr), tLStr), in: []input{in(tStr, "a", nil, "bc")}, want: rows("a", "NULL", "bc")},
		{name: "large string to string", expr: cast(col(0, tLStr), tStr), in: []input{in(tLStr, "a", nil, "bc")}, want: rows("a", "NULL", "bc")},

		// To strings.
		{expr: cast(col(0, tI64), tStr), in: []input{in(tI64, 0, -9223372036854775807-1, nil)}, want: rows("0", "-9223372036854775808", "NULL")},
		{expr: cast(col(0, tF64), tStr), in: []input{in(tF64, 0.5, 1.0, 1e10, 100.0, 1.0e-4, 1234567.0, 12345678.9, math.Copysign(0, -1), math.NaN(), math.Inf(-1))},
			want: rows("0.5", "1.0", "1.0E10", "100.0", "1.0E-4", "1234567.0", "1.23456789E7", "-0.0", "NaN", "-Infinity")},
		{expr: cast(col(0, tDec152), tStr), in: []input{in(tDec152, "12.30", "-0.05", "0.00", nil)}, want: rows("12.30", "-0.05", "0.00", "NULL")},
		{expr: cast(col(0, dec(38, 4)), tStr), in: []input{in(dec(38, 4), "-123456789012345678901234567890.1234")}, want: rows("-123456789012345678901234567890.1234")},
		{expr: cast(col(0, tDate), tStr), in: []input{in(tDate, "2020-02-29", "1969-12-31", "0001-01-01")}, want: rows("2020-02-29", "1969-12-31", "0001-01-01")},
		{expr: cast(col(0, tTS), tStr), in: []input{in(tTS, "2020-02-29 13:14:15", "1969-12-31 23:59:59.000001", "2020-01-01 10:11:12.5", "1999-12-31 23:59:59.12", nil)}, want: rows("2020-02-29 13:14:15", "1969-12-31 23:59:59.000001", "2020-01-01 10:11:12.5", "1999-12-31 23:59:59.12", "NULL")},
		{expr: cast(col(0, tBool), tStr), in: []input{in(tBool, true, false, nil)}, want: rows("true", "false", "NULL")},
		{expr: cast(col(0, tI32), tLStr), in: []input{in(tI32, 7, nil)}, want: rows("7", "NULL")},

		// Numbers.
		{expr: cast(col(0, tF64), tI32), in: []input{in(tF64, 3.9, -3.9, 2147483647.5, nil)}, want: rows("3", "-3", "2147483647", "NULL")},
		{name: "double out of int range", expr: cast(col(0, tF64), tI32), in: []input{in(tF64, 2147483648.0)}, err: "cannot cast 2.147483648E9 to INT: out of range"},
		{name: "NaN to int", expr: cast(col(0, tF64), tI64), in: []input{in(tF64, math.NaN())}, err: "cannot cast NaN to BIGINT"},
		{name: "double to bigint edge", expr: cast(col(0, tF64), tI64), in: []input{in(tF64, 9.2233720368547748e18)}, want: rows("9223372036854774784")},
		{name: "double 2^63 to bigint", expr: cast(col(0, tF64), tI64), in: []input{in(tF64, 9.223372036854775808e18)}, err: "out of range"},
		{expr: cast(col(0, tDec152), tI32), in: []input{in(tDec152, "12.99", "-12.99", nil)}, want: rows("12", "-12", "NULL")},
		{name: "decimal out of int range", expr: cast(col(0, tDec152), tI32), in: []input{in(tDec152, "3000000000.00")}, err: "cannot cast 3000000000.00 to INT"},
		{expr: cast(col(0, tF64), tDec152), in: []input{in(tF64, 1.005, -2.5, 0.125, 1e-10)}, want: rows("1.01", "-2.50", "0.13", "0.00")},
		{name: "double to decimal overflow", expr: cast(col(0, tF64), dec(4, 2)), in: []input{in(tF64, 123.0)}, err: "out of range"},
		{name: "NaN to decimal", expr: cast(col(0, tF64), tDec152), in: []input{in(tF64, math.NaN())}, err: "cannot cast NaN"},
		{expr: cast(col(0, dec(10, 4)), dec(10, 2)), in: []input{in(dec(10, 4), "1.2345", "1.2350", "-1.2350", "-1.2349")}, want: rows("1.23", "1.24", "-1.24", "-1.23")},
		{name: "decimal widen", expr: cast(col(0, tDec152), dec(20, 5)), in: []input{in(tDec152, "-1.25")}, want: rows("-1.25000")},
		{name: "decimal narrow overflow", expr: cast(col(0, tDec152), dec(3, 2)), in: []input{in(tDec152, "10.00")}, err: "cannot cast 10.00 to DECIMAL(3,2)"},
		{expr: cast(col(0, tI32), tDec152), in: []input{in(tI32, 5, -2147483648, nil)}, want: rows("5.00", "-2147483648.00", "NULL")},
		{name: "int to small decimal", expr: cast(col(0, tI32), dec(3, 1)), in: []input{in(tI32, 100)}, err: "cannot cast 100 to DECIMAL(3,1)"},
		{expr: cast(col(0, tDec152), tF64), in: []input{in(tDec152, "0.10", "-12345.67")}, want: rows("0.1", "-12345.67")},
		{expr: cast(col(0, tI64), tF64), in: []input{in(tI64, 3, nil)}, want: rows("3", "NULL")},
		{expr: cast(col(0, tI64), tI8), in: []input{in(tI64, 127, -128)}, want: rows("127", "-128")},
		{name: "narrowing overflow", expr: cast(col(0, tI64), tI16), in: []input{in(tI64, 40000)}, err: "cannot cast 40000 to SMALLINT"},
		{name: "narrowing overflow under NULL", expr: cast(arith(add, col(0, tI64), col(1, tI64)), tI8), in: []input{in(tI64, 1000), in(tI64, nil)}, want: rows("NULL")},
		{expr: cast(col(0, tI32), tBool), in: []input{in(tI32, 0, 7, nil)}, want: rows("false", "true", "NULL")},
		{expr: cast(col(0, tBool), tI32), in: []input{in(tBool, true, false)}, want: rows("1", "0")},
		{expr: cast(col(0, tBool), tDec152), in: []input{in(tBool, true, false)}, want: rows("1.00", "0.00")},
		{expr: cast(col(0, tDec152), tBool), in: []input{in(tDec152, "0.00", "0.01")}, want: rows("false", "true")},
		{expr: cast(col(0, tF64), tBool), in: []input{in(tF64, 0.0, 0.5)}, want: rows("false", "true")},

		// Dates and timestamps.
		{expr: cast(col(0, tDate), tTS), in: []input{in(tDate, "2020-02-29", "1969-12-31", nil)}, want: rows("2020-02-29T00:00:00", "1969-12-31T00:00:00", "NULL")},
		{expr: cast(col(0, tTS), tDate), in: []input{in(tTS, "2020-02-29 23:59:59", "1969-12-31 23:59:59")}, want: rows("2020-02-29", "1969-12-31")},

		// NULL.
		{expr: cast(lit(nil, tNull), tDec152), want: rows("NULL")},
		{expr: cast(col(0, tNull), tStr), in: []input{in(tNull, nil, nil)}, want: rows("NULL", "NULL")},
		{name: "unsupported", expr: cast(col(0, tDate), tI32), in: []input{in(tDate, "2020-01-01")}, err: "cannot cast DATE to INT"},
	})
}
