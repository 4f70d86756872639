package optimize

import (
	"github.com/ember-sql/ember/planner"
)

// PushDownFilters moves each conjunct of a filter as close to the data as
// it can go: below projections (substituting the projected expressions),
// aggregates (conjuncts on group keys only), sorts and unions, into the
// inputs of joins when it reads one side only, into the condition of an
// inner join when it reads both (which turns a comma join into an equi
// join), and into scans, where it lets the source skip row groups:
//
//	Filter: o_orderkey = l_orderkey AND o_orderdate < DATE '1995-03-15'
//	  Join: Inner
//	    Scan: orders
//	    Scan: lineitem
//	→
//	Join: Inner on o_orderkey = l_orderkey
//	  Filter: o_orderdate < DATE '1995-03-15'
//	    Scan: orders filters=[o_orderdate < DATE '1995-03-15']
//	  Scan: lineitem
//
// A filter that reaches a scan stays above it too: scan filters are hints.
type PushDownFilters struct{}

// Name implements Rule.
func (PushDownFilters) Name() string { return "push_down_filters" }

// Apply implements Rule.
func (PushDownFilters) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	out := pushDown(plan, nil)
	return out, planner.Format(out) != planner.Format(plan), nil
}

// pushDown returns n with the conjuncts preds (over n's output) applied,
// as deep as possible, and pushes down within n's subtree.
func pushDown(n planner.Node, preds []planner.Expr) planner.Node {
	switch n := n.(type) {
	case *planner.Filter:
		// The lower filter's conjuncts come first: they were written (or
		// applied) first, and keeping that order makes stacked filters and
		// one WHERE give the same plan.
		var own []planner.Expr
		for _, c := range planner.SplitConjunction(n.Predicate) {
			own = append(own, planner.SplitConjunction(factorOr(c))...)
		}
		return pushDown(n.Input, dedupe(append(own, preds...)))
	case *planner.Project:
		var below, above []planner.Expr
		for _, p := range preds {
			if planner.IsVolatile(p) || projectsVolatile(n, p) {
				above = append(above, p)
				continue
			}
			below = append(below, planner.SubstituteColumns(p, n.Exprs))
		}
		return withFilter(planner.NewProject(pushDown(n.Input, below), n.Exprs, n.Names), above)
	case *planner.Aggregate:
		var below, above []planner.Expr
		g := len(n.GroupBy)
		for _, p := range preds {
			if planner.ColumnsWithin(p, 0, g) && !planner.IsVolatile(p) {
				below = append(below, planner.SubstituteColumns(p, n.GroupBy))
			} else {
				above = append(above, p)
			}
		}
		return withFilter(n.WithChildren([]planner.Node{pushDown(n.Input, below)}), above)
	case *planner.Sort:
		if n.Fetch >= 0 {
			return withFilter(n.WithChildren([]planner.Node{pushDown(n.Input, nil)}), preds)
		}
		return n.WithChildren([]planner.Node{pushDown(n.Input, preds)})
	case *planner.Union:
		inputs := make([]planner.Node, len(n.Inputs))
		for i, in := range n.Inputs {
			inputs[i] = pushDown(in, preds)
		}
		return planner.NewUnion(inputs)
	case *planner.Join:
		return pushDownJoin(n, preds)
	case *planner.Scan:
		if len(preds) == 0 {
			return n
		}
		s := *n
		s.Filters = append([]planner.Expr(nil), n.Filters...)
		for _, p := range preds {
			if !planner.IsVolatile(p) && !containsExpr(s.Filters, p) {
				s.Filters = append(s.Filters, p)
			}
		}
		return withFilter(&s, preds)
	}
	// Other nodes keep the filter above and push within their inputs.
	children := n.Children()
	if len(children) > 0 {
		out := make([]planner.Node, len(children))
		for i, c := range children {
			out[i] = pushDown(c, nil)
		}
		n = n.WithChildren(out)
	}
	return withFilter(n, preds)
}

// projectsVolatile reports whether p reads a projected column whose
// expression must not be duplicated.
func projectsVolatile(p *planner.Project, pred planner.Expr) bool {
	for i := range planner.ColumnsUsed(pred) {
		if planner.IsVolatile(p.Exprs[i]) {
			return true
		}
	}
	return false
}

func pushDownJoin(j *planner.Join, preds []planner.Expr) planner.Node {
	if sunk, ok := sinkSemiJoin(j); ok {
		return pushDown(sunk, preds)
	}
	nL := j.Left.Schema().NumFields()
	nR := j.Right.Schema().NumFields()
	var toLeft, toRight, toCond, above []planner.Expr

	// Where the join's output carries left columns only (semi, anti) or left
	// columns plus a mark, conjuncts on the left columns go left.
	switch j.Type {
	case planner.JoinSemi, planner.JoinAnti, planner.JoinNullAwareAnti, planner.JoinMark, planner.JoinSingle:
		for _, p := range preds {
			if planner.ColumnsWithin(p, 0, nL) {
				toLeft = append(toLeft, p)
			} else {
				above = append(above, p)
			}
		}
	default:
		for _, p := range preds {
			onLeft := planner.ColumnsWithin(p, 0, nL)
			onRight := planner.ColumnsWithin(p, nL, nL+nR)
			switch {
			case onLeft && (j.Type == planner.JoinInner || j.Type == planner.JoinLeft):
				toLeft = append(toLeft, p)
			case onRight && !onLeft && (j.Type == planner.JoinInner || j.Type == planner.JoinRight):
				toRight = append(toRight, planner.ShiftColumns(p, -nL))
			case j.Type == planner.JoinInner && !planner.IsVolatile(p):
				toCond = append(toCond, p)
			default:
				above = append(above, p)
			}
		}
	}

	// Conjuncts of the join's own condition that read one side only can
	// filter that side first, where that keeps the join's meaning: both
	// sides of an inner join, the non-preserved side of an outer join, the
	// right side of semi and anti joins.
	var cond []planner.Expr
	for _, c := range planner.SplitConjunction(j.Condition) {
		onLeft := planner.ColumnsWithin(c, 0, nL)
		onRight := planner.ColumnsWithin(c, nL, nL+nR)
		switch {
		case planner.IsVolatile(c) || (onLeft && onRight):
			cond = append(cond, c)
		case onLeft && (j.Type == planner.JoinInner || j.Type == planner.JoinRight || j.Type == planner.JoinSemi):
			toLeft = append(toLeft, c)
		case onRight && (j.Type == planner.JoinInner || j.Type == planner.JoinLeft || j.Type == planner.JoinSemi ||
			j.Type == planner.JoinAnti || j.Type == planner.JoinSingle):
			toRight = append(toRight, planner.ShiftColumns(c, -nL))
		default:
			cond = append(cond, c)
		}
	}
	cond = append(cond, toCond...)
	if j.Type == planner.JoinInner {
		// A disjunction over both sides still implies a filter on each side
		// when every branch constrains it (TPC-H Q7's nation pairs, Q19's
		// part and lineitem brackets): push those down as well.
		for _, c := range cond {
			if l := impliedFor(c, 0, nL); l != nil {
				toLeft = append(toLeft, l)
			}
			if r := impliedFor(c, nL, nL+nR); r != nil {
				toRight = append(toRight, planner.ShiftColumns(r, -nL))
			}
		}
	}
	left := pushDown(j.Left, toLeft)
	right := pushDown(j.Right, toRight)
	return withFilter(planner.NewJoin(left, right, j.Type, planner.Conjoin(cond)), above)
}

// sinkSemiJoin moves a semi or anti join (which only filters its left
// input) below the inner join or column-renaming projection on its left, to
// the input whose columns its condition reads, so that it filters before the
// larger join rather than after (TPC-H Q18: orders IN (5 big orders) before
// joining lineitem, not after):
//
//	Semi on o_orderkey = x              Join: Inner on l_orderkey = o_orderkey
//	  Join: Inner on l_orderkey = o_orderkey   →   Scan: lineitem
//	    Scan: lineitem                               Semi on o_orderkey = x
//	    Scan: orders                                   Scan: orders
//	  (subquery)                                       (subquery)
func sinkSemiJoin(j *planner.Join) (planner.Node, bool) {
	switch j.Type {
	case planner.JoinSemi, planner.JoinAnti, planner.JoinNullAwareAnti:
	default:
		return nil, false
	}
	nL := j.Left.Schema().NumFields()
	// Sinking pays when the semi join then filters fewer rows than it does
	// here; below a join that itself filters hard (TPC-H Q21's one nation)
	// it would probe many more.
	here := planner.EstimateRows(j.Left)
	// Columns of the condition that come from the left input.
	var leftCols []int
	for c := range planner.ColumnsUsed(j.Condition) {
		if c < nL {
			leftCols = append(leftCols, c)
		}
	}
	switch in := j.Left.(type) {
	case *planner.Project:
		// Only a projection of plain columns can be looked through.
		for _, e := range in.Exprs {
			if _, ok := e.(*planner.Column); !ok {
				return nil, false
			}
		}
		nIn := in.Input.Schema().NumFields()
		cond := planner.RemapColumns(j.Condition, func(i int) int {
			if i < nL {
				return in.Exprs[i].(*planner.Column).Index
			}
			return i - nL + nIn
		})
		return planner.NewProject(planner.NewJoin(in.Input, j.Right, j.Type, cond), in.Exprs, in.Names), true
	case *planner.Join:
		if in.Type != planner.JoinInner || len(leftCols) == 0 {
			return nil, false
		}
		a := in.Left.Schema().NumFields()
		b := in.Right.Schema().NumFields()
		allA, allB := true, true
		for _, c := range leftCols {
			allA = allA && c < a
			allB = allB && c >= a
		}
		switch {
		case allA && planner.EstimateRows(in.Left) > here, allB && planner.EstimateRows(in.Right) > here:
			return nil, false
		case allA:
			// Left columns keep their indexes; right ones shift down by b.
			cond := planner.RemapColumns(j.Condition, func(i int) int {
				if i < nL {
					return i
				}
				return i - b
			})
			return planner.NewJoin(planner.NewJoin(in.Left, j.Right, j.Type, cond), in.Right, planner.JoinInner, in.Condition), true
		case allB:
			cond := planner.RemapColumns(j.Condition, func(i int) int {
				if i < nL {
					return i - a
				}
				return i - nL + b
			})
			return planner.NewJoin(in.Left, planner.NewJoin(in.Right, j.Right, j.Type, cond), planner.JoinInner, in.Condition), true
		}
	}
	return nil, false
}

// factorOr pulls the conjuncts that every branch of a disjunction shares
// out in front of it, so that a join key repeated in each branch (TPC-H
// Q19) becomes a join condition of its own:
//
//	(a AND b) OR (a AND c)  →  a AND (b OR c)
func factorOr(e planner.Expr) planner.Expr {
	branches := splitDisjunction(e)
	if len(branches) < 2 {
		return e
	}
	conj := make([][]planner.Expr, len(branches))
	for i, b := range branches {
		conj[i] = planner.SplitConjunction(b)
	}
	var common []planner.Expr
	for _, c := range conj[0] {
		if planner.IsVolatile(c) {
			continue
		}
		inAll := true
		for _, other := range conj[1:] {
			if !containsExpr(other, c) {
				inAll = false
				break
			}
		}
		if inAll && !containsExpr(common, c) {
			common = append(common, c)
		}
	}
	if len(common) == 0 {
		return e
	}
	var rest []planner.Expr
	for _, cs := range conj {
		var left []planner.Expr
		for _, c := range cs {
			if !containsExpr(common, c) {
				left = append(left, c)
			}
		}
		if len(left) == 0 {
			// One branch is just the common part: the OR is implied by it.
			return planner.Conjoin(common)
		}
		rest = append(rest, planner.Conjoin(left))
	}
	or := rest[0]
	for _, r := range rest[1:] {
		or = &planner.Binary{Op: planner.OpOr, Left: or, Right: r, DataType: planner.TypeBoolean}
	}
	return planner.Conjoin(append(common, or))
}

func splitDisjunction(e planner.Expr) []planner.Expr {
	if b, ok := e.(*planner.Binary); ok && b.Op == planner.OpOr {
		return append(splitDisjunction(b.Left), splitDisjunction(b.Right)...)
	}
	return []planner.Expr{e}
}

func withFilter(n planner.Node, preds []planner.Expr) planner.Node {
	preds = dedupe(preds)
	if len(preds) == 0 {
		return n
	}
	return &planner.Filter{Input: n, Predicate: planner.Conjoin(preds)}
}

// dedupe drops conjuncts that repeat an earlier one.
func dedupe(preds []planner.Expr) []planner.Expr {
	var out []planner.Expr
	for _, p := range preds {
		if !containsExpr(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// impliedFor derives, from a disjunction, a predicate over the columns
// [lo, hi) only that every row satisfying it also satisfies: the OR of each
// branch's conjuncts within that range. It returns nil when some branch has
// none (then nothing is implied) or e is not a disjunction.
//
//	(n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND n2 = 'FRANCE')
//	implies  n1 = 'FRANCE' OR n1 = 'GERMANY'
func impliedFor(e planner.Expr, lo, hi int) planner.Expr {
	branches := splitDisjunction(e)
	if len(branches) < 2 || planner.IsVolatile(e) {
		return nil
	}
	var implied planner.Expr
	for _, b := range branches {
		var mine []planner.Expr
		for _, c := range planner.SplitConjunction(b) {
			if planner.ColumnsWithin(c, lo, hi) && len(planner.ColumnsUsed(c)) > 0 {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			return nil
		}
		part := planner.Conjoin(mine)
		if implied == nil {
			implied = part
		} else {
			implied = &planner.Binary{Op: planner.OpOr, Left: implied, Right: part, DataType: planner.TypeBoolean}
		}
	}
	return implied
}

func containsExpr(list []planner.Expr, e planner.Expr) bool {
	s := e.String()
	for _, x := range list {
		if x.String() == s {
			return true
		}
	}
	return false
}
