package optimize

import (
	"github.com/ember-sql/ember/planner"
)

// ReorderJoins orders each tree of inner joins (a FROM list with commas, or
// a chain of INNER JOINs) greedily: it starts from the
// largest table (the fact table, which then streams through every join as
// the probe side) and
// adds, one at a time, the input that an equality connects to those already
// joined and whose filters keep the smallest share of its table (the
// smaller input on ties). Only when no input is connected does it accept a
// cross product. A filtered input that hangs off a single other input
// joins that input first (see hangingUnits). The smaller side of each join
// ends up on the right, the side hash joins build on.
//
//	Join: Inner on c_custkey = o_custkey AND l_orderkey = o_orderkey
//	  Join: Inner               (customer × orders: no condition yet)
//	    Scan: customer
//	    Scan: orders
//	  Scan: lineitem
//	→
//	Project (the original column order)
//	  Join: Inner on c_custkey = o_custkey
//	    Join: Inner on l_orderkey = o_orderkey
//	      Scan: lineitem
//	      Scan: orders
//	    Scan: customer
type ReorderJoins struct{}

// Name implements Rule.
func (ReorderJoins) Name() string { return "reorder_joins" }

// Apply implements Rule.
func (ReorderJoins) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	changed := false
	var visit func(n planner.Node) planner.Node
	visit = func(n planner.Node) planner.Node {
		if j, ok := n.(*planner.Join); ok && j.Type == planner.JoinInner {
			var leaves []planner.Node
			var conds []planner.Expr
			flattenInner(j, 0, &leaves, &conds)
			for i, l := range leaves {
				leaves[i] = visit(l)
			}
			if len(leaves) >= 3 || (len(leaves) == 2 && hasCrossJoin(j)) {
				if out, ok := reorder(j.Schema().NumFields(), leaves, conds); ok {
					changed = true
					return out
				}
			}
			return rebuildLeftDeep(j, leaves)
		}
		children := n.Children()
		if len(children) == 0 {
			return n
		}
		out := make([]planner.Node, len(children))
		for i, c := range children {
			out[i] = visit(c)
		}
		return n.WithChildren(out)
	}
	out := visit(plan)
	return out, changed, nil
}

// flattenInner collects the inputs of a tree of inner joins (left to right)
// and their conditions' conjuncts, with columns numbered across all inputs
// in that order (which is the tree's output order).
func flattenInner(n planner.Node, offset int, leaves *[]planner.Node, conds *[]planner.Expr) int {
	j, ok := n.(*planner.Join)
	if !ok || j.Type != planner.JoinInner {
		*leaves = append(*leaves, n)
		return n.Schema().NumFields()
	}
	nl := flattenInner(j.Left, offset, leaves, conds)
	nr := flattenInner(j.Right, offset+nl, leaves, conds)
	for _, c := range planner.SplitConjunction(j.Condition) {
		*conds = append(*conds, planner.ShiftColumns(c, offset))
	}
	return nl + nr
}

// rebuildLeftDeep puts visited leaves back into the original tree shape.
func rebuildLeftDeep(j *planner.Join, leaves []planner.Node) planner.Node {
	i := 0
	var rebuild func(n planner.Node) planner.Node
	rebuild = func(n planner.Node) planner.Node {
		jj, ok := n.(*planner.Join)
		if !ok || jj.Type != planner.JoinInner {
			l := leaves[i]
			i++
			return l
		}
		l := rebuild(jj.Left)
		r := rebuild(jj.Right)
		return planner.NewJoin(l, r, jj.Type, jj.Condition)
	}
	return rebuild(j)
}

func hasCrossJoin(n planner.Node) bool {
	j, ok := n.(*planner.Join)
	if !ok || j.Type != planner.JoinInner {
		return false
	}
	return j.Condition == nil || hasCrossJoin(j.Left) || hasCrossJoin(j.Right)
}

// reorder builds the greedy join order over leaves; conds use the global
// column numbering of flattenInner. It returns a Project restoring the
// original column order.
func reorder(width int, leaves []planner.Node, conds []planner.Expr) (planner.Node, bool) {
	n := len(leaves)
	start := make([]int, n) // first global column of each leaf
	leafOf := make([]int, width)
	off := 0
	for i, l := range leaves {
		start[i] = off
		for c := 0; c < l.Schema().NumFields(); c++ {
			leafOf[off+c] = i
		}
		off += l.Schema().NumFields()
	}
	condLeaves := make([]map[int]bool, len(conds))
	for i, c := range conds {
		condLeaves[i] = map[int]bool{}
		for col := range planner.ColumnsUsed(c) {
			condLeaves[i][leafOf[col]] = true
		}
	}
	est := make([]float64, n)
	for i, l := range leaves {
		est[i] = planner.EstimateRows(l)
	}
	if n > 64 {
		return nil, false
	}
	condSets := make([]joinSet, len(conds))
	for i, cl := range condLeaves {
		for l := range cl {
			condSets[i] |= 1 << l
		}
	}
	// The probe side is the input largest before filtering: in a star or
	// snowflake schema, the fact table. Filter estimates are too crude to
	// rank a filtered fact table against an unfiltered dimension.
	base := make([]float64, n)
	for i, l := range leaves {
		base[i] = planner.BaseRows(l)
	}
	first := 0
	for i := range leaves {
		if base[i] > base[first] || (base[i] == base[first] && est[i] > est[first]) {
			first = i
		}
	}
	units := hangingUnits(n, first, conds, condLeaves, est, base)

	tree := &joinTree{set: 1 << first}
	inSet := joinSet(1) << first
	connected := func(leaf int) bool {
		for i, cs := range condSets {
			if cs&(1<<leaf) == 0 || len(condLeaves[i]) < 2 || !isEquality(conds[i]) {
				continue
			}
			if cs&^(1<<leaf)&^inSet == 0 {
				return true
			}
		}
		return false
	}
	for inSet != joinSet(1)<<n-1 {
		// Among the connected inputs, the most selective first: joining a
		// filtered dimension on its key keeps that fraction of the rows, so
		// the smallest filtered share shrinks the running result most; ties
		// go to the smaller input. An input's unit (the filtered inputs
		// hanging off it) joins with it.
		best := -1
		for i := range leaves {
			if inSet&(1<<i) != 0 || units.owner[i] >= 0 || !connected(i) {
				continue
			}
			if best < 0 || units.share[i] < units.share[best] || (units.share[i] == units.share[best] && est[i] < est[best]) {
				best = i
			}
		}
		if best < 0 {
			for i := range leaves {
				if inSet&(1<<i) == 0 && units.owner[i] < 0 && (best < 0 || est[i] < est[best]) {
					best = i
				}
			}
		}
		if best < 0 {
			// Only units whose owners never join are left: keep the
			// query's own order.
			return nil, false
		}
		sub := units.tree(best)
		tree = &joinTree{set: tree.set | sub.set, left: tree, right: sub}
		inSet = tree.set
	}
	return buildJoinTree(width, leaves, conds, start, condSets, tree), true
}

func isEquality(e planner.Expr) bool {
	b, ok := e.(*planner.Binary)
	return ok && (b.Op == planner.OpEq || b.Op == planner.OpIsNotDistinctFrom)
}
