package optimize

import (
	"fmt"

	"github.com/ember-sql/ember/planner"
)

// pulled is a subquery plan with its correlated predicates taken out. For
// every row o of the enclosing query, the original plan's rows are those of
// node that satisfy all preds evaluated with o, restricted to the columns
// cols: original output column i is column cols[i] of node. node may carry
// extra columns (those the preds read, which a projection had dropped, or
// the correlated keys added to a GROUP BY). preds refer to node's columns
// and to the enclosing query through OuterColumn; node itself holds no
// OuterColumn.
type pulled struct {
	node  planner.Node
	preds []planner.Expr
	cols  []int
}

// notSupported is the error for a correlated reference the rule cannot move
// up to the join that replaces the subquery.
func notSupported(format string, args ...any) error {
	return fmt.Errorf("correlated subquery not supported here: "+format, args...)
}

// pullUp takes the correlated predicates out of a subquery plan, moving
// them up through Filter (conjuncts that read the enclosing query), Project
// (which keeps the columns they read), Aggregate with GROUP BY (equalities
// only; the inner side becomes a group key), Join (from the preserved
// sides, and from an inner join's condition) and Sort without fetch.
// Anything else holding or hiding an outer reference is an error.
func pullUp(n planner.Node) (pulled, error) {
	if !treeHasOuter(n) {
		return pulled{node: n, cols: identityCols(n.Schema().NumFields())}, nil
	}
	switch n := n.(type) {
	case *planner.Filter:
		return pullUpFilter(n)
	case *planner.Project:
		return pullUpProject(n)
	case *planner.Aggregate:
		return pullUpAggregate(n)
	case *planner.Join:
		return pullUpJoin(n)
	case *planner.Sort:
		return pullUpSort(n)
	case *planner.Limit:
		return pulled{}, notSupported("an outer reference below a LIMIT: %s", n)
	}
	return pulled{}, notSupported("an outer reference in or below %s", n)
}

func pullUpFilter(f *planner.Filter) (pulled, error) {
	p, err := pullUp(f.Input)
	if err != nil {
		return pulled{}, err
	}
	var keep []planner.Expr
	for _, c := range planner.SplitConjunction(f.Predicate) {
		c = remapColumns(c, p.cols)
		if hasOuter(c) {
			p.preds = append(p.preds, c)
		} else {
			keep = append(keep, c)
		}
	}
	if len(keep) > 0 {
		p.node = &planner.Filter{Input: p.node, Predicate: planner.Conjoin(keep)}
	}
	return p, nil
}

func pullUpProject(pr *planner.Project) (pulled, error) {
	for _, e := range pr.Exprs {
		if hasOuter(e) {
			return pulled{}, notSupported("an outer reference in the select list: %s", e)
		}
	}
	p, err := pullUp(pr.Input)
	if err != nil {
		return pulled{}, err
	}
	exprs := make([]planner.Expr, len(pr.Exprs))
	for i, e := range pr.Exprs {
		exprs[i] = remapColumns(e, p.cols)
	}
	names := append([]string(nil), pr.Names...)
	// Keep every input column the pulled predicates read, reusing a plain
	// column of the projection where there is one.
	at := make([]int, p.node.Schema().NumFields())
	for i := range at {
		at[i] = -1
	}
	for i, e := range exprs {
		if c, ok := e.(*planner.Column); ok && at[c.Index] < 0 {
			at[c.Index] = i
		}
	}
	seen := map[int]bool{}
	var need []int
	for _, pred := range p.preds {
		need = columnsOf(pred, seen, need)
	}
	for _, c := range need {
		if at[c] < 0 {
			at[c] = len(exprs)
			exprs = append(exprs, planner.ColumnRef(p.node, c))
			names = append(names, p.node.Schema().Field(c).Name)
		}
	}
	node := planner.NewProject(p.node, exprs, names)
	preds := make([]planner.Expr, len(p.preds))
	for i, pred := range p.preds {
		preds[i] = remapColumns(pred, at)
	}
	return pulled{node: node, preds: preds, cols: identityCols(len(pr.Exprs))}, nil
}

func pullUpAggregate(a *planner.Aggregate) (pulled, error) {
	if nodeHasOuter(a) {
		return pulled{}, notSupported("an outer reference inside an aggregate's keys or arguments: %s", a)
	}
	p, err := pullUp(a.Input)
	if err != nil {
		return pulled{}, err
	}
	groupBy := make([]planner.Expr, len(a.GroupBy), len(a.GroupBy)+len(p.preds))
	for i, g := range a.GroupBy {
		groupBy[i] = remapColumns(g, p.cols)
	}
	aggs := make([]*planner.AggregateCall, len(a.Aggs))
	for i, c := range a.Aggs {
		aggs[i] = remapColumns(c, p.cols).(*planner.AggregateCall)
	}
	g := len(a.GroupBy)
	if len(p.preds) > 0 && g == 0 {
		// Without GROUP BY the aggregate yields one row even when the
		// correlated predicates select nothing, which grouping by the
		// correlated columns would lose.
		return pulled{}, notSupported("a correlated predicate below an aggregate without GROUP BY: %s", p.preds[0])
	}
	names := append([]string(nil), a.Names[:g]...)
	type keyed struct {
		key       int // index into groupBy
		outer     planner.Expr
		op        planner.BinaryOp
		innerLeft bool
	}
	var keys []keyed
	var passThrough []planner.Expr
	for _, pred := range p.preds {
		if !hasColumn(pred) {
			// Reads only the enclosing query: the same for every group.
			passThrough = append(passThrough, pred)
			continue
		}
		inner, outer, innerLeft, ok := corrEquality(pred)
		if !ok {
			return pulled{}, notSupported("the correlated predicate %s cannot move above an aggregate (only equalities can)", pred)
		}
		k := -1
		for i, e := range groupBy {
			if exprEqual(e, inner) {
				k = i
				break
			}
		}
		if k < 0 {
			k = len(groupBy)
			groupBy = append(groupBy, inner)
			name := "corr_key"
			if c, ok := inner.(*planner.Column); ok {
				name = c.Name
			}
			names = append(names, name)
		}
		keys = append(keys, keyed{key: k, outer: outer, op: pred.(*planner.Binary).Op, innerLeft: innerLeft})
	}
	names = append(names, a.Names[g:]...)
	node := planner.NewAggregate(p.node, groupBy, aggs, names)
	cols := identityCols(len(a.Names))
	for i := g; i < len(cols); i++ {
		cols[i] = len(groupBy) + i - g
	}
	preds := passThrough
	for _, k := range keys {
		l, r := planner.Expr(planner.ColumnRef(node, k.key)), k.outer
		if !k.innerLeft {
			l, r = r, l
		}
		preds = append(preds, &planner.Binary{Op: k.op, Left: l, Right: r, DataType: planner.TypeBoolean})
	}
	return pulled{node: node, preds: preds, cols: cols}, nil
}

func pullUpJoin(j *planner.Join) (pulled, error) {
	pl, err := pullUp(j.Left)
	if err != nil {
		return pulled{}, err
	}
	pr, err := pullUp(j.Right)
	if err != nil {
		return pulled{}, err
	}
	oldLeft := j.Left.Schema().NumFields()
	nl := pl.node.Schema().NumFields()
	to := make([]int, oldLeft+j.Right.Schema().NumFields())
	for i := range to {
		if i < oldLeft {
			to[i] = pl.cols[i]
		} else {
			to[i] = nl + pr.cols[i-oldLeft]
		}
	}
	var cond, preds []planner.Expr
	if j.Condition != nil {
		for _, c := range planner.SplitConjunction(j.Condition) {
			c = remapColumns(c, to)
			if !hasOuter(c) {
				cond = append(cond, c)
				continue
			}
			if j.Type != planner.JoinInner {
				return pulled{}, notSupported("an outer reference in the condition of a %s join: %s", j.Type, c)
			}
			preds = append(preds, c)
		}
	}
	if len(pl.preds) > 0 {
		// A filter on the preserved side commutes with the join.
		switch j.Type {
		case planner.JoinRight, planner.JoinFull:
			return pulled{}, notSupported("an outer reference on the left side of a %s join", j.Type)
		}
		preds = append(preds, pl.preds...)
	}
	if len(pr.preds) > 0 {
		if j.Type != planner.JoinInner && j.Type != planner.JoinRight {
			return pulled{}, notSupported("an outer reference on the right side of a %s join", j.Type)
		}
		for _, p := range pr.preds {
			preds = append(preds, planner.ShiftColumns(p, nl))
		}
	}
	node := planner.NewJoin(pl.node, pr.node, j.Type, planner.Conjoin(cond))
	var cols []int
	switch j.Type {
	case planner.JoinSemi, planner.JoinAnti, planner.JoinNullAwareAnti:
		cols = pl.cols
	case planner.JoinMark:
		cols = append(append([]int(nil), pl.cols...), nl)
	default:
		cols = to
	}
	return pulled{node: node, preds: preds, cols: cols}, nil
}

func pullUpSort(s *planner.Sort) (pulled, error) {
	if s.Fetch >= 0 {
		return pulled{}, notSupported("an outer reference below a LIMIT: %s", s)
	}
	if nodeHasOuter(s) {
		return pulled{}, notSupported("an outer reference in ORDER BY: %s", s)
	}
	p, err := pullUp(s.Input)
	if err != nil {
		return pulled{}, err
	}
	keys := make([]planner.SortKey, len(s.Keys))
	for i, k := range s.Keys {
		k.Expr = remapColumns(k.Expr, p.cols)
		keys[i] = k
	}
	p.node = &planner.Sort{Input: p.node, Keys: keys, Fetch: s.Fetch}
	return p, nil
}
