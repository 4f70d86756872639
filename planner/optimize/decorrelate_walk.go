package optimize

import (
	"github.com/ember-sql/ember/planner"
)

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
	for _, e := range planner.NodeExprs(n) {
		if planner.HasSubquery(e) {
			return true
		}
	}
	return false
}

func nodeHasOuter(n planner.Node) bool { return anyHasOuter(planner.NodeExprs(n)) }

// treeHasSubquery reports whether any node of the plan holds a subquery
// expression.
func treeHasSubquery(n planner.Node) bool { return anyNode(n, nodeHasSubquery) }

// treeHasOuter reports whether any node of the plan refers to an enclosing
// query. It is used on plans whose own subquery expressions are already
// gone, so it need not look into them.
func treeHasOuter(n planner.Node) bool { return anyNode(n, nodeHasOuter) }
