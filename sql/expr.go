package sql

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// exprCtx is what binding an expression depends on: where names resolve,
// and which clause it is in (which decides whether aggregate and window
// functions are allowed).
type exprCtx struct {
	b   *binder
	env *cteEnv
	// scope resolves column names.
	scope *scope
	// subOuter is the scope subqueries see as their enclosing query: the
	// input of the node that will hold the expression (for a select list
	// over an Aggregate, the Aggregate's output). nil means scope.
	subOuter *scope
	// aggs collects aggregate calls; nil where aggregates are not allowed.
	aggs *aggState
	// wins collects window calls; nil where they are not allowed.
	wins       *winState
	windowDefs map[string]*pg.WindowDef
	// aliases are select aliases usable when a name is not an input column
	// (GROUP BY and HAVING, as Spark allows).
	aliases map[string]*pg.Node
	clause  string
	// lazy counts the enclosing branches that may never run (CASE results
	// and later conditions, COALESCE arguments after the first). There a
	// constant CAST that cannot succeed is left to run time, as in Spark:
	// CASE WHEN x > 0 THEN 1 ELSE CAST('a' AS INT) END fails only on a row
	// that reaches the ELSE.
	lazy int
}

// bind binds one expression.
func (ctx *exprCtx) bind(n *pg.Node) (planner.Expr, error) {
	b := ctx.b
	if n == nil || n.Node == nil {
		return nil, b.errAt(-1, "missing expression")
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return ctx.bindColumnRef(x.ColumnRef)
	case *pg.Node_AConst:
		return b.bindConst(x.AConst)
	case *pg.Node_TypeCast:
		return ctx.bindTypeCast(x.TypeCast)
	case *pg.Node_AExpr:
		return ctx.bindAExpr(x.AExpr)
	case *pg.Node_BoolExpr:
		return ctx.bindBoolExpr(x.BoolExpr)
	case *pg.Node_NullTest:
		arg, err := ctx.bind(x.NullTest.Arg)
		if err != nil {
			return nil, err
		}
		return &planner.IsNull{X: arg, Negated: x.NullTest.Nulltesttype == pg.NullTestType_IS_NOT_NULL}, nil
	case *pg.Node_BooleanTest:
		return ctx.bindBooleanTest(x.BooleanTest)
	case *pg.Node_FuncCall:
		return ctx.bindFuncCall(x.FuncCall)
	case *pg.Node_CaseExpr:
		return ctx.bindCase(x.CaseExpr)
	case *pg.Node_CoalesceExpr:
		return ctx.bindFunction("coalesce", x.CoalesceExpr.Args, x.CoalesceExpr.Location)
	case *pg.Node_SubLink:
		return ctx.bindSubLink(x.SubLink)
	case *pg.Node_MinMaxExpr:
		name := "greatest"
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_LEAST {
			name = "least"
		}
		return ctx.bindFunction(name, x.MinMaxExpr.Args, x.MinMaxExpr.Location)
	case *pg.Node_SqlvalueFunction:
		switch x.SqlvalueFunction.Op {
		case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
			return ctx.callFunction("current_date", nil, x.SqlvalueFunction.Location)
		case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP:
			return ctx.callFunction("current_timestamp", nil, x.SqlvalueFunction.Location)
		}
		return nil, b.errAt(x.SqlvalueFunction.Location, "%s is not supported", sqlValueFunctionName(x.SqlvalueFunction.Op))
	case *pg.Node_ParamRef:
		return nil, b.errAt(x.ParamRef.Location, "query parameters ($%d) are not supported", x.ParamRef.Number)
	case *pg.Node_CollateClause:
		return nil, b.errAt(x.CollateClause.Location, "COLLATE is not supported")
	case *pg.Node_RowExpr:
		return nil, b.errAt(x.RowExpr.Location, "row values are not supported")
	case *pg.Node_AArrayExpr:
		return nil, b.errAt(x.AArrayExpr.Location, "arrays are not supported")
	case *pg.Node_AIndirection:
		return nil, b.errAt(exprStart(x.AIndirection.Arg), "subscripts and field selection are not supported")
	case *pg.Node_GroupingFunc:
		return nil, b.errAt(x.GroupingFunc.Location, "GROUPING() is not supported")
	}
	return nil, b.errAt(exprStart(n), "expression not supported: %s", strings.TrimPrefix(statementKind(n), "NODE "))
}

func sqlValueFunctionName(op pg.SQLValueFunctionOp) string {
	name := strings.TrimPrefix(op.String(), "SVFOP_")
	return strings.TrimSuffix(name, "_N")
}

// bindColumnRef resolves a column name: in the current scope, then in the
// enclosing queries' (an OuterColumn), then, in GROUP BY and HAVING, among
// the select aliases.
func (ctx *exprCtx) bindColumnRef(cr *pg.ColumnRef) (planner.Expr, error) {
	b := ctx.b
	parts := make([]string, len(cr.Fields))
	for i, f := range cr.Fields {
		if f.GetAStar() != nil {
			return nil, b.errAt(cr.Location, "* is not allowed here")
		}
		parts[i] = f.GetString_().GetSval()
	}
	var qual, name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		qual, name = parts[0], parts[1]
	case 3:
		// schema.table.column: the schema does not narrow anything here.
		qual, name = parts[1], parts[2]
	default:
		return nil, b.errAt(cr.Location, "improper qualified name %s", strings.Join(parts, "."))
	}
	depth, idx, col, err := ctx.scope.lookup(qual, name)
	if err != nil {
		if qual == "" && ctx.aliases != nil {
			if ast, ok := ctx.aliases[strings.ToLower(name)]; ok && ast != nil {
				// The alias's expression is bound without aliases, so that
				// aliases cannot refer to each other in circles.
				inner := *ctx
				inner.aliases = nil
				return inner.bind(ast)
			}
		}
		return nil, b.errAt(cr.Location, "%s", err.Error())
	}
	if depth == 0 {
		return b.columnRef(idx, col, cr.Location), nil
	}
	return &planner.OuterColumn{Depth: depth, Index: idx, Name: col.name, DataType: col.typ, Null: col.null}, nil
}

// columnRef makes a reference to input column i, remembering where it was
// written.
func (b *binder) columnRef(i int, c column, loc int32) *planner.Column {
	ref := colRef(i, c)
	b.colLoc[ref] = loc
	return ref
}

// bindConst binds a constant: numbers as Spark types them, strings as
// VARCHAR, TRUE/FALSE, NULL.
func (b *binder) bindConst(c *pg.A_Const) (planner.Expr, error) {
	if c.Isnull {
		return &planner.Literal{DataType: planner.TypeNull}, nil
	}
	switch {
	case c.GetIval() != nil:
		return &planner.Literal{Value: c.GetIval().Ival, DataType: planner.TypeInt}, nil
	case c.GetFval() != nil:
		lit, err := numberLiteral(c.GetFval().Fval)
		if err != nil {
			return nil, b.errAt(c.Location, "%v", err)
		}
		return lit, nil
	case c.GetSval() != nil:
		return &planner.Literal{Value: c.GetSval().Sval, DataType: planner.TypeString}, nil
	case c.GetBoolval() != nil:
		return &planner.Literal{Value: c.GetBoolval().Boolval, DataType: planner.TypeBoolean}, nil
	}
	return nil, b.errAt(c.Location, "bit string constants are not supported")
}

// bindTypeCast binds CAST(x AS t) and x::t, including typed literals such as
// DATE '1998-12-01' and INTERVAL '3' MONTH.
func (ctx *exprCtx) bindTypeCast(tc *pg.TypeCast) (planner.Expr, error) {
	b := ctx.b
	loc := tc.Location
	if loc < 0 {
		loc = tc.TypeName.GetLocation()
	}
	to, err := b.text.bindType(tc.TypeName)
	if err != nil {
		return nil, err
	}
	if to.ID() == planner.TypeInterval.ID() {
		c := tc.Arg.GetAConst()
		if c == nil || c.GetSval() == nil {
			return nil, b.errAt(exprStart(tc.Arg), "INTERVAL expects a string constant, as in INTERVAL '3' DAY")
		}
		mask := int32(maskFullRange)
		if len(tc.TypeName.Typmods) > 0 {
			if m := tc.TypeName.Typmods[0].GetAConst().GetIval(); m != nil {
				mask = m.Ival
			}
		}
		iv, err := parseInterval(c.GetSval().Sval, mask)
		if err != nil {
			return nil, b.errAt(c.Location, "%v", err)
		}
		return &planner.Literal{Value: iv, DataType: planner.TypeInterval}, nil
	}
	x, err := ctx.bind(tc.Arg)
	if err != nil {
		return nil, err
	}
	if !canCast(x.Type(), to) {
		return nil, b.errAt(loc, "cannot cast %s to %s", planner.TypeName(x.Type()), planner.TypeName(to))
	}
	out, err := castTo(x, to)
	if err != nil {
		if _, isLit := x.(*planner.Literal); isLit && ctx.lazy > 0 {
			return &planner.Cast{X: x, To: to}, nil
		}
		return nil, b.errAt(exprStart(tc.Arg), "%v", err)
	}
	return out, nil
}

// bindLazy binds n as an expression that runs only when an earlier
// condition or argument says so (see exprCtx.lazy).
func (ctx *exprCtx) bindLazy(n *pg.Node) (planner.Expr, error) {
	ctx.lazy++
	defer func() { ctx.lazy-- }()
	return ctx.bind(n)
}

// bindCase binds both forms of CASE; the simple form (CASE x WHEN v ...)
// becomes the searched one (CASE WHEN x = v ...).
func (ctx *exprCtx) bindCase(c *pg.CaseExpr) (planner.Expr, error) {
	b := ctx.b
	var subject planner.Expr
	if c.Arg != nil {
		var err error
		if subject, err = ctx.bind(c.Arg); err != nil {
			return nil, err
		}
	}
	out := &planner.Case{}
	var results []planner.Expr
	for i, w := range c.Args {
		cw := w.GetCaseWhen()
		bindCond := ctx.bind
		if i > 0 {
			bindCond = ctx.bindLazy
		}
		cond, err := bindCond(cw.Expr)
		if err != nil {
			return nil, err
		}
		if subject != nil {
			if cond, err = ctx.compare(planner.OpEq, subject, cond, cw.Location); err != nil {
				return nil, err
			}
		} else if cond, err = ctx.requireBool(cond, exprStart(cw.Expr), "CASE WHEN condition"); err != nil {
			return nil, err
		}
		res, err := ctx.bindLazy(cw.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, planner.When{Cond: cond})
		results = append(results, res)
	}
	if c.Defresult != nil {
		e, err := ctx.bindLazy(c.Defresult)
		if err != nil {
			return nil, err
		}
		results = append(results, e)
	}
	typ, err := commonTypeOf(results)
	if err != nil {
		return nil, b.errAt(c.Location, "CASE results: %v", err)
	}
	for i := range results {
		if results[i], err = castTo(results[i], typ); err != nil {
			return nil, b.errAt(c.Location, "%v", err)
		}
	}
	for i := range out.Whens {
		out.Whens[i].Result = results[i]
	}
	if c.Defresult != nil {
		out.Else = results[len(results)-1]
	}
	out.DataType = typ
	return out, nil
}
