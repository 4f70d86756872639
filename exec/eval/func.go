package eval

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// compileFunc dispatches a scalar function call (the names of
// planner/functions.go). Every function but coalesce, nullif and rand
// returns NULL when an argument is NULL, so a NULL literal argument folds
// the call to NULL.
func (c *compiler) compileFunc(e *planner.Func) (compiled, error) {
	switch e.Name {
	case "coalesce":
		return c.compileCoalesce(e)
	case "nullif":
		if len(e.Args) != 2 {
			return compiled{}, fmt.Errorf("eval: nullif takes 2 arguments: %s", e)
		}
		return c.compileNullif(e)
	case "rand":
		return c.compileRand(e)
	case "nvl", "nvl2", "if", "isnull", "isnotnull", "mod", "date_add", "date_sub", "datediff":
		x, err := rewriteFunc(e)
		if err != nil {
			return compiled{}, err
		}
		return c.compile(x)
	case "greatest", "least":
		return c.compileExtremum(e)
	case "current_date", "current_timestamp":
		return compileCurrentTime(e), nil
	}
	args, err := c.children(e.Args...)
	if err != nil {
		return compiled{}, err
	}
	for _, a := range args {
		if a.isNullLit() {
			return nullOf(e.DataType), nil
		}
	}
	arity := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			return fmt.Errorf("eval: wrong number of arguments in %s", e)
		}
		return nil
	}
	switch e.Name {
	case "substring":
		if err := arity(2, 3); err != nil {
			return compiled{}, err
		}
		return c.compileSubstring(e, args)
	case "upper", "lower", "trim", "ltrim", "rtrim":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileStrMap(e, args[0])
	case "length":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileLength(e, args[0])
	case "concat":
		if err := arity(1, 1<<20); err != nil {
			return compiled{}, err
		}
		return c.compileConcat(e, args)
	case "abs":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileAbs(e, args[0])
	case "round":
		if err := arity(1, 2); err != nil {
			return compiled{}, err
		}
		return c.compileRound(e, args)
	case "floor", "ceil":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileFloorCeil(e, args[0])
	case "year", "month", "day":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileDatePart(e, args[0])
	case "replace", "translate", "lpad", "rpad", "left", "right", "repeat", "reverse", "initcap",
		"split_part", "chr", "instr", "position", "ascii", "starts_with", "ends_with", "contains",
		"regexp_like", "regexp_replace":
		return c.compileTextCall(e, textSpecs[e.Name], args)
	case "sqrt", "exp", "cbrt", "sin", "cos", "tan", "asin", "acos", "atan", "degrees", "radians",
		"sign", "ln", "log10", "log2", "power", "atan2", "log", "pi", "e":
		return c.compileDoubleFn(e, args)
	case "dayofweek", "dayofyear", "weekofyear", "quarter":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileDayField(e, args[0])
	case "hour", "minute", "second":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileTimeField(e, args[0])
	case "last_day":
		if err := arity(1, 1); err != nil {
			return compiled{}, err
		}
		return c.compileLastDay(e, args[0])
	case "add_months", "make_date":
		return c.compileDateInts(e, args)
	case "date_trunc", "trunc":
		if err := arity(2, 2); err != nil {
			return compiled{}, err
		}
		return c.compileTrunc(e, args)
	case "to_date", "to_timestamp":
		if err := arity(1, 2); err != nil {
			return compiled{}, err
		}
		return c.compileToDateTime(e, args)
	case "date_format":
		if err := arity(2, 2); err != nil {
			return compiled{}, err
		}
		return c.compileDateFormat(e, args)
	}
	return compiled{}, fmt.Errorf("eval: unknown function %s", e.Name)
}

// stringArg casts a function argument to VARCHAR if it is not a string.
func (c *compiler) stringArg(x compiled) (compiled, error) {
	if planner.IsString(x.dt) {
		return x, nil
	}
	return c.castTo(x, planner.TypeString)
}

// intArg casts a function argument to INT.
func (c *compiler) intArg(x compiled) (compiled, error) {
	return c.castTo(x, arrow.PrimitiveTypes.Int32)
}
