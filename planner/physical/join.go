package physical

import (
	"github.com/ember-sql/ember/planner"
)

// equiKey is one pair of join keys found in a join condition.
type equiKey struct {
	left, right planner.Expr // right is over the right input's own schema
	nullSafe    bool
	cond        planner.Expr // the conjunct the key came from
}

// splitJoinCondition separates the equalities between a left-only and a
// right-only expression (the hash keys) from the rest of the condition (the
// residual filter, still over left ++ right).
func splitJoinCondition(cond planner.Expr, nLeft, nRight int) ([]equiKey, planner.Expr) {
	var keys []equiKey
	var rest []planner.Expr
	for _, c := range planner.SplitConjunction(cond) {
		b, ok := c.(*planner.Binary)
		if ok && (b.Op == planner.OpEq || b.Op == planner.OpIsNotDistinctFrom) && !planner.IsVolatile(b) {
			l, r := b.Left, b.Right
			lInLeft, lInRight := sideOf(l, nLeft, nRight)
			rInLeft, rInRight := sideOf(r, nLeft, nRight)
			if lInRight && rInLeft && !(lInLeft && rInRight) {
				l, r = r, l
				lInLeft, rInRight = true, true
			}
			if lInLeft && rInRight && !planner.ColumnsWithin(l, nLeft, nLeft+nRight) && !planner.ColumnsWithin(r, 0, nLeft) {
				keys = append(keys, equiKey{left: l, right: planner.ShiftColumns(r, -nLeft), nullSafe: b.Op == planner.OpIsNotDistinctFrom, cond: c})
				continue
			}
		}
		rest = append(rest, c)
	}
	return keys, planner.Conjoin(rest)
}

// sideOf reports whether e's columns all lie on the left, or all on the
// right, of a join with nLeft left columns.
func sideOf(e planner.Expr, nLeft, nRight int) (onLeft, onRight bool) {
	return planner.ColumnsWithin(e, 0, nLeft), planner.ColumnsWithin(e, nLeft, nLeft+nRight)
}

// inSelectionKeys fixes the keys of a Mark or NullAwareAnti join made from
// IN: the first conjunct of its condition is the IN comparison, whose NULLs
// make the result unknown; the others are the subquery's correlated
// predicates, which only select the subquery's rows. A hash join treats a
// NULL in any plain key as IN's NULL, so an equality among the others
// becomes a null-safe key (rows still meet by equal keys) that the residual
// filter repeats as a plain equality (a NULL there selects no row):
//
//	x NOT IN (SELECT b FROM t WHERE t.k = o.k)
//	  keys: x = b, o.k <=> t.k; filter: o.k = t.k
//
// Without this, a NULL t.k anywhere in t made every row's NOT IN unknown.
//
// An IN comparison whose value is a constant (7 NOT IN (SELECT ...)) is not
// an equality between the two sides, but must be a key all the same: only
// keys carry IN's NULL rules.
func inSelectionKeys(cond planner.Expr, keys []equiKey, residual planner.Expr, nLeft, nRight int) ([]equiKey, planner.Expr) {
	conjuncts := planner.SplitConjunction(cond)
	if len(conjuncts) == 0 {
		return keys, residual
	}
	var rest []planner.Expr
	inKey := false
	for _, k := range keys {
		inKey = inKey || k.cond == conjuncts[0]
	}
	for _, c := range planner.SplitConjunction(residual) {
		if !inKey && c == conjuncts[0] {
			if k, ok := constantInKey(c, nLeft, nRight); ok {
				keys = append([]equiKey{k}, keys...)
				continue
			}
		}
		rest = append(rest, c)
	}
	if len(conjuncts) < 2 {
		return keys, planner.Conjoin(rest)
	}
	for i, k := range keys {
		if k.cond != conjuncts[0] && !k.nullSafe {
			keys[i].nullSafe = true
			rest = append(rest, k.cond)
		}
	}
	return keys, planner.Conjoin(rest)
}

// constantInKey makes IN's comparison x = y a key when one side reads no
// column (a constant) and neither reads the other side's columns.
func constantInKey(c planner.Expr, nLeft, nRight int) (equiKey, bool) {
	b, ok := c.(*planner.Binary)
	if !ok || b.Op != planner.OpEq || planner.IsVolatile(b) {
		return equiKey{}, false
	}
	l, r := b.Left, b.Right
	if !planner.ColumnsWithin(l, 0, nLeft) || !planner.ColumnsWithin(r, nLeft, nLeft+nRight) {
		l, r = r, l
	}
	if !planner.ColumnsWithin(l, 0, nLeft) || !planner.ColumnsWithin(r, nLeft, nLeft+nRight) {
		return equiKey{}, false
	}
	return equiKey{left: l, right: planner.ShiftColumns(r, -nLeft), cond: c}, true
}

func (p *Planner) join(n *planner.Join) (Node, error) {
	nL, nR := n.Left.Schema().NumFields(), n.Right.Schema().NumFields()
	keys, residual := splitJoinCondition(n.Condition, nL, nR)
	if n.Type == planner.JoinNullAwareAnti || n.Type == planner.JoinMark {
		keys, residual = inSelectionKeys(n.Condition, keys, residual, nL, nR)
	}

	// A right join is a left join with the inputs swapped, and an inner
	// join builds on its smaller side: swap, then restore the column order.
	swap := n.Type == planner.JoinRight
	if n.Type == planner.JoinInner && len(keys) > 0 && planner.EstimateRows(n.Left) < planner.EstimateRows(n.Right) {
		swap = true
	}
	if swap {
		return p.swappedJoin(n)
	}

	// A semi or anti join whose right side is much larger than its left
	// builds on the left instead and keeps the left rows some right row
	// matched (or none did): TPC-H Q21's EXISTS over lineitem for a few
	// thousand rows.
	if (n.Type == planner.JoinSemi || n.Type == planner.JoinAnti) && len(keys) > 0 &&
		planner.EstimateRows(n.Right) > 2*planner.EstimateRows(n.Left) {
		return p.buildOnLeft(n, keys, residual)
	}

	left, err := p.plan(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := p.plan(n.Right)
	if err != nil {
		return nil, err
	}
	out := n.Schema()
	if len(keys) == 0 {
		dist := JoinBroadcast
		switch n.Type {
		case planner.JoinRight, planner.JoinFull:
			dist = JoinSinglePartition
			left = p.toSingle(left)
			right = p.toSingle(right)
		default:
			right = p.broadcast(right, n.Right)
		}
		return &NestedLoopJoin{Left: left, Right: right, Type: n.Type, Condition: n.Condition, Distribution: dist, Out: out}, nil
	}
	j := &HashJoin{Type: n.Type, Filter: residual, Out: out}
	for _, k := range keys {
		j.LeftKeys = append(j.LeftKeys, k.left)
		j.RightKeys = append(j.RightKeys, k.right)
		j.NullSafe = append(j.NullSafe, k.nullSafe)
	}
	mustBroadcast := n.Type == planner.JoinNullAwareAnti || n.Type == planner.JoinMark
	canBroadcast := n.Type != planner.JoinFull
	small := planner.EstimateRows(n.Right) <= p.cfg.BroadcastRows
	switch {
	case left.Partitioning().N == 1 && right.Partitioning().N == 1:
		j.Distribution = JoinSinglePartition
	case mustBroadcast || (canBroadcast && small):
		j.Distribution = JoinBroadcast
		right = p.broadcast(right, n.Right)
	default:
		j.Distribution = JoinPartitioned
		left = p.hashPartition(left, j.LeftKeys)
		right = p.hashPartition(right, j.RightKeys)
	}
	j.Left, j.Right = left, right
	return j, nil
}

// buildOnLeft plans a semi or anti join as a RightSemi or RightAnti join
// with the inputs exchanged: the hash table holds the (smaller) left rows,
// the right rows stream through it, and the left rows come out at the end.
// Both sides are hash-partitioned on the keys, so that each left row's
// matches all meet it in one task.
func (p *Planner) buildOnLeft(n *planner.Join, keys []equiKey, residual planner.Expr) (Node, error) {
	nL, nR := n.Left.Schema().NumFields(), n.Right.Schema().NumFields()
	left, err := p.plan(n.Left)
	if err != nil {
		return nil, err
	}
	right, err := p.plan(n.Right)
	if err != nil {
		return nil, err
	}
	typ := planner.JoinRightSemi
	if n.Type == planner.JoinAnti {
		typ = planner.JoinRightAnti
	}
	j := &HashJoin{Type: typ, Out: n.Schema(), Distribution: JoinPartitioned}
	for _, k := range keys {
		j.LeftKeys = append(j.LeftKeys, k.right)
		j.RightKeys = append(j.RightKeys, k.left)
		j.NullSafe = append(j.NullSafe, k.nullSafe)
	}
	if residual != nil {
		// The pairs are now right ++ left.
		j.Filter = planner.RemapColumns(residual, func(i int) int {
			if i < nL {
				return i + nR
			}
			return i - nL
		})
	}
	if left.Partitioning().N == 1 && right.Partitioning().N == 1 {
		j.Distribution = JoinSinglePartition
	} else {
		right = p.hashPartition(right, j.LeftKeys)
		left = p.hashPartition(left, j.RightKeys)
	}
	j.Left, j.Right = right, left
	return j, nil
}

// swappedJoin plans n with its inputs exchanged (a right join becomes a
// left join) and projects the columns back into n's order.
func (p *Planner) swappedJoin(n *planner.Join) (Node, error) {
	nL, nR := n.Left.Schema().NumFields(), n.Right.Schema().NumFields()
	typ := n.Type
	if typ == planner.JoinRight {
		typ = planner.JoinLeft
	}
	// In the swapped join, old right columns come first.
	cond := planner.RemapColumns(n.Condition, func(i int) int {
		if i < nL {
			return i + nR
		}
		return i - nL
	})
	swapped := planner.NewJoin(n.Right, n.Left, typ, cond)
	inner, err := p.join(swapped)
	if err != nil {
		return nil, err
	}
	exprs := make([]planner.Expr, nL+nR)
	names := make([]string, nL+nR)
	ss := swapped.Schema()
	for i := 0; i < nL+nR; i++ {
		src := i + nR // old left column i is at nR+i
		if i >= nL {
			src = i - nL
		}
		f := ss.Field(src)
		exprs[i] = &planner.Column{Index: src, Name: f.Name, DataType: f.Type, Null: f.Nullable}
		names[i] = f.Name
	}
	return &Project{Input: inner, Exprs: exprs, Names: names, Out: n.Schema()}, nil
}

// inStageBuildRows is the largest estimated build side of a broadcast
// join that every probing task's process computes itself rather than
// receiving from a stage of its own: for a few thousand rows of a
// one-partition input (a dimension like nation or region), reading them
// again costs less than a stage boundary, which on a cluster is a round
// trip to every worker before the probe can start.
const inStageBuildRows = 10_000

// broadcast makes in (the plan of logical) readable whole by every task
// of a join: through a broadcast exchange, or, for a tiny input of one
// partition without exchanges, as it is, each task reading its one
// partition (the hash table is built once per process and shared).
func (p *Planner) broadcast(in Node, logical planner.Node) Node {
	if in.Partitioning().Kind == Broadcast {
		return in
	}
	if in.Partitioning().N == 1 && !hasExchange(in) && planner.EstimateRows(logical) <= inStageBuildRows {
		return in
	}
	return &Exchange{Input: in, To: Partitioning{Kind: Broadcast, N: 1}}
}

// hasExchange reports whether an exchange is in the plan under n.
func hasExchange(n Node) bool {
	if _, ok := n.(*Exchange); ok {
		return true
	}
	for _, c := range n.Children() {
		if hasExchange(c) {
			return true
		}
	}
	return false
}

func (p *Planner) hashPartition(in Node, keys []planner.Expr) Node {
	part := in.Partitioning()
	if part.Kind == Hash && part.N == p.cfg.ShufflePartitions && len(part.Keys) == len(keys) {
		same := true
		for i := range keys {
			if part.Keys[i].String() != keys[i].String() {
				same = false
			}
		}
		if same {
			return in
		}
	}
	return &Exchange{Input: in, To: Partitioning{Kind: Hash, N: p.cfg.ShufflePartitions, Keys: keys}}
}
