package sql

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

var comparisonOps = map[string]planner.BinaryOp{
	"=": planner.OpEq, "<>": planner.OpNotEq, "!=": planner.OpNotEq,
	"<": planner.OpLt, "<=": planner.OpLtEq, ">": planner.OpGt, ">=": planner.OpGtEq,
}

var arithmeticOps = map[string]planner.BinaryOp{
	"+": planner.OpAdd, "-": planner.OpSub, "*": planner.OpMul, "/": planner.OpDiv, "%": planner.OpMod,
}

// bindAExpr binds operators: arithmetic, comparisons, ||, IN lists, LIKE,
// BETWEEN, IS [NOT] DISTINCT FROM and NULLIF.
func (ctx *exprCtx) bindAExpr(a *pg.A_Expr) (planner.Expr, error) {
	b := ctx.b
	op := lastName(a.Name)
	switch a.Kind {
	case pg.A_Expr_Kind_AEXPR_OP:
		if a.Lexpr == nil {
			return ctx.bindUnary(op, a)
		}
		l, err := ctx.bind(a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := ctx.bind(a.Rexpr)
		if err != nil {
			return nil, err
		}
		if cmp, ok := comparisonOps[op]; ok {
			return ctx.compare(cmp, l, r, a.Location)
		}
		if ar, ok := arithmeticOps[op]; ok {
			return ctx.arithmetic(ar, l, r, a.Location)
		}
		if op == "||" {
			return ctx.callFunction("concat", []planner.Expr{l, r}, a.Location)
		}
		return nil, b.errAt(a.Location, "operator %s is not supported", op)
	case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		l, r, err := ctx.bindPair(a)
		if err != nil {
			return nil, err
		}
		cmp := planner.OpIsDistinctFrom
		if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_DISTINCT {
			cmp = planner.OpIsNotDistinctFrom
		}
		return ctx.compare(cmp, l, r, a.Location)
	case pg.A_Expr_Kind_AEXPR_NULLIF:
		return ctx.bindFunction("nullif", []*pg.Node{a.Lexpr, a.Rexpr}, a.Location)
	case pg.A_Expr_Kind_AEXPR_IN:
		return ctx.bindInList(a, op == "<>")
	case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE:
		return ctx.bindLike(a, op)
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
		return ctx.bindBetween(a)
	case pg.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return nil, b.errAt(a.Location, "BETWEEN SYMMETRIC is not supported")
	case pg.A_Expr_Kind_AEXPR_SIMILAR:
		return nil, b.errAt(a.Location, "SIMILAR TO is not supported")
	case pg.A_Expr_Kind_AEXPR_OP_ANY, pg.A_Expr_Kind_AEXPR_OP_ALL:
		return nil, b.errAt(a.Location, "ANY/ALL over arrays is not supported")
	}
	return nil, b.errAt(a.Location, "operator %s is not supported", op)
}

func (ctx *exprCtx) bindPair(a *pg.A_Expr) (planner.Expr, planner.Expr, error) {
	l, err := ctx.bind(a.Lexpr)
	if err != nil {
		return nil, nil, err
	}
	r, err := ctx.bind(a.Rexpr)
	if err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

func (ctx *exprCtx) bindUnary(op string, a *pg.A_Expr) (planner.Expr, error) {
	x, err := ctx.bind(a.Rexpr)
	if err != nil {
		return nil, err
	}
	t := x.Type()
	numeric := planner.IsNumeric(t) || t.ID() == arrow.INTERVAL_MONTH_DAY_NANO || t.ID() == arrow.NULL
	switch {
	case op == "+" && numeric:
		return x, nil
	case op == "-" && numeric:
		if t.ID() == arrow.NULL {
			return &planner.Literal{DataType: planner.TypeInt}, nil
		}
		return &planner.Negate{X: x}, nil
	case op == "+" || op == "-":
		return nil, ctx.b.errAt(a.Location, "cannot apply unary %s to %s", op, planner.TypeName(t))
	}
	return nil, ctx.b.errAt(a.Location, "operator %s is not supported", op)
}

// compare builds l op r for a comparison. Operands of different types meet
// in their common type; a constant is converted to the other operand's type
// when that loses nothing, so that a column keeps its own type (and a scan
// can check the constant against its statistics).
func (ctx *exprCtx) compare(op planner.BinaryOp, l, r planner.Expr, loc int32) (planner.Expr, error) {
	b := ctx.b
	lt, rt := l.Type(), r.Type()
	if !arrow.TypeEqual(lt, rt) {
		if planner.IsString(lt) && rt.ID() == arrow.BOOL && !isConstant(l) ||
			planner.IsString(rt) && lt.ID() == arrow.BOOL && !isConstant(r) {
			return nil, b.errAt(loc, "cannot compare %s and %s", planner.TypeName(lt), planner.TypeName(rt))
		}
		done := false
		// Only where the common type is the column's own: a string column
		// compared with a number is compared as numbers (each string cast,
		// as Spark's ANSI mode does), not as strings.
		common, cerr := planner.CommonType(lt, rt)
		if lit, ok := r.(*planner.Literal); ok && !isConstant(l) && cerr == nil && arrow.TypeEqual(common, lt) {
			if out, exact, err := foldCast(lit, lt); err == nil && out != nil && exact {
				r, done = out, true
			}
		} else if lit, ok := l.(*planner.Literal); ok && !isConstant(r) && cerr == nil && arrow.TypeEqual(common, rt) {
			if out, exact, err := foldCast(lit, rt); err == nil && out != nil && exact {
				l, done = out, true
			}
		}
		if !done {
			common, err := planner.CommonType(lt, rt)
			if err != nil {
				return nil, b.errAt(loc, "cannot compare %s and %s", planner.TypeName(lt), planner.TypeName(rt))
			}
			if l, err = castTo(l, common); err != nil {
				return nil, b.errAt(loc, "%v", err)
			}
			if r, err = castTo(r, common); err != nil {
				return nil, b.errAt(loc, "%v", err)
			}
		}
	}
	if l.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO && op != planner.OpEq && op != planner.OpNotEq &&
		op != planner.OpIsDistinctFrom && op != planner.OpIsNotDistinctFrom {
		return nil, b.errAt(loc, "intervals can only be compared for equality")
	}
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: planner.TypeBoolean}, nil
}

// arithmetic builds l op r with Spark's result type, casting the operands
// as planner.ArithmeticTypes says.
func (ctx *exprCtx) arithmetic(op planner.BinaryOp, l, r planner.Expr, loc int32) (planner.Expr, error) {
	l, r = minimalDecimalLiteral(l, r), minimalDecimalLiteral(r, l)
	lc, rc, res, err := planner.ArithmeticTypes(op, l.Type(), r.Type())
	if err != nil {
		return nil, ctx.b.errAt(loc, "%v", err)
	}
	if l, err = castTo(l, lc); err != nil {
		return nil, ctx.b.errAt(loc, "%v", err)
	}
	if r, err = castTo(r, rc); err != nil {
		return nil, ctx.b.errAt(loc, "%v", err)
	}
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: res}, nil
}

// minimalDecimalLiteral gives an integer constant met with a decimal the
// smallest decimal type that holds it, as Spark does, rather than the
// decimal of its integer type: 2 is DECIMAL(1,0), not DECIMAL(10,0), which
// keeps the result's precision and scale as Spark computes them.
func minimalDecimalLiteral(e, other planner.Expr) planner.Expr {
	lit, ok := e.(*planner.Literal)
	if !ok || lit.Value == nil || !planner.IsInteger(lit.DataType) || other.Type().ID() != arrow.DECIMAL128 {
		return e
	}
	n := toInt64(lit.Value)
	digits := int32(len(strconv.FormatInt(n, 10)))
	if n < 0 {
		digits--
	}
	out, _, err := foldCast(lit, planner.Decimal(digits, 0))
	if err != nil || out == nil {
		return e
	}
	return out
}

// requireBool checks that e is a condition; a NULL constant becomes a
// BOOLEAN NULL.
func (ctx *exprCtx) requireBool(e planner.Expr, loc int32, what string) (planner.Expr, error) {
	switch e.Type().ID() {
	case arrow.BOOL:
		return e, nil
	case arrow.NULL:
		return castTo(e, planner.TypeBoolean)
	}
	return nil, ctx.b.errAt(loc, "%s must be BOOLEAN, got %s", what, planner.TypeName(e.Type()))
}

func (ctx *exprCtx) bindBoolExpr(be *pg.BoolExpr) (planner.Expr, error) {
	var what string
	var op planner.BinaryOp
	switch be.Boolop {
	case pg.BoolExprType_NOT_EXPR:
		x, err := ctx.bind(be.Args[0])
		if err != nil {
			return nil, err
		}
		if x, err = ctx.requireBool(x, exprStart(be.Args[0]), "argument of NOT"); err != nil {
			return nil, err
		}
		return &planner.Not{X: x}, nil
	case pg.BoolExprType_AND_EXPR:
		what, op = "argument of AND", planner.OpAnd
	default:
		what, op = "argument of OR", planner.OpOr
	}
	var out planner.Expr
	for _, a := range be.Args {
		x, err := ctx.bind(a)
		if err != nil {
			return nil, err
		}
		if x, err = ctx.requireBool(x, exprStart(a), what); err != nil {
			return nil, err
		}
		if out == nil {
			out = x
		} else {
			out = &planner.Binary{Op: op, Left: out, Right: x, DataType: planner.TypeBoolean}
		}
	}
	return out, nil
}

// bindBooleanTest binds x IS [NOT] TRUE|FALSE|UNKNOWN as a NULL-safe
// comparison with the constant.
func (ctx *exprCtx) bindBooleanTest(bt *pg.BooleanTest) (planner.Expr, error) {
	x, err := ctx.bind(bt.Arg)
	if err != nil {
		return nil, err
	}
	if x, err = ctx.requireBool(x, exprStart(bt.Arg), "argument of IS TRUE/FALSE"); err != nil {
		return nil, err
	}
	var val bool
	op := planner.OpIsNotDistinctFrom
	switch bt.Booltesttype {
	case pg.BoolTestType_IS_TRUE:
		val = true
	case pg.BoolTestType_IS_NOT_TRUE:
		val, op = true, planner.OpIsDistinctFrom
	case pg.BoolTestType_IS_FALSE:
	case pg.BoolTestType_IS_NOT_FALSE:
		op = planner.OpIsDistinctFrom
	case pg.BoolTestType_IS_UNKNOWN:
		return &planner.IsNull{X: x}, nil
	default:
		return &planner.IsNull{X: x, Negated: true}, nil
	}
	return &planner.Binary{Op: op, Left: x, Right: &planner.Literal{Value: val, DataType: planner.TypeBoolean}, DataType: planner.TypeBoolean}, nil
}

// bindInList binds x [NOT] IN (a, b, ...). When every item is a constant
// that converts exactly to x's type, the items take that type; otherwise
// everything meets in the common type.
func (ctx *exprCtx) bindInList(a *pg.A_Expr, negated bool) (planner.Expr, error) {
	b := ctx.b
	x, err := ctx.bind(a.Lexpr)
	if err != nil {
		return nil, err
	}
	listNode := a.Rexpr.GetList()
	if listNode == nil {
		return nil, b.errAt(a.Location, "IN expects a list or a subquery")
	}
	items := make([]planner.Expr, len(listNode.Items))
	for i, n := range listNode.Items {
		if items[i], err = ctx.bind(n); err != nil {
			return nil, err
		}
	}
	exact := !isConstant(x)
	conv := make([]planner.Expr, len(items))
	for i, it := range items {
		lit, ok := it.(*planner.Literal)
		if !exact || !ok {
			exact = false
			break
		}
		out, ok2, err := foldCast(lit, x.Type())
		if err != nil || out == nil || !ok2 {
			exact = false
			break
		}
		conv[i] = out
	}
	if exact {
		return &planner.InList{X: x, List: conv, Negated: negated}, nil
	}
	common, err := commonTypeOf(append([]planner.Expr{x}, items...))
	if err != nil {
		return nil, b.errAt(a.Location, "IN list: %v", err)
	}
	if x, err = castTo(x, common); err != nil {
		return nil, b.errAt(a.Location, "%v", err)
	}
	for i := range items {
		if items[i], err = castTo(items[i], common); err != nil {
			return nil, b.errAt(exprStart(listNode.Items[i]), "%v", err)
		}
	}
	return &planner.InList{X: x, List: items, Negated: negated}, nil
}

func (ctx *exprCtx) bindLike(a *pg.A_Expr, op string) (planner.Expr, error) {
	b := ctx.b
	if f := a.Rexpr.GetFuncCall(); f != nil && lastName(f.Funcname) == "like_escape" {
		return nil, b.errAt(a.Location, "LIKE ... ESCAPE is not supported")
	}
	x, p, err := ctx.bindPair(a)
	if err != nil {
		return nil, err
	}
	for i, e := range []*planner.Expr{&x, &p} {
		t := (*e).Type()
		switch {
		case planner.IsString(t):
		case t.ID() == arrow.NULL:
			*e = &planner.Literal{DataType: planner.TypeString}
		default:
			loc := exprStart(a.Lexpr)
			if i == 1 {
				loc = exprStart(a.Rexpr)
			}
			return nil, b.errAt(loc, "LIKE expects VARCHAR operands, got %s", planner.TypeName(t))
		}
	}
	return &planner.Like{
		X: x, Pattern: p,
		Negated:         op == "!~~" || op == "!~~*",
		CaseInsensitive: a.Kind == pg.A_Expr_Kind_AEXPR_ILIKE,
	}, nil
}

// bindBetween binds x BETWEEN lo AND hi as x >= lo AND x <= hi.
func (ctx *exprCtx) bindBetween(a *pg.A_Expr) (planner.Expr, error) {
	b := ctx.b
	bounds := a.Rexpr.GetList()
	if bounds == nil || len(bounds.Items) != 2 {
		return nil, b.errAt(a.Location, "BETWEEN expects two bounds")
	}
	x, err := ctx.bind(a.Lexpr)
	if err != nil {
		return nil, err
	}
	lo, err := ctx.bind(bounds.Items[0])
	if err != nil {
		return nil, err
	}
	hi, err := ctx.bind(bounds.Items[1])
	if err != nil {
		return nil, err
	}
	ge, err := ctx.compare(planner.OpGtEq, x, lo, a.Location)
	if err != nil {
		return nil, err
	}
	le, err := ctx.compare(planner.OpLtEq, x, hi, a.Location)
	if err != nil {
		return nil, err
	}
	var out planner.Expr = &planner.Binary{Op: planner.OpAnd, Left: ge, Right: le, DataType: planner.TypeBoolean}
	if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
		out = &planner.Not{X: out}
	}
	return out, nil
}

// castTo converts e to type to: nothing when it has that type already, the
// converted constant for a literal when that can be done now, else a Cast.
func castTo(e planner.Expr, to arrow.DataType) (planner.Expr, error) {
	if to == nil || arrow.TypeEqual(e.Type(), to) {
		return e, nil
	}
	if lit, ok := e.(*planner.Literal); ok {
		out, _, err := foldCast(lit, to)
		if err != nil {
			return nil, err
		}
		if out != nil {
			return out, nil
		}
	}
	return &planner.Cast{X: e, To: to}, nil
}

// foldCastLit converts a literal now, failing when it cannot be.
func foldCastLit(l *planner.Literal, to arrow.DataType) (*planner.Literal, error) {
	out, _, err := foldCast(l, to)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("cannot convert %s to %s", planner.FormatLiteral(l), planner.TypeName(to))
	}
	return out, nil
}

// commonTypeOf is the common type of the expressions' types.
func commonTypeOf(es []planner.Expr) (arrow.DataType, error) {
	types := make([]arrow.DataType, len(es))
	for i, e := range es {
		types[i] = e.Type()
	}
	return planner.CommonType(types...)
}

// canCast reports whether CAST may convert from to to, as Spark allows.
func canCast(from, to arrow.DataType) bool {
	f, t := from.ID(), to.ID()
	switch {
	case arrow.TypeEqual(from, to), f == arrow.NULL, planner.IsString(to):
		return true
	case planner.IsString(from):
		return t != arrow.NULL
	case planner.IsNumeric(from) || f == arrow.BOOL:
		return planner.IsNumeric(to) || t == arrow.BOOL
	case f == arrow.DATE32 || f == arrow.TIMESTAMP:
		return t == arrow.DATE32 || t == arrow.TIMESTAMP
	}
	return false
}

// isConstant reports whether e has no column reference or subquery, so
// its value is known before any row is read.
func isConstant(e planner.Expr) bool {
	switch e.(type) {
	case *planner.Column, *planner.OuterColumn, *planner.ScalarSubquery, *planner.Exists, *planner.InSubquery,
		*aggRef, *winRef:
		return false
	case *planner.Func:
		if e.(*planner.Func).Name == "rand" {
			return false
		}
	}
	for _, c := range e.Children() {
		if !isConstant(c) {
			return false
		}
	}
	return true
}
