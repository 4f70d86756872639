package sql

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// functionAliases maps other spellings to the names of planner's scalar
// functions (btrim is what PostgreSQL's parser makes of TRIM(BOTH ...)).
var functionAliases = map[string]string{
	"btrim":            "trim",
	"substr":           "substring",
	"char_length":      "length",
	"character_length": "length",
	"ceiling":          "ceil",
	"lcase":            "lower",
	"ucase":            "upper",
	"len":              "length",
	"strpos":           "instr",
	"locate":           "position",
	"startswith":       "starts_with",
	"endswith":         "ends_with",
	"rlike":            "regexp_like",
	"regexp":           "regexp_like",
	"pow":              "power",
	"signum":           "sign",
	"ifnull":           "nvl",
	"now":              "current_timestamp",
	"localtimestamp":   "current_timestamp",
	"dayofmonth":       "day",
}

// bindFuncCall binds a function call: an aggregate, a window function (with
// OVER), EXTRACT, or a scalar function of planner's table.
func (ctx *exprCtx) bindFuncCall(fc *pg.FuncCall) (planner.Expr, error) {
	b := ctx.b
	name := strings.ToLower(lastName(fc.Funcname))
	if len(fc.Funcname) > 1 {
		if schema := fc.Funcname[0].GetString_().GetSval(); schema != "pg_catalog" {
			return nil, b.errAt(fc.Location, "function %s.%s not found", schema, name)
		}
	}
	if fc.Over != nil {
		return ctx.bindWindowCall(fc, name)
	}
	if aggregateNames[name] {
		return ctx.bindAggregate(fc, name)
	}
	if fc.AggStar || fc.AggDistinct || fc.AggFilter != nil || len(fc.AggOrder) > 0 || fc.AggWithinGroup {
		return nil, b.errAt(fc.Location, "%s is not an aggregate function", name)
	}
	if fc.FuncVariadic {
		return nil, b.errAt(fc.Location, "VARIADIC is not supported")
	}
	switch name {
	case "extract", "date_part":
		return ctx.bindExtract(fc)
	}
	if alias, ok := functionAliases[name]; ok {
		name = alias
	}
	if name == "position" && fc.Funcformat == pg.CoercionForm_COERCE_SQL_SYNTAX && len(fc.Args) == 2 {
		// POSITION(sub IN s) arrives as position(s, sub); Spark's
		// position takes the substring first.
		return ctx.bindFunction(name, []*pg.Node{fc.Args[1], fc.Args[0]}, fc.Location)
	}
	return ctx.bindFunction(name, fc.Args, fc.Location)
}

// bindExtract binds EXTRACT(field FROM x) as the function year, month or day.
func (ctx *exprCtx) bindExtract(fc *pg.FuncCall) (planner.Expr, error) {
	b := ctx.b
	if len(fc.Args) != 2 || fc.Args[0].GetAConst().GetSval() == nil {
		return nil, b.errAt(fc.Location, "EXTRACT expects a field and a value, as in EXTRACT(YEAR FROM d)")
	}
	field := strings.ToLower(fc.Args[0].GetAConst().GetSval().Sval)
	switch field {
	case "year", "month", "day", "quarter", "hour", "minute":
	case "week":
		field = "weekofyear"
	case "dow", "dayofweek":
		field = "dayofweek"
	case "doy":
		field = "dayofyear"
	default:
		return nil, b.errAt(fc.Location, "EXTRACT(%s ...) is not supported; fields are YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR and MINUTE", strings.ToUpper(field))
	}
	return ctx.bindFunction(field, fc.Args[1:], fc.Location)
}

// bindFunction binds the arguments and calls scalar function name.
func (ctx *exprCtx) bindFunction(name string, argNodes []*pg.Node, loc int32) (planner.Expr, error) {
	b := ctx.b
	if planner.LookupFunction(name) == nil {
		return nil, b.errAt(loc, "function %s not found", name)
	}
	args := make([]planner.Expr, len(argNodes))
	for i, a := range argNodes {
		if a.GetNamedArgExpr() != nil {
			return nil, b.errAt(a.GetNamedArgExpr().Location, "named arguments are not supported for function %s", name)
		}
		bindArg := ctx.bind
		if i > 0 && name == "coalesce" {
			bindArg = ctx.bindLazy
		}
		var err error
		if args[i], err = bindArg(a); err != nil {
			return nil, err
		}
	}
	return ctx.callFunction(name, args, loc)
}

// callFunction checks bound arguments against scalar function name, casts
// them as it asks, and builds the call.
func (ctx *exprCtx) callFunction(name string, args []planner.Expr, loc int32) (planner.Expr, error) {
	b := ctx.b
	fn := planner.LookupFunction(name)
	if fn == nil {
		return nil, b.errAt(loc, "function %s not found", name)
	}
	if len(args) < fn.MinArgs || fn.MaxArgs >= 0 && len(args) > fn.MaxArgs {
		return nil, b.errAt(loc, "function %s takes %s, got %d", name, argCountText(fn.MinArgs, fn.MaxArgs), len(args))
	}
	types := make([]arrow.DataType, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	casts, result, err := fn.Resolve(types)
	if err == nil && (name == "current_date" || name == "current_timestamp") {
		return b.currentTime(name), nil
	}
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), "function this function", "function "+name)
		return nil, b.errAt(loc, "%s", msg)
	}
	out := make([]planner.Expr, len(args))
	for i, a := range args {
		var to arrow.DataType
		if i < len(casts) {
			to = casts[i]
		}
		if out[i], err = castTo(a, to); err != nil {
			return nil, b.errAt(loc, "%v", err)
		}
	}
	if name == "round" {
		if d, ok := result.(*arrow.Decimal128Type); ok {
			digits := int32(0)
			if len(out) == 2 {
				lit, ok := out[1].(*planner.Literal)
				if !ok || lit.Value == nil {
					return nil, b.errAt(loc, "the second argument of round must be an integer constant")
				}
				digits = lit.Value.(int32)
			}
			result = planner.RoundDecimalType(d, digits)
		}
	}
	return &planner.Func{Name: name, Args: out, DataType: result}, nil
}

// bindAggregate binds an aggregate call into ctx.aggs and returns its
// placeholder. Its arguments are bound over the aggregate's input, where
// neither aggregates nor window functions may appear.
func (ctx *exprCtx) bindAggregate(fc *pg.FuncCall, name string) (planner.Expr, error) {
	b := ctx.b
	if ctx.aggs == nil {
		if ctx.clause == "aggregate function arguments" {
			return nil, b.errAt(fc.Location, "aggregate function calls cannot be nested")
		}
		return nil, b.errAt(fc.Location, "aggregate functions are not allowed in %s", ctx.clause)
	}
	if fc.AggFilter != nil {
		return nil, b.errAt(fc.Location, "FILTER (WHERE ...) is not supported")
	}
	if len(fc.AggOrder) > 0 || fc.AggWithinGroup {
		return nil, b.errAt(fc.Location, "ordered aggregates are not supported")
	}
	argCtx := &exprCtx{b: b, env: ctx.env, scope: ctx.scope, clause: "aggregate function arguments"}
	call := &planner.AggregateCall{Distinct: fc.AggDistinct}
	name0 := exprName(&pg.Node{Node: &pg.Node_FuncCall{FuncCall: fc}})
	if fc.AggStar {
		if name != "count" || fc.AggDistinct {
			return nil, b.errAt(fc.Location, "%s(*) is not valid", name)
		}
		call.Func, call.DataType = planner.AggCountStar, planner.TypeBigInt
		return ctx.aggs.add(call, name0), nil
	}
	if len(fc.Args) != 1 {
		return nil, b.errAt(fc.Location, "aggregate function %s takes 1 argument, got %d", name, len(fc.Args))
	}
	arg, err := argCtx.bind(fc.Args[0])
	if err != nil {
		return nil, err
	}
	call.Func = planner.AggFunc(name)
	if call.DataType, arg, err = aggregateType(call.Func, arg); err != nil {
		return nil, b.errAt(fc.Location, "%v", err)
	}
	call.Args = []planner.Expr{arg}
	switch {
	case call.Func == planner.AggCount && !call.Distinct && isConstant(arg) && !arg.Nullable():
		// count(1) counts rows, as count(*) does.
		call.Func, call.Args = planner.AggCountStar, nil
	case call.Func == planner.AggMin || call.Func == planner.AggMax:
		call.Distinct = false // makes no difference
	}
	return ctx.aggs.add(call, name0), nil
}

// aggregateType is the result type of an aggregate over arg, and arg cast
// as the aggregate needs it (a NULL constant takes the result type).
func aggregateType(f planner.AggFunc, arg planner.Expr) (arrow.DataType, planner.Expr, error) {
	t := arg.Type()
	var res arrow.DataType
	var err error
	switch f {
	case planner.AggCount, planner.AggCountStar:
		return planner.TypeBigInt, arg, nil
	case planner.AggSum:
		res, err = planner.SumType(t)
	case planner.AggAvg:
		res, err = planner.AvgType(t)
	case planner.AggMin, planner.AggMax, planner.AggFirst:
		return t, arg, nil
	default:
		return nil, nil, fmt.Errorf("unknown aggregate %s", f)
	}
	if err != nil {
		return nil, nil, err
	}
	if t.ID() == arrow.NULL {
		if arg, err = castTo(arg, res); err != nil {
			return nil, nil, err
		}
	}
	return res, arg, nil
}
