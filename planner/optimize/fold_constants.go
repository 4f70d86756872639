package optimize

import (
	"github.com/ember-sql/ember/planner"
)

// FoldConstants replaces every subexpression that reads no column with its
// value, and simplifies boolean logic with constant operands:
//
//	Filter: l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
//	→ Filter: l_shipdate <= DATE '1998-09-02'
//
// An expression whose evaluation fails (1/0) is left alone: it may sit in
// a branch that never runs, and if it does run, it fails then.
type FoldConstants struct{}

// Name implements Rule.
func (FoldConstants) Name() string { return "fold_constants" }

// Apply implements Rule.
func (FoldConstants) Apply(ctx *Context, plan planner.Node) (planner.Node, bool, error) {
	if ctx.Fold == nil {
		return plan, false, nil
	}
	return transformUp(plan, func(n planner.Node) (planner.Node, bool, error) {
		changed := false
		out := planner.MapNodeExprs(n, func(e planner.Expr) planner.Expr {
			ne := foldExpr(ctx, e)
			if ne != e {
				changed = true
			}
			return ne
		})
		if f, ok := out.(*planner.Filter); ok {
			if lit, ok := f.Predicate.(*planner.Literal); ok {
				if b, ok := lit.Value.(bool); ok && b {
					return f.Input, true, nil
				}
			}
		}
		return out, changed, nil
	})
}

// foldable reports whether e reads no column and may be evaluated once.
func foldable(e planner.Expr) bool {
	ok := true
	planner.WalkExpr(e, func(x planner.Expr) bool {
		switch x := x.(type) {
		case *planner.Column, *planner.OuterColumn, *planner.AggregateCall, *planner.WindowCall,
			*planner.ScalarSubquery, *planner.Exists, *planner.InSubquery:
			ok = false
		case *planner.Func:
			if x.Name == "rand" {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func foldExpr(ctx *Context, e planner.Expr) planner.Expr {
	if _, isLit := e.(*planner.Literal); isLit {
		return e
	}
	if foldable(e) {
		if lit, err := ctx.Fold(e); err == nil {
			return lit
		}
		return e
	}
	children := e.Children()
	if len(children) == 0 {
		return e
	}
	out := make([]planner.Expr, len(children))
	changed := false
	for i, c := range children {
		out[i] = foldExpr(ctx, c)
		changed = changed || out[i] != c
	}
	if changed {
		e = e.WithChildren(out)
	}
	return simplifyBoolean(e)
}

// simplifyBoolean applies x AND TRUE = x, x OR FALSE = x, x AND FALSE =
// FALSE and x OR TRUE = TRUE when x is not NULL-sensitive in a way that
// matters (FALSE AND NULL is FALSE, TRUE OR NULL is TRUE, so these hold).
func simplifyBoolean(e planner.Expr) planner.Expr {
	b, ok := e.(*planner.Binary)
	if !ok || !b.Op.IsLogical() {
		return e
	}
	for _, pair := range [][2]planner.Expr{{b.Left, b.Right}, {b.Right, b.Left}} {
		lit, ok := pair[0].(*planner.Literal)
		if !ok {
			continue
		}
		v, ok := lit.Value.(bool)
		if !ok {
			continue
		}
		switch {
		case b.Op == planner.OpAnd && v, b.Op == planner.OpOr && !v:
			return pair[1]
		case b.Op == planner.OpAnd && !v, b.Op == planner.OpOr && v:
			return lit
		}
	}
	return e
}
