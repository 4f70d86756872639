package optimize

import (
	"github.com/ember-sql/ember/planner"
)

// nodeExprs lists the expressions a plan node holds itself (not those of
// its inputs).
func nodeExprs(n planner.Node) []planner.Expr {
	switch n := n.(type) {
	case *planner.Scan:
		return n.Filters
	case *planner.Values:
		var out []planner.Expr
		for _, row := range n.Rows {
			out = append(out, row...)
		}
		return out
	case *planner.Filter:
		return []planner.Expr{n.Predicate}
	case *planner.Project:
		return n.Exprs
	case *planner.Aggregate:
		out := append([]planner.Expr(nil), n.GroupBy...)
		for _, a := range n.Aggs {
			out = append(out, a)
		}
		return out
	case *planner.Join:
		if n.Condition != nil {
			return []planner.Expr{n.Condition}
		}
	case *planner.Sort:
		out := make([]planner.Expr, len(n.Keys))
		for i, k := range n.Keys {
			out[i] = k.Expr
		}
		return out
	case *planner.Window:
		out := make([]planner.Expr, len(n.Funcs))
		for i, f := range n.Funcs {
			out[i] = f
		}
		return out
	case *planner.Repartition:
		return n.Keys
	}
	return nil
}

// anyNode reports whether pred holds for n or a node below it (not looking
// into subquery expressions' plans).
func anyNode(n planner.Node, pred func(planner.Node) bool) bool {
	if pred(n) {
		return true
	}
	for _, c := range n.Children() {
		if anyNode(c, pred) {
			return true
		}
	}
	return false
}

func nodeHasSubquery(n planner.Node) bool {
	for _, e := range nodeExprs(n) {
		if hasSubquery(e) {
			return true
		}
	}
	return false
}

func nodeHasOuter(n planner.Node) bool { return anyHasOuter(nodeExprs(n)) }

// treeHasSubquery reports whether any node of the plan holds a subquery
// expression.
func treeHasSubquery(n planner.Node) bool { return anyNode(n, nodeHasSubquery) }

// treeHasOuter reports whether any node of the plan refers to an enclosing
// query. It is used on plans whose own subquery expressions are already
// gone, so it need not look into them.
func treeHasOuter(n planner.Node) bool { return anyNode(n, nodeHasOuter) }
