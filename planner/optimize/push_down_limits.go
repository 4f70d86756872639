package optimize

import (
	"math"

	"github.com/ember-sql/ember/planner"
)

// PushDownLimits gives a LIMIT to the nodes below it that can stop early:
// a Sort becomes a top-N that keeps only offset+count rows, a scan without
// filters stops reading, and each input of a UNION ALL is limited too. It
// moves limits below projections to get there.
//
//	Limit: offset=0 count=10
//	  Sort: revenue DESC
//	→
//	Limit: offset=0 count=10
//	  Sort: revenue DESC fetch=10
type PushDownLimits struct{}

// Name implements Rule.
func (PushDownLimits) Name() string { return "push_down_limits" }

// Apply implements Rule.
func (PushDownLimits) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	changed := false
	out, _, err := transformUp(plan, func(n planner.Node) (planner.Node, bool, error) {
		l, ok := n.(*planner.Limit)
		if !ok || l.Count < 0 {
			return n, false, nil
		}
		if l.Offset > math.MaxInt64-l.Count {
			return n, false, nil // no finite number of rows to keep
		}
		limited, did := limitInput(l.Input, l.Offset+l.Count)
		if !did {
			return n, false, nil
		}
		changed = true
		return &planner.Limit{Input: limited, Offset: l.Offset, Count: l.Count}, true, nil
	})
	return out, changed, err
}

// limitInput returns n changed so that it produces at most k rows where
// that lets work stop early, and whether it changed anything.
func limitInput(n planner.Node, k int64) (planner.Node, bool) {
	switch n := n.(type) {
	case *planner.Sort:
		if n.Fetch >= 0 && n.Fetch <= k {
			return n, false
		}
		return &planner.Sort{Input: n.Input, Keys: n.Keys, Fetch: k}, true
	case *planner.Project:
		in, did := limitInput(n.Input, k)
		if !did {
			return n, false
		}
		return planner.NewProject(in, n.Exprs, n.Names), true
	case *planner.Scan:
		if len(n.Filters) > 0 || (n.Limit >= 0 && n.Limit <= k) {
			return n, false
		}
		s := *n
		s.Limit = k
		return &s, true
	case *planner.Union:
		inputs := make([]planner.Node, len(n.Inputs))
		any := false
		for i, in := range n.Inputs {
			if l, ok := in.(*planner.Limit); ok && l.Offset == 0 && l.Count >= 0 && l.Count <= k {
				inputs[i] = in
				continue
			}
			inner, _ := limitInput(in, k)
			inputs[i] = &planner.Limit{Input: inner, Offset: 0, Count: k}
			any = true
		}
		if !any {
			return n, false
		}
		return planner.NewUnion(inputs), true
	}
	return n, false
}
