package sql

import (
	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// bindSubLink binds a subquery expression: scalar, EXISTS, IN (and = ANY,
// <> ALL). The subquery sees the enclosing query's columns; references to
// them become OuterColumns. The expression stays in place for the
// decorrelation rule to rewrite.
func (ctx *exprCtx) bindSubLink(sl *pg.SubLink) (planner.Expr, error) {
	b := ctx.b
	sel := sl.Subselect.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(sl.Location, "subquery must be a SELECT")
	}
	outer := ctx.subOuter
	if outer == nil {
		outer = ctx.scope
	}
	switch sl.SubLinkType {
	case pg.SubLinkType_EXISTS_SUBLINK:
		rel, err := b.bindQuery(sel, ctx.env, outer)
		if err != nil {
			return nil, err
		}
		return &planner.Exists{Plan: rel.node}, nil
	case pg.SubLinkType_EXPR_SUBLINK:
		rel, err := b.bindQuery(sel, ctx.env, outer)
		if err != nil {
			return nil, err
		}
		if n := len(rel.cols); n != 1 {
			return nil, b.errAt(sl.Location, "scalar subquery must return exactly one column, got %d", n)
		}
		return &planner.ScalarSubquery{Plan: rel.node}, nil
	case pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
		op := lastName(sl.OperName)
		negated := false
		switch {
		case sl.SubLinkType == pg.SubLinkType_ANY_SUBLINK && (op == "" || op == "="):
		case sl.SubLinkType == pg.SubLinkType_ALL_SUBLINK && (op == "<>" || op == "!="):
			negated = true // x <> ALL (q) is x NOT IN (q)
		default:
			return nil, b.errAt(sl.Location, "only IN, = ANY and <> ALL subqueries are supported")
		}
		if sl.Testexpr.GetRowExpr() != nil {
			return nil, b.errAt(sl.Location, "IN with several columns is not supported")
		}
		x, err := ctx.bind(sl.Testexpr)
		if err != nil {
			return nil, err
		}
		rel, err := b.bindQuery(sel, ctx.env, outer)
		if err != nil {
			return nil, err
		}
		if n := len(rel.cols); n != 1 {
			return nil, b.errAt(sl.Location, "subquery of IN must return exactly one column, got %d", n)
		}
		plan := rel.node
		ct := rel.cols[0].typ
		if !arrow.TypeEqual(x.Type(), ct) {
			common, err := planner.CommonType(x.Type(), ct)
			if err != nil {
				return nil, b.errAt(sl.Location, "cannot compare %s and %s", planner.TypeName(x.Type()), planner.TypeName(ct))
			}
			if x, err = castTo(x, common); err != nil {
				return nil, b.errAt(sl.Location, "%v", err)
			}
			if !arrow.TypeEqual(ct, common) {
				c := rel.cols[0]
				plan = planner.NewProject(plan, []planner.Expr{&planner.Cast{X: colRef(0, c), To: common}}, []string{c.name})
			}
		}
		return &planner.InSubquery{X: x, Plan: plan, Negated: negated}, nil
	}
	return nil, b.errAt(sl.Location, "this kind of subquery is not supported")
}
