package optimize

import (
	"fmt"

	"github.com/ember-sql/ember/planner"
)

// Decorrelate turns every subquery expression (ScalarSubquery, Exists,
// InSubquery) into a join, so that no subquery ever runs once per row. It
// runs first, before any rule that moves filters or columns around.
//
// A conjunct of a Filter that is EXISTS, NOT EXISTS, IN or NOT IN filters
// the rows, so it becomes a join that only filters:
//
//	Filter: a = 1 AND EXISTS (Filter: t.x = outer(a) AND t.y > 0 (Scan t))
//	  Scan s
//	=>
//	Join: Semi on (a#0 = x#n)           (Anti for NOT EXISTS)
//	  Filter: (a#0 = 1)
//	    Scan s
//	  Filter: (y > 0)
//	    Scan t
//
// x IN (sub) is a Semi join on x = sub's column and the correlated
// predicates; x NOT IN (sub) a NullAwareAnti join on the same condition.
// Any other subquery adds columns to the Filter's (or Project's) input and
// the expression becomes a reference to them:
//
//   - an uncorrelated scalar subquery: an Inner join without condition
//     with EnforceSingleRow(sub);
//   - a correlated scalar subquery over an aggregate without GROUP BY: the
//     aggregate grouped by the correlated columns, Left-joined on them; the
//     value is the subquery's select list recomputed above the join, with
//     every count wrapped in coalesce(count, 0) so that a row without a
//     match sees the value of an empty group (the COUNT bug);
//   - another correlated scalar subquery: a Single join;
//   - EXISTS or IN anywhere else (under OR, in a select list, in CASE): a
//     Mark join, whose BOOLEAN column replaces the expression.
//
// When the joins add columns, a Project on top restores the node's schema.
//
// Correlated predicates (those reading OuterColumn) are pulled up out of
// the subquery's plan (see pullUp) and become the join's condition, their
// outer references turned into references to the left input. Subqueries
// nested in a subquery are rewritten first, innermost first; references two
// levels out become references one level out once the inner subquery is a
// join, and are pulled up in turn by the enclosing rewrite.
//
// Join conditions of Mark and NullAwareAnti joins made from IN put the IN
// comparison (x = sub's column) first; the conjuncts after it are the
// correlated predicates, which select the subquery's rows. SQL's NULL rules
// for IN apply to the first conjunct only.
type Decorrelate struct{}

// Name implements Rule.
func (Decorrelate) Name() string { return "decorrelate" }

// Apply implements Rule.
func (Decorrelate) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	if !treeHasSubquery(plan) {
		return plan, false, nil
	}
	out, err := decorrelatePlan(plan)
	if err != nil {
		return nil, false, err
	}
	if treeHasSubquery(out) || treeHasOuter(out) {
		return nil, false, fmt.Errorf("decorrelate: a subquery or outer reference is left in the plan:\n%s", planner.Format(out))
	}
	return out, true, nil
}

// decorrelatePlan rewrites the subquery expressions of n and of the nodes
// below it, inputs first. OuterColumns of n's own scope (n may be a
// subquery's plan) stay.
func decorrelatePlan(n planner.Node) (planner.Node, error) {
	if !treeHasSubquery(n) {
		return n, nil
	}
	kids := n.Children()
	newKids := make([]planner.Node, len(kids))
	changed := false
	for i, c := range kids {
		nc, err := decorrelatePlan(c)
		if err != nil {
			return nil, err
		}
		newKids[i] = nc
		changed = changed || nc != c
	}
	if changed {
		n = n.WithChildren(newKids)
	}
	if !nodeHasSubquery(n) {
		return n, nil
	}
	switch n := n.(type) {
	case *planner.Filter:
		return rewriteFilter(n)
	case *planner.Project:
		return rewriteProject(n)
	}
	return nil, fmt.Errorf("subquery expression not supported in %s", n)
}

// rewriteFilter replaces a Filter holding subqueries by
//
//	[Project: restores the input's columns]
//	  [Filter: conjuncts that held other subqueries, now column references]
//	    joins adding columns (scalar subqueries, Mark joins)
//	      Semi / Anti / NullAwareAnti joins (filtering conjuncts)
//	        [Filter: conjuncts without subqueries]
//	          input
//
// The plain conjuncts go first because every join above them keeps or
// drops input rows without duplicating them.
func rewriteFilter(f *planner.Filter) (planner.Node, error) {
	var plain, filtering, other []planner.Expr
	for _, c := range planner.SplitConjunction(f.Predicate) {
		switch {
		case !planner.HasSubquery(c):
			plain = append(plain, c)
		case isFilteringSubquery(c):
			filtering = append(filtering, c)
		default:
			other = append(other, c)
		}
	}
	b := &joinBuilder{cur: f.Input, inputWidth: f.Input.Schema().NumFields()}
	if len(plain) > 0 {
		b.cur = &planner.Filter{Input: f.Input, Predicate: planner.Conjoin(plain)}
	}
	for _, c := range filtering {
		if err := b.filterJoin(c); err != nil {
			return nil, err
		}
	}
	var rest []planner.Expr
	for _, c := range other {
		e, err := b.replace(c)
		if err != nil {
			return nil, err
		}
		rest = append(rest, e)
	}
	out := b.cur
	if len(rest) > 0 {
		out = &planner.Filter{Input: out, Predicate: planner.Conjoin(rest)}
	}
	if out.Schema().NumFields() == b.inputWidth {
		return out, nil
	}
	in := f.Input.Schema()
	exprs := make([]planner.Expr, b.inputWidth)
	names := make([]string, b.inputWidth)
	for i := range exprs {
		exprs[i] = planner.ColumnRef(f.Input, i)
		names[i] = in.Field(i).Name
	}
	return planner.NewProject(out, exprs, names), nil
}

// rewriteProject joins the Project's input with its subqueries and points
// its expressions at the joined columns; the Project's own output keeps its
// names and types.
func rewriteProject(p *planner.Project) (planner.Node, error) {
	b := &joinBuilder{cur: p.Input, inputWidth: p.Input.Schema().NumFields()}
	exprs := make([]planner.Expr, len(p.Exprs))
	for i, e := range p.Exprs {
		ne, err := b.replace(e)
		if err != nil {
			return nil, err
		}
		exprs[i] = ne
	}
	return planner.NewProject(b.cur, exprs, p.Names), nil
}

// isFilteringSubquery reports whether a Filter conjunct is [NOT] EXISTS or
// [NOT] IN (subquery), which a Semi or Anti join evaluates by itself.
func isFilteringSubquery(e planner.Expr) bool {
	for {
		n, ok := e.(*planner.Not)
		if !ok {
			break
		}
		e = n.X
	}
	switch e.(type) {
	case *planner.Exists, *planner.InSubquery:
		return true
	}
	return false
}
