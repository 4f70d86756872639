package optimize

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// DefaultRules is the optimizer's rule list, in the order they run. Each
// runs once over the whole plan.
func DefaultRules() []Rule {
	return []Rule{
		// Subqueries become joins before anything else looks at the plan.
		Decorrelate{},
		// Projections that only pass columns through go, so every way of
		// writing a query (SQL, DataFrames) looks the same from here on.
		StripColumnProjections{},
		// Constant subexpressions become literals, so pushdown sees simple
		// column-versus-literal predicates that scans can use.
		FoldConstants{},
		// WHERE conjuncts move into join conditions and down to the scans.
		PushDownFilters{},
		// Comma joins get an order with no cross product where an equi-join
		// exists; needs the join conditions pushdown placed.
		ReorderJoins{},
		// Reordering creates new single-side conditions: push again.
		PushDownFilters{},
		// LIMIT over ORDER BY becomes a top-N; limits reach the scans.
		PushDownLimits{},
		// Last: every node keeps only the columns someone above reads.
		PruneColumns{},
	}
}

// Optimize runs rules over plan in order. After each rule it checks that
// the output schema is unchanged (a rule that changes it is a bug, reported
// as an error, never ignored).
func Optimize(ctx *Context, plan planner.Node, rules []Rule) (planner.Node, error) {
	want := plan.Schema()
	for _, r := range rules {
		next, changed, err := r.Apply(ctx, plan)
		if err != nil {
			return nil, err
		}
		if !changed {
			continue
		}
		if got := next.Schema(); !sameTypes(want, got) {
			return nil, fmt.Errorf("optimizer rule %s changed the plan's schema from %s to %s", r.Name(), want, got)
		}
		plan = next
		if ctx.Trace != nil {
			ctx.Trace(r.Name(), plan)
		}
	}
	return plan, nil
}

// sameTypes compares two schemas by column count and types (names and
// nullability may legitimately change, e.g. a join made inner).
func sameTypes(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}

// transformUp rewrites the plan bottom-up: fn sees each node after its
// children were rewritten. changed reports whether any node was replaced.
func transformUp(n planner.Node, fn func(planner.Node) (planner.Node, bool, error)) (planner.Node, bool, error) {
	children := n.Children()
	changedAny := false
	if len(children) > 0 {
		out := make([]planner.Node, len(children))
		for i, c := range children {
			nc, changed, err := transformUp(c, fn)
			if err != nil {
				return nil, false, err
			}
			out[i] = nc
			changedAny = changedAny || changed
		}
		if changedAny {
			n = n.WithChildren(out)
		}
	}
	nn, changed, err := fn(n)
	if err != nil {
		return nil, false, err
	}
	return nn, changedAny || changed, nil
}
