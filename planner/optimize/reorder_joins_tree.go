package optimize

import (
	"math/bits"

	"github.com/ember-sql/ember/planner"
)

// joinSet is a set of join inputs, as a bit mask.
type joinSet uint64

// joinTree is a join order: a leaf (an input) or a join of two trees.
type joinTree struct {
	set         joinSet
	left, right *joinTree // nil for a leaf
}

// hanging records the inputs that join their one neighbour before that
// neighbour meets the rest (see hangingUnits).
type hanging struct {
	// owner[i] is the input i hangs off, or -1.
	owner []int
	// children[i] are the inputs hanging off i.
	children [][]int
	// share[i] is the estimated share of its table that i keeps once its
	// unit (i and what hangs off it) is joined.
	share []float64
}

// hangingUnits finds the filtered inputs that hang off a single other input:
// in Q3, customer (filtered on its segment) joins only orders, which joins
// lineitem. Joining such an input to its neighbour first (orders ⋈
// customer) shrinks the neighbour before the fact table sees it, which a
// left-deep order from the fact table cannot do; it also makes the
// neighbour's side small enough to broadcast. An input hangs off its
// neighbour when that neighbour is its only link (counting equalities
// between two inputs, and not counting what hangs off it), it is not the
// fact table, and its unit keeps less than all of its table. Units nest:
// region hangs off nation, which may then hang off supplier. The fact table
// never hangs. Inputs on a cycle of joins never hang, so a join between two
// dimensions that share only a non-key column (c_nationkey = s_nationkey)
// is never planned on its own.
func hangingUnits(n, fact int, conds []planner.Expr, condLeaves []map[int]bool, est, base []float64) hanging {
	nb := make([]map[int]bool, n)
	for i := range nb {
		nb[i] = map[int]bool{}
	}
	for i, cl := range condLeaves {
		if len(cl) != 2 || !isEquality(conds[i]) {
			continue
		}
		var pair []int
		for l := range cl {
			pair = append(pair, l)
		}
		nb[pair[0]][pair[1]] = true
		nb[pair[1]][pair[0]] = true
	}
	h := hanging{owner: make([]int, n), children: make([][]int, n), share: make([]float64, n)}
	for i := range h.owner {
		h.owner[i] = -1
		h.share[i] = est[i] / max(base[i], 1)
	}
	for changed := true; changed; {
		changed = false
		for p := 0; p < n; p++ {
			if p == fact || h.owner[p] >= 0 || h.share[p] >= 1 {
				continue
			}
			only := -1
			links := 0
			for q := range nb[p] {
				if h.owner[q] == p {
					continue
				}
				links++
				only = q
			}
			// Inputs that join the fact table directly keep joining it
			// in the greedy order.
			if links != 1 || only == fact || h.ownedBy(only, p) {
				continue
			}
			h.owner[p] = only
			h.children[only] = append(h.children[only], p)
			h.share[only] *= h.share[p]
			changed = true
		}
	}
	return h
}

// ownedBy reports whether q hangs, directly or through others, off p.
func (h hanging) ownedBy(q, p int) bool {
	for o := h.owner[q]; o >= 0; o = h.owner[o] {
		if o == p {
			return true
		}
	}
	return false
}

// tree is the join tree of i's unit: i, then each unit hanging off it.
func (h hanging) tree(i int) *joinTree {
	t := &joinTree{set: 1 << i}
	for _, c := range h.children[i] {
		sub := h.tree(c)
		t = &joinTree{set: t.set | sub.set, left: t, right: sub}
	}
	return t
}

// buildJoinTree builds the joins of tree over leaves. Each condition goes to
// the lowest join that has all the inputs it reads; conditions left over
// (none normally) filter the result. conds use the global column numbering
// of flattenInner (start[i] is leaf i's first column); the result is
// projected back to that order.
func buildJoinTree(width int, leaves []planner.Node, conds []planner.Expr, start []int, condSets []joinSet, tree *joinTree) planner.Node {
	used := make([]bool, len(conds))
	var build func(t *joinTree) (planner.Node, []int)
	build = func(t *joinTree) (planner.Node, []int) {
		if t.left == nil {
			i := bits.TrailingZeros64(uint64(t.set))
			layout := make([]int, leaves[i].Schema().NumFields())
			for c := range layout {
				layout[c] = start[i] + c
			}
			return leaves[i], layout
		}
		l, ll := build(t.left)
		r, rl := build(t.right)
		layout := append(append([]int(nil), ll...), rl...)
		var here []planner.Expr
		for i, cs := range condSets {
			if used[i] || cs&t.set != cs || cs&t.left.set == cs || cs&t.right.set == cs {
				continue
			}
			used[i] = true
			here = append(here, planner.RemapColumns(conds[i], positionIn(layout)))
		}
		return planner.NewJoin(l, r, planner.JoinInner, planner.Conjoin(here)), layout
	}
	cur, layout := build(tree)
	at := positionIn(layout)
	var rest []planner.Expr
	for i, c := range conds {
		if !used[i] {
			rest = append(rest, planner.RemapColumns(c, at))
		}
	}
	if len(rest) > 0 {
		cur = &planner.Filter{Input: cur, Predicate: planner.Conjoin(rest)}
	}
	exprs := make([]planner.Expr, width)
	names := make([]string, width)
	for g := 0; g < width; g++ {
		exprs[g] = planner.ColumnRef(cur, at(g))
		names[g] = cur.Schema().Field(at(g)).Name
	}
	return planner.NewProject(cur, exprs, names)
}

// positionIn maps a global column number to its position in layout.
func positionIn(layout []int) func(int) int {
	pos := make(map[int]int, len(layout))
	for i, g := range layout {
		pos[g] = i
	}
	return func(g int) int { return pos[g] }
}
