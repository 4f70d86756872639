package optimize

import (
	"fmt"

	"github.com/ember-sql/ember/planner"
)

// joinBuilder stacks the joins that replace the subqueries of one Filter or
// Project on top of its input. Every join keeps the input's columns at
// positions [0, inputWidth) and may append columns after them, so the
// node's own Column references stay valid over cur, and outer references of
// depth 1 in the subqueries (which name the node's input) become references
// to those positions.
type joinBuilder struct {
	cur        planner.Node
	inputWidth int
}

func (b *joinBuilder) width() int { return b.cur.Schema().NumFields() }

// outerRef resolves a reference to the enclosing scope for an expression
// that now lives above the join: depth 1 is a column of the node's input;
// deeper references move one level closer.
func (b *joinBuilder) outerRef(o *planner.OuterColumn) (planner.Expr, error) {
	if o.Depth > 1 {
		n := *o
		n.Depth--
		return &n, nil
	}
	if o.Depth < 1 || o.Index < 0 || o.Index >= b.inputWidth {
		return nil, fmt.Errorf("decorrelate: outer reference %s (depth %d) is outside the enclosing input of %d columns", o, o.Depth, b.inputWidth)
	}
	return planner.ColumnRef(b.cur, o.Index), nil
}

// substitute rewrites e for evaluation above the join: Column i becomes
// cols(i) and outer references go through outerRef.
func (b *joinBuilder) substitute(e planner.Expr, cols func(c *planner.Column) planner.Expr) (planner.Expr, error) {
	// Columns and outer references are leaves, so a bottom-up rewrite never
	// revisits what replaces them.
	return planner.TransformExpr(e, func(x planner.Expr) (planner.Expr, error) {
		switch x := x.(type) {
		case *planner.Column:
			return cols(x), nil
		case *planner.OuterColumn:
			return b.outerRef(x)
		}
		return x, nil
	})
}

// joinCondition turns pulled-up predicates over the subquery's node into
// conjuncts over cur ++ node, where node starts at column w.
func (b *joinBuilder) joinCondition(preds []planner.Expr, w int) ([]planner.Expr, error) {
	out := make([]planner.Expr, 0, len(preds))
	for _, p := range preds {
		e, err := b.substitute(p, func(c *planner.Column) planner.Expr {
			n := *c
			n.Index += w
			return &n
		})
		if err != nil {
			return nil, err
		}
		out = append(out, orientComparison(e, w))
	}
	return out, nil
}

// pullSubquery rewrites a subquery's own nested subqueries and pulls its
// correlated predicates out.
func pullSubquery(plan planner.Node, forExists bool) (pulled, error) {
	plan, err := decorrelatePlan(plan)
	if err != nil {
		return pulled{}, err
	}
	if forExists {
		plan = stripForExists(plan)
	}
	return pullUp(plan)
}

// stripForExists drops the top nodes that cannot change whether a plan
// returns a row: projections, sorts, limits that keep at least one row,
// and groupings (a grouping has a row iff its input has).
func stripForExists(n planner.Node) planner.Node {
	for {
		switch x := n.(type) {
		case *planner.Project:
			n = x.Input
		case *planner.Sort:
			if x.Fetch == 0 {
				return n
			}
			n = x.Input
		case *planner.Limit:
			if x.Offset != 0 || x.Count == 0 {
				return n
			}
			n = x.Input
		case *planner.Aggregate:
			if len(x.GroupBy) == 0 {
				return n
			}
			n = x.Input
		default:
			return n
		}
	}
}

// inCondition builds the join condition of x IN (sub): x = sub's column
// first, then the correlated predicates.
func (b *joinBuilder) inCondition(x planner.Expr, p pulled, w int) ([]planner.Expr, error) {
	if len(p.cols) != 1 {
		return nil, fmt.Errorf("subquery of IN must return one column, not %d", len(p.cols))
	}
	right := planner.ColumnRef(p.node, p.cols[0])
	right.Index += w
	eq, err := typedComparison(planner.OpEq, x, right)
	if err != nil {
		return nil, fmt.Errorf("%s IN (subquery): %w", x, err)
	}
	corr, err := b.joinCondition(p.preds, w)
	if err != nil {
		return nil, err
	}
	return append([]planner.Expr{eq}, corr...), nil
}

// filterJoin applies a Filter conjunct that is [NOT] EXISTS or [NOT] IN as
// a Semi, Anti or NullAwareAnti join.
func (b *joinBuilder) filterJoin(c planner.Expr) error {
	negated := false
	for {
		n, ok := c.(*planner.Not)
		if !ok {
			break
		}
		negated = !negated
		c = n.X
	}
	switch s := c.(type) {
	case *planner.Exists:
		p, err := pullSubquery(s.Plan, true)
		if err != nil {
			return err
		}
		cond, err := b.joinCondition(p.preds, b.width())
		if err != nil {
			return err
		}
		typ := planner.JoinSemi
		if negated != s.Negated {
			typ = planner.JoinAnti
		}
		b.cur = planner.NewJoin(b.cur, p.node, typ, planner.Conjoin(cond))
	case *planner.InSubquery:
		x, err := b.replace(s.X)
		if err != nil {
			return err
		}
		p, err := pullSubquery(s.Plan, false)
		if err != nil {
			return err
		}
		cond, err := b.inCondition(x, p, b.width())
		if err != nil {
			return err
		}
		typ := planner.JoinSemi
		if negated != s.Negated {
			typ = planner.JoinNullAwareAnti
		}
		b.cur = planner.NewJoin(b.cur, p.node, typ, planner.Conjoin(cond))
	default:
		return fmt.Errorf("decorrelate: %s is not EXISTS or IN", c)
	}
	return nil
}

// replace rewrites e over cur, joining in every subquery it holds (inner
// expressions first) and replacing each by the expression of its value.
func (b *joinBuilder) replace(e planner.Expr) (planner.Expr, error) {
	switch s := e.(type) {
	case *planner.ScalarSubquery:
		return b.scalar(s)
	case *planner.Exists:
		return b.markExists(s)
	case *planner.InSubquery:
		x, err := b.replace(s.X)
		if err != nil {
			return nil, err
		}
		return b.markIn(x, s)
	}
	kids := e.Children()
	if !planner.HasSubquery(e) {
		return e, nil
	}
	out := make([]planner.Expr, len(kids))
	for i, k := range kids {
		nk, err := b.replace(k)
		if err != nil {
			return nil, err
		}
		out[i] = nk
	}
	return e.WithChildren(out), nil
}

// markExists joins with a Mark join; the mark is NULL only where the
// condition was unknown for some row, which EXISTS counts as no match.
func (b *joinBuilder) markExists(s *planner.Exists) (planner.Expr, error) {
	p, err := pullSubquery(s.Plan, true)
	if err != nil {
		return nil, err
	}
	w := b.width()
	cond, err := b.joinCondition(p.preds, w)
	if err != nil {
		return nil, err
	}
	b.cur = planner.NewJoin(b.cur, p.node, planner.JoinMark, planner.Conjoin(cond))
	v := coalesceExpr(planner.ColumnRef(b.cur, w), &planner.Literal{Value: false, DataType: planner.TypeBoolean})
	if s.Negated {
		return &planner.Not{X: v}, nil
	}
	return v, nil
}

// markIn joins with a Mark join whose column is x IN (sub), NULL included.
func (b *joinBuilder) markIn(x planner.Expr, s *planner.InSubquery) (planner.Expr, error) {
	p, err := pullSubquery(s.Plan, false)
	if err != nil {
		return nil, err
	}
	w := b.width()
	cond, err := b.inCondition(x, p, w)
	if err != nil {
		return nil, err
	}
	b.cur = planner.NewJoin(b.cur, p.node, planner.JoinMark, planner.Conjoin(cond))
	var v planner.Expr = planner.ColumnRef(b.cur, w)
	if s.Negated {
		v = &planner.Not{X: v}
	}
	return v, nil
}

// scalar joins in a scalar subquery and returns the expression of its
// value over the joined columns.
func (b *joinBuilder) scalar(s *planner.ScalarSubquery) (planner.Expr, error) {
	plan, err := decorrelatePlan(s.Plan)
	if err != nil {
		return nil, err
	}
	w := b.width()
	if !treeHasOuter(plan) {
		b.cur = planner.NewJoin(b.cur, &planner.EnforceSingleRow{Input: plan}, planner.JoinInner, nil)
		return planner.ColumnRef(b.cur, w), nil
	}
	if chain, agg := scalarAggregate(plan); agg != nil {
		return b.scalarOverAggregate(chain, agg)
	}
	p, err := pullUp(plan)
	if err != nil {
		return nil, err
	}
	cond, err := b.joinCondition(p.preds, w)
	if err != nil {
		return nil, err
	}
	b.cur = planner.NewJoin(b.cur, p.node, planner.JoinSingle, planner.Conjoin(cond))
	return planner.ColumnRef(b.cur, w+p.cols[0]), nil
}

// scalarAggregate recognizes a subquery plan that is an aggregate without
// GROUP BY under Projects and Filters (its select list and HAVING). It
// returns those nodes, top first, and the aggregate; nil if the plan has
// another shape.
func scalarAggregate(n planner.Node) ([]planner.Node, *planner.Aggregate) {
	var chain []planner.Node
	for {
		switch x := n.(type) {
		case *planner.Project:
			chain = append(chain, x)
			n = x.Input
		case *planner.Filter:
			chain = append(chain, x)
			n = x.Input
		case *planner.Aggregate:
			if len(x.GroupBy) > 0 {
				return nil, nil
			}
			return chain, x
		default:
			return nil, nil
		}
	}
}

// scalarOverAggregate rewrites a correlated scalar subquery over an
// aggregate without GROUP BY: the aggregate is grouped by the inner sides
// of the correlated equalities and Left-joined on them. The select list
// and HAVING above the aggregate are recomputed above the join, so a row
// without a match sees the aggregates of an empty group: NULL, except the
// counts, which coalesce to 0.
func (b *joinBuilder) scalarOverAggregate(chain []planner.Node, agg *planner.Aggregate) (planner.Expr, error) {
	if nodeHasOuter(agg) {
		return nil, notSupported("an outer reference inside an aggregate's arguments: %s", agg)
	}
	p, err := pullUp(agg.Input)
	if err != nil {
		return nil, err
	}
	type keyed struct {
		key   int
		outer planner.Expr
		op    planner.BinaryOp
	}
	var keys []planner.Expr
	var names []string
	var corr []keyed
	for _, pred := range p.preds {
		inner, outer, _, ok := corrEquality(pred)
		if !ok {
			return nil, notSupported("the correlated predicate %s of a scalar subquery over an aggregate is not an equality between a subquery expression and an outer one", pred)
		}
		k := -1
		for i, e := range keys {
			if exprEqual(e, inner) {
				k = i
				break
			}
		}
		if k < 0 {
			k = len(keys)
			keys = append(keys, inner)
			name := "corr_key"
			if c, ok := inner.(*planner.Column); ok {
				name = c.Name
			}
			names = append(names, name)
		}
		corr = append(corr, keyed{key: k, outer: outer, op: pred.(*planner.Binary).Op})
	}
	aggs := make([]*planner.AggregateCall, len(agg.Aggs))
	for i, a := range agg.Aggs {
		aggs[i] = remapColumns(a, p.cols).(*planner.AggregateCall)
	}
	right := planner.NewAggregate(p.node, keys, aggs, append(names, agg.Names...))
	w := b.width()
	var cond []planner.Expr
	for _, c := range corr {
		outer, err := b.substitute(c.outer, func(col *planner.Column) planner.Expr { return col })
		if err != nil {
			return nil, err
		}
		key := planner.ColumnRef(right, c.key)
		key.Index += w
		cond = append(cond, &planner.Binary{Op: c.op, Left: outer, Right: key, DataType: planner.TypeBoolean})
	}
	typ := planner.JoinLeft
	if len(keys) == 0 {
		// Correlated only through the select list: the aggregate has one
		// row, which every outer row sees.
		typ = planner.JoinInner
	}
	b.cur = planner.NewJoin(b.cur, right, typ, planner.Conjoin(cond))
	env := make([]planner.Expr, len(aggs))
	for i, a := range aggs {
		ref := planner.ColumnRef(b.cur, w+len(keys)+i)
		env[i] = ref
		if typ == planner.JoinLeft && (a.Func == planner.AggCount || a.Func == planner.AggCountStar) {
			zero, err := zeroLiteral(a)
			if err != nil {
				return nil, err
			}
			env[i] = coalesceExpr(ref, zero)
		}
	}
	var having []planner.Expr
	for i := len(chain) - 1; i >= 0; i-- {
		cols := func(c *planner.Column) planner.Expr { return env[c.Index] }
		switch n := chain[i].(type) {
		case *planner.Filter:
			h, err := b.substitute(n.Predicate, cols)
			if err != nil {
				return nil, err
			}
			having = append(having, h)
		case *planner.Project:
			next := make([]planner.Expr, len(n.Exprs))
			for j, e := range n.Exprs {
				v, err := b.substitute(e, cols)
				if err != nil {
					return nil, err
				}
				next[j] = v
			}
			env = next
		}
	}
	if len(env) == 0 {
		return nil, fmt.Errorf("decorrelate: scalar subquery without a column")
	}
	value := env[0]
	if len(having) > 0 {
		value = &planner.Case{Whens: []planner.When{{Cond: planner.Conjoin(having), Result: value}}, DataType: value.Type()}
	}
	return value, nil
}

// zeroLiteral is the count of an empty group, in the count's type.
func zeroLiteral(a *planner.AggregateCall) (*planner.Literal, error) {
	switch a.DataType.ID() {
	case planner.TypeBigInt.ID():
		return &planner.Literal{Value: int64(0), DataType: a.DataType}, nil
	case planner.TypeInt.ID():
		return &planner.Literal{Value: int32(0), DataType: a.DataType}, nil
	}
	return nil, fmt.Errorf("decorrelate: count of type %s", planner.TypeName(a.DataType))
}
