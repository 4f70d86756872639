package optimize

import (
	"sort"

	"github.com/ember-sql/ember/planner"
)

// PruneColumns makes every node produce only the columns some node above
// reads, so scans read only the columns the query needs (for Parquet, the
// only column chunks decoded) and no operator carries dead columns:
//
//	Project: l_orderkey
//	  Scan: lineitem [l_orderkey, l_partkey, ..., l_comment]
//	→
//	Project: l_orderkey
//	  Scan: lineitem [l_orderkey]
//
// The plan's own output keeps all its columns.
type PruneColumns struct{}

// Name implements Rule.
func (PruneColumns) Name() string { return "prune_columns" }

// Apply implements Rule.
func (PruneColumns) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	all := make(map[int]bool, plan.Schema().NumFields())
	for i := 0; i < plan.Schema().NumFields(); i++ {
		all[i] = true
	}
	out, _ := prune(plan, all)
	return out, planner.Format(out) != planner.Format(plan), nil
}

// prune returns n producing at least the columns in need (indexes into
// n's output), and for each old output column its new index (-1: gone).
func prune(n planner.Node, need map[int]bool) (planner.Node, []int) {
	width := n.Schema().NumFields()
	switch n := n.(type) {
	case *planner.Scan:
		keep := sortedKeys(need)
		s := *n
		s.Projection = make([]int, len(keep))
		mapping := newMapping(width)
		for i, c := range keep {
			s.Projection[i] = n.Projection[c]
			mapping[c] = i
		}
		s.Filters = nil
		for _, f := range n.Filters {
			if allMapped(f, mapping) {
				s.Filters = append(s.Filters, remap(f, mapping))
			}
		}
		out := planner.NewScan(n.TableName, n.Table, s.Projection)
		out.Filters, out.Limit = s.Filters, n.Limit
		return out, mapping
	case *planner.Filter:
		childNeed := union(need, planner.ColumnsUsed(n.Predicate))
		in, m := prune(n.Input, childNeed)
		return &planner.Filter{Input: in, Predicate: remap(n.Predicate, m)}, m
	case *planner.Project:
		keep := sortedKeys(need)
		childNeed := map[int]bool{}
		for _, i := range keep {
			for c := range planner.ColumnsUsed(n.Exprs[i]) {
				childNeed[c] = true
			}
		}
		in, m := prune(n.Input, childNeed)
		exprs := make([]planner.Expr, len(keep))
		names := make([]string, len(keep))
		mapping := newMapping(width)
		for i, k := range keep {
			exprs[i] = remap(n.Exprs[k], m)
			names[i] = n.Names[k]
			mapping[k] = i
		}
		// A projection that passes its input through unchanged goes away.
		if isIdentity(exprs, names, in) {
			return in, mapping
		}
		return planner.NewProject(in, exprs, names), mapping
	case *planner.Aggregate:
		g := len(n.GroupBy)
		childNeed := map[int]bool{}
		for _, e := range n.GroupBy {
			childNeed = union(childNeed, planner.ColumnsUsed(e))
		}
		mapping := newMapping(width)
		for i := 0; i < g; i++ {
			mapping[i] = i
		}
		var aggs []*planner.AggregateCall
		names := append([]string(nil), n.Names[:g]...)
		for i, a := range n.Aggs {
			if !need[g+i] && !(g == 0 && len(aggs) == 0 && i == len(n.Aggs)-1) {
				continue
			}
			for _, arg := range a.Args {
				childNeed = union(childNeed, planner.ColumnsUsed(arg))
			}
			mapping[g+i] = g + len(aggs)
			aggs = append(aggs, a)
			names = append(names, n.Names[g+i])
		}
		in, m := prune(n.Input, childNeed)
		groupBy := make([]planner.Expr, g)
		for i, e := range n.GroupBy {
			groupBy[i] = remap(e, m)
		}
		for i, a := range aggs {
			aggs[i] = remap(a, m).(*planner.AggregateCall)
		}
		return planner.NewAggregate(in, groupBy, aggs, names), mapping
	case *planner.Join:
		nL := n.Left.Schema().NumFields()
		nR := n.Right.Schema().NumFields()
		condCols := planner.ColumnsUsed(n.Condition)
		leftNeed, rightNeed := map[int]bool{}, map[int]bool{}
		for c := range union(need, condCols) {
			switch {
			case c < nL:
				leftNeed[c] = true
			case c < nL+nR && (c < width || condCols[c]):
				rightNeed[c-nL] = true
			}
		}
		outputsRight := n.Type != planner.JoinSemi && n.Type != planner.JoinAnti &&
			n.Type != planner.JoinNullAwareAnti && n.Type != planner.JoinMark
		if !outputsRight {
			// Semi and anti joins emit left columns only (a mark join adds
			// one): only their condition reads the right side.
			rightNeed = map[int]bool{}
			for c := range condCols {
				if c >= nL {
					rightNeed[c-nL] = true
				}
			}
		}
		l, ml := prune(n.Left, leftNeed)
		r, mr := prune(n.Right, rightNeed)
		newL := l.Schema().NumFields()
		combined := make([]int, nL+nR)
		for i := 0; i < nL; i++ {
			combined[i] = ml[i]
		}
		for i := 0; i < nR; i++ {
			combined[nL+i] = -1
			if mr[i] >= 0 {
				combined[nL+i] = newL + mr[i]
			}
		}
		var cond planner.Expr
		if n.Condition != nil {
			cond = remap(n.Condition, combined)
		}
		out := planner.NewJoin(l, r, n.Type, cond)
		mapping := newMapping(width)
		switch {
		case outputsRight:
			copy(mapping, combined)
		case n.Type == planner.JoinMark:
			copy(mapping, ml)
			mapping[nL] = newL
		default:
			copy(mapping, ml)
		}
		return out, mapping
	case *planner.Sort:
		childNeed := need
		for _, k := range n.Keys {
			childNeed = union(childNeed, planner.ColumnsUsed(k.Expr))
		}
		in, m := prune(n.Input, childNeed)
		keys := make([]planner.SortKey, len(n.Keys))
		for i, k := range n.Keys {
			k.Expr = remap(k.Expr, m)
			keys[i] = k
		}
		return &planner.Sort{Input: in, Keys: keys, Fetch: n.Fetch}, m
	case *planner.Limit:
		in, m := prune(n.Input, need)
		return &planner.Limit{Input: in, Offset: n.Offset, Count: n.Count}, m
	case *planner.Union:
		// Every input must keep the same columns, so prune all by need.
		keep := sortedKeys(need)
		inputs := make([]planner.Node, len(n.Inputs))
		for i, in := range n.Inputs {
			inputs[i] = projectColumns(in, keep)
		}
		mapping := newMapping(width)
		for i, k := range keep {
			mapping[k] = i
		}
		return planner.NewUnion(inputs), mapping
	case *planner.Window:
		nIn := n.Input.Schema().NumFields()
		childNeed := map[int]bool{}
		for c := range need {
			if c < nIn {
				childNeed[c] = true
			}
		}
		for _, f := range n.Funcs {
			for _, e := range f.Children() {
				childNeed = union(childNeed, planner.ColumnsUsed(e))
			}
		}
		in, m := prune(n.Input, childNeed)
		funcs := make([]*planner.WindowCall, len(n.Funcs))
		for i, f := range n.Funcs {
			funcs[i] = remap(f, m).(*planner.WindowCall)
		}
		newIn := in.Schema().NumFields()
		mapping := newMapping(width)
		copy(mapping, m)
		for i := range n.Funcs {
			mapping[nIn+i] = newIn + i
		}
		return planner.NewWindow(in, funcs, n.Names), mapping
	}
	// Nodes that keep all their input columns (Values, EnforceSingleRow,
	// Repartition): prune inside them with everything needed.
	children := n.Children()
	if len(children) > 0 {
		out := make([]planner.Node, len(children))
		for i, c := range children {
			allCols := map[int]bool{}
			for j := 0; j < c.Schema().NumFields(); j++ {
				allCols[j] = true
			}
			out[i], _ = prune(c, allCols)
		}
		n = n.WithChildren(out)
	}
	return n, identityMapping(width)
}

// projectColumns prunes in to exactly the columns keep, in that order.
func projectColumns(in planner.Node, keep []int) planner.Node {
	need := map[int]bool{}
	for _, k := range keep {
		need[k] = true
	}
	pruned, m := prune(in, need)
	exprs := make([]planner.Expr, len(keep))
	names := make([]string, len(keep))
	for i, k := range keep {
		exprs[i] = planner.ColumnRef(pruned, m[k])
		names[i] = in.Schema().Field(k).Name
	}
	if isIdentity(exprs, names, pruned) {
		return pruned
	}
	return planner.NewProject(pruned, exprs, names)
}

func isIdentity(exprs []planner.Expr, names []string, in planner.Node) bool {
	if len(exprs) != in.Schema().NumFields() {
		return false
	}
	for i, e := range exprs {
		c, ok := e.(*planner.Column)
		if !ok || c.Index != i || names[i] != in.Schema().Field(i).Name {
			return false
		}
	}
	return true
}

func remap(e planner.Expr, m []int) planner.Expr {
	return planner.RemapColumns(e, func(i int) int { return m[i] })
}

func allMapped(e planner.Expr, m []int) bool {
	for c := range planner.ColumnsUsed(e) {
		if m[c] < 0 {
			return false
		}
	}
	return true
}

func newMapping(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = -1
	}
	return m
}

func identityMapping(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

func union(a, b map[int]bool) map[int]bool {
	out := make(map[int]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
