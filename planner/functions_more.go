package planner

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// More scalar functions, with Spark's names, argument types and results
// (ANSI mode). The evaluator implements each under the same name.
//
// Strings (positions count characters, 1-based):
//
//	replace(s, from, to), translate(s, from, to)        VARCHAR
//	lpad(s, n, pad), rpad(s, n, pad)                     VARCHAR; pad defaults to ' '
//	left(s, n), right(s, n), repeat(s, n)                VARCHAR
//	reverse(s), initcap(s), chr(n)                       VARCHAR
//	split_part(s, delim, n)                              VARCHAR; n < 0 counts from the end
//	instr(s, sub), position(sub, s[, start])             INT; 0 when absent
//	ascii(s)                                             INT; code point of the first character
//	starts_with(s, p), ends_with(s, p), contains(s, p)   BOOLEAN
//	regexp_replace(s, pattern, repl), regexp_like(s, pattern)   Go's regexp syntax
//
// Math (integer and decimal arguments become DOUBLE, as in Spark):
//
//	sqrt, exp, ln, log10, log2, cbrt, sin, cos, tan, asin, acos, atan,
//	degrees, radians, sign (DOUBLE); power(x, y), atan2(y, x), log(base, x);
//	pi(), e(); mod(a, b) (as a % b); greatest(...), least(...) (NULLs skipped)
//
// Dates and times:
//
//	current_date(), current_timestamp()      one value per query (the binder fixes it)
//	date_add(d, n), date_sub(d, n), add_months(d, n), last_day(d), make_date(y, m, d)   DATE
//	datediff(end, start)                     INT
//	date_trunc(unit, t)                      TIMESTAMP; trunc(d, unit) DATE
//	to_date(s[, fmt]), to_timestamp(s[, fmt])
//	dayofweek (1 = Sunday), dayofyear, weekofyear (ISO), quarter, hour, minute, second   INT
//	date_format(t, fmt)                      VARCHAR; Spark's pattern letters
//
// Conditionals: nvl(a, b), nvl2(a, b, c), if(cond, a, b), isnull(x),
// isnotnull(x).

// resolver is the signature of ScalarFunction.Resolve.
type resolver = func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error)

// toDouble casts every argument to DOUBLE: numbers, strings (numbers
// written as text, as Spark casts them) and NULL.
func toDouble(name string) resolver {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		for i, a := range args {
			if !IsNumeric(a) && !IsString(a) && !isNull(a) {
				return nil, nil, argError(name, args)
			}
			if a.ID() != arrow.FLOAT64 {
				casts[i] = TypeDouble
			}
		}
		return casts, TypeDouble, nil
	}
}

// fixedArgs casts argument i to want[i]: NULL, integers (to an integer
// type), strings (to a date or timestamp) and dates (to a timestamp) are
// cast; other mismatches are errors.
func fixedArgs(name string, result arrow.DataType, want ...arrow.DataType) resolver {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		for i, a := range args {
			w := want[min(i, len(want)-1)]
			switch {
			case arrow.TypeEqual(a, w):
			case isNull(a), a.ID() == w.ID(),
				IsInteger(a) && IsInteger(w),
				IsString(a) && IsString(w),
				IsString(a) && (w.ID() == arrow.DATE32 || w.ID() == arrow.TIMESTAMP),
				a.ID() == arrow.TIMESTAMP && w.ID() == arrow.DATE32,
				a.ID() == arrow.DATE32 && w.ID() == arrow.TIMESTAMP:
				casts[i] = w
			case IsString(w) && (IsNumeric(a) || a.ID() == arrow.DATE32 || a.ID() == arrow.TIMESTAMP):
				casts[i] = w
			default:
				return nil, nil, argError(name, args)
			}
		}
		return casts, result, nil
	}
}

// timePart resolves the fields of a time of day: DATE and
// strings become TIMESTAMP.
func timePart(name string) resolver {
	return fixedArgs(name, TypeInt, TypeTimestamp)
}

// orderable reports whether values of t can be compared with < (greatest,
// least).
func orderable(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BOOL, arrow.DATE32, arrow.TIMESTAMP, arrow.NULL:
		return true
	}
	return IsNumeric(t) || IsString(t)
}

// extremum resolves greatest and least: the common type of the arguments.
func extremum(name string) resolver {
	same := sameTypeFn(name)
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts, res, err := same(args)
		if err != nil {
			return nil, nil, err
		}
		if !orderable(res) {
			return nil, nil, fmt.Errorf("function %s cannot compare values of type %s", name, TypeName(res))
		}
		return casts, res, nil
	}
}

// branches resolves functions choosing between the arguments from first
// on (if, nvl2): they take the common type; the arguments before first
// are kept, but for the condition of if, which must be BOOLEAN.
func branches(name string, first int, cond bool) resolver {
	return func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		casts := make([]arrow.DataType, len(args))
		if cond {
			switch args[0].ID() {
			case arrow.BOOL:
			case arrow.NULL:
				casts[0] = TypeBoolean
			default:
				return nil, nil, fmt.Errorf("function %s: the condition must be BOOLEAN, not %s", name, TypeName(args[0]))
			}
		}
		common, err := CommonType(args[first:]...)
		if err != nil {
			return nil, nil, fmt.Errorf("function %s: %w", name, err)
		}
		for i := first; i < len(args); i++ {
			if !arrow.TypeEqual(args[i], common) {
				casts[i] = common
			}
		}
		return casts, common, nil
	}
}

func init() {
	// Strings.
	str := func(name string, min, max int, r resolver) {
		register(&ScalarFunction{Name: name, MinArgs: min, MaxArgs: max, Resolve: r})
	}
	str("replace", 2, 3, stringFn(nil, TypeString))
	str("translate", 3, 3, stringFn(nil, TypeString))
	str("lpad", 2, 3, stringFn(nil, TypeInt, TypeString))
	str("rpad", 2, 3, stringFn(nil, TypeInt, TypeString))
	str("left", 2, 2, stringFn(nil, TypeInt))
	str("right", 2, 2, stringFn(nil, TypeInt))
	str("repeat", 2, 2, stringFn(nil, TypeInt))
	str("reverse", 1, 1, stringFn(nil))
	str("initcap", 1, 1, stringFn(nil))
	str("split_part", 3, 3, stringFn(nil, TypeString, TypeInt))
	str("instr", 2, 2, stringFn(TypeInt, TypeString))
	str("position", 2, 3, stringFn(TypeInt, TypeString, TypeInt))
	str("ascii", 1, 1, stringFn(TypeInt))
	str("chr", 1, 1, fixedArgs("chr", TypeString, TypeBigInt))
	for _, n := range []string{"starts_with", "ends_with", "contains", "regexp_like"} {
		str(n, 2, 2, stringFn(TypeBoolean, TypeString))
	}
	str("regexp_replace", 3, 3, stringFn(nil, TypeString))

	// Math.
	for _, n := range []string{"sqrt", "exp", "ln", "log10", "log2", "cbrt", "sin", "cos", "tan",
		"asin", "acos", "atan", "degrees", "radians", "sign"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: toDouble(n), NullOnValues: n == "ln" || n == "log10" || n == "log2"})
	}
	register(&ScalarFunction{Name: "power", MinArgs: 2, MaxArgs: 2, Resolve: toDouble("power")})
	register(&ScalarFunction{Name: "atan2", MinArgs: 2, MaxArgs: 2, Resolve: toDouble("atan2")})
	register(&ScalarFunction{Name: "log", MinArgs: 1, MaxArgs: 2, Resolve: toDouble("log"), NullOnValues: true})
	register(&ScalarFunction{Name: "pi", Resolve: toDouble("pi")})
	register(&ScalarFunction{Name: "e", Resolve: toDouble("e")})
	register(&ScalarFunction{Name: "mod", MinArgs: 2, MaxArgs: 2, Resolve: func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
		l, r, res, err := ArithmeticTypes(OpMod, args[0], args[1])
		if err != nil {
			return nil, nil, fmt.Errorf("function mod: %w", err)
		}
		return []arrow.DataType{l, r}, res, nil
	}})
	register(&ScalarFunction{Name: "greatest", MinArgs: 2, MaxArgs: -1, Resolve: extremum("greatest")})
	register(&ScalarFunction{Name: "least", MinArgs: 2, MaxArgs: -1, Resolve: extremum("least")})

	// Dates and times.
	register(&ScalarFunction{Name: "current_date", Resolve: fixedArgs("current_date", TypeDate, TypeDate)})
	register(&ScalarFunction{Name: "current_timestamp", Resolve: fixedArgs("current_timestamp", TypeTimestamp, TypeTimestamp)})
	for _, n := range []string{"date_add", "date_sub", "add_months"} {
		register(&ScalarFunction{Name: n, MinArgs: 2, MaxArgs: 2, Resolve: fixedArgs(n, TypeDate, TypeDate, TypeInt)})
	}
	register(&ScalarFunction{Name: "datediff", MinArgs: 2, MaxArgs: 2, Resolve: fixedArgs("datediff", TypeInt, TypeDate)})
	register(&ScalarFunction{Name: "last_day", MinArgs: 1, MaxArgs: 1, Resolve: fixedArgs("last_day", TypeDate, TypeDate)})
	register(&ScalarFunction{Name: "make_date", MinArgs: 3, MaxArgs: 3, Resolve: fixedArgs("make_date", TypeDate, TypeInt)})
	register(&ScalarFunction{Name: "date_trunc", MinArgs: 2, MaxArgs: 2, NullOnValues: true,
		Resolve: fixedArgs("date_trunc", TypeTimestamp, TypeString, TypeTimestamp)})
	register(&ScalarFunction{Name: "trunc", MinArgs: 2, MaxArgs: 2, NullOnValues: true,
		Resolve: fixedArgs("trunc", TypeDate, TypeDate, TypeString)})
	register(&ScalarFunction{Name: "to_date", MinArgs: 1, MaxArgs: 2, Resolve: fixedArgs("to_date", TypeDate, TypeString)})
	register(&ScalarFunction{Name: "to_timestamp", MinArgs: 1, MaxArgs: 2, Resolve: fixedArgs("to_timestamp", TypeTimestamp, TypeString)})
	register(&ScalarFunction{Name: "date_format", MinArgs: 2, MaxArgs: 2, Resolve: fixedArgs("date_format", TypeString, TypeTimestamp, TypeString)})
	for _, n := range []string{"dayofweek", "dayofyear", "weekofyear", "quarter"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: datePart(n)})
	}
	for _, n := range []string{"hour", "minute", "second"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: timePart(n)})
	}

	// Conditionals.
	register(&ScalarFunction{Name: "nvl", MinArgs: 2, MaxArgs: 2, Resolve: sameTypeFn("nvl")})
	register(&ScalarFunction{Name: "nvl2", MinArgs: 3, MaxArgs: 3, Resolve: branches("nvl2", 1, false)})
	register(&ScalarFunction{Name: "if", MinArgs: 3, MaxArgs: 3, Resolve: branches("if", 1, true)})
	for _, n := range []string{"isnull", "isnotnull"} {
		register(&ScalarFunction{Name: n, MinArgs: 1, MaxArgs: 1, Resolve: func(args []arrow.DataType) ([]arrow.DataType, arrow.DataType, error) {
			return []arrow.DataType{nil}, TypeBoolean, nil
		}})
	}
}

// CurrentTime is the value of current_date() (a DATE) or
// current_timestamp() (a TIMESTAMP) at now, read in now's time zone:
// Ember's timestamps have no zone, so the wall clock is what Spark would
// show. The binder calls it once per query, so that every row and every
// task sees the same instant.
func CurrentTime(name string, now time.Time) *Literal {
	_, offset := now.Zone()
	us := now.UnixMicro() + int64(offset)*1_000_000
	if name == "current_date" {
		days := us / 86_400_000_000
		if us < 0 && us%86_400_000_000 != 0 {
			days--
		}
		return &Literal{Value: arrow.Date32(days), DataType: TypeDate}
	}
	return &Literal{Value: arrow.Timestamp(us), DataType: TypeTimestamp}
}
