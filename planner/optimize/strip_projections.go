package optimize

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// StripColumnProjections removes projections that only pass columns
// through (reorder, rename or drop them) from inside the plan, pointing
// the expressions above them at the columns they passed. Such projections
// are how a query is written, not what it computes: a SQL subquery's
// select list or each step of a DataFrame chain adds one. Removing them
// makes the rest of the optimizer see one shape for every way of writing
// a query, so that SQL and the DataFrame API give the same plan, and
// PruneColumns later puts back the projections that narrow rows.
//
// The root keeps its exact output (names and order), and so do the inputs
// of nodes whose columns are positional for someone else (a Union's
// inputs). Plans that still hold subqueries are left alone: their outer
// references point at columns by position.
type StripColumnProjections struct{}

// Name implements Rule.
func (StripColumnProjections) Name() string { return "strip_projections" }

// Apply implements Rule.
func (StripColumnProjections) Apply(_ *Context, plan planner.Node) (planner.Node, bool, error) {
	if holdsSubquery(plan) {
		return plan, false, nil
	}
	out := stripExact(plan)
	return out, planner.Format(out) != planner.Format(plan), nil
}

// holdsSubquery reports whether any expression of the plan has a subquery.
func holdsSubquery(n planner.Node) bool {
	for _, e := range planner.NodeExprs(n) {
		if planner.HasSubquery(e) {
			return true
		}
	}
	for _, c := range n.Children() {
		if holdsSubquery(c) {
			return true
		}
	}
	return false
}

// stripExact strips n's inside but keeps its output columns as they are.
func stripExact(n planner.Node) planner.Node {
	if p, ok := n.(*planner.Project); ok && onlyColumns(p.Exprs) {
		// Keep this projection, which fixes the output, but strip below it.
		in, m := strip(p.Input)
		return planner.NewProject(in, remapAll(p.Exprs, m, in), p.Names)
	}
	out, m := strip(n)
	return restore(out, m, n.Schema().Fields())
}

// restore puts a stripped node's columns back in the layout of fields:
// output column i of the original is column m[i] of n.
func restore(n planner.Node, m []int, fields []arrow.Field) planner.Node {
	identity := len(m) == n.Schema().NumFields()
	for i, j := range m {
		if j != i || n.Schema().Field(j).Name != fields[i].Name {
			identity = false
		}
	}
	if identity {
		return n
	}
	exprs := make([]planner.Expr, len(m))
	names := make([]string, len(m))
	for i, j := range m {
		exprs[i] = planner.ColumnRef(n, j)
		names[i] = fields[i].Name
	}
	return planner.NewProject(n, exprs, names)
}

// strip removes column-only projections from n and below. It returns the
// new node and, for each output column of n, its index in the new node's
// output.
func strip(n planner.Node) (planner.Node, []int) {
	switch x := n.(type) {
	case *planner.Project:
		in, m := strip(x.Input)
		exprs := remapAll(x.Exprs, m, in)
		if onlyColumns(exprs) {
			out := make([]int, len(exprs))
			for i, e := range exprs {
				out[i] = e.(*planner.Column).Index
			}
			return in, out
		}
		return planner.NewProject(in, exprs, x.Names), identity(len(exprs))
	case *planner.Filter, *planner.Sort, *planner.Limit, *planner.Repartition, *planner.EnforceSingleRow:
		in, m := strip(n.Children()[0])
		return remapNode(n.WithChildren([]planner.Node{in}), m, in), m
	case *planner.Aggregate:
		in, m := strip(x.Input)
		out := remapNode(x.WithChildren([]planner.Node{in}), m, in)
		return out, identity(out.Schema().NumFields())
	case *planner.Window:
		in, m := strip(x.Input)
		out := remapNode(x.WithChildren([]planner.Node{in}), m, in)
		base := in.Schema().NumFields()
		mapping := append([]int(nil), m...)
		for i := range x.Funcs {
			mapping = append(mapping, base+i)
		}
		return out, mapping
	case *planner.Join:
		return stripJoin(x)
	}
	// Other nodes (scans, values, unions) keep their inputs' layouts.
	children := n.Children()
	if len(children) == 0 {
		return n, identity(n.Schema().NumFields())
	}
	kids := make([]planner.Node, len(children))
	for i, c := range children {
		kids[i] = stripExact(c)
	}
	out := n.WithChildren(kids)
	return out, identity(out.Schema().NumFields())
}

// stripJoin strips both inputs of a join; its condition reads the left
// columns then the right ones.
func stripJoin(j *planner.Join) (planner.Node, []int) {
	l, ml := strip(j.Left)
	r, mr := strip(j.Right)
	nlw := l.Schema().NumFields()
	m := append([]int(nil), ml...)
	for _, k := range mr {
		m = append(m, nlw+k)
	}
	cond := j.Condition
	if cond != nil {
		cond = remapExpr(cond, m, func(i int) (string, bool) {
			if i < nlw {
				return l.Schema().Field(i).Name, true
			}
			return r.Schema().Field(i - nlw).Name, true
		})
	}
	out := planner.NewJoin(l, r, j.Type, cond)
	switch j.Type {
	case planner.JoinSemi, planner.JoinAnti, planner.JoinNullAwareAnti:
		return out, ml
	case planner.JoinMark:
		// The left columns and the match flag after them.
		return out, append(append([]int(nil), ml...), nlw)
	case planner.JoinRightSemi, planner.JoinRightAnti:
		return out, mr
	}
	return out, m
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

func onlyColumns(exprs []planner.Expr) bool {
	for _, e := range exprs {
		if _, ok := e.(*planner.Column); !ok {
			return false
		}
	}
	return true
}

// remapNode points the expressions of n (whose input is in) through m.
func remapNode(n planner.Node, m []int, in planner.Node) planner.Node {
	return planner.MapNodeExprs(n, func(e planner.Expr) planner.Expr {
		return remapExpr(e, m, func(i int) (string, bool) { return in.Schema().Field(i).Name, true })
	})
}

func remapAll(exprs []planner.Expr, m []int, in planner.Node) []planner.Expr {
	out := make([]planner.Expr, len(exprs))
	for i, e := range exprs {
		out[i] = remapExpr(e, m, func(i int) (string, bool) { return in.Schema().Field(i).Name, true })
	}
	return out
}

// remapExpr moves e's column references through m and names them after
// the columns they now read, so that plans print the same however the
// query was written.
func remapExpr(e planner.Expr, m []int, nameOf func(int) (string, bool)) planner.Expr {
	out, _ := planner.TransformExpr(e, func(x planner.Expr) (planner.Expr, error) {
		if c, ok := x.(*planner.Column); ok {
			n := *c
			n.Index = m[c.Index]
			if name, ok := nameOf(n.Index); ok {
				n.Name = name
			}
			return &n, nil
		}
		return x, nil
	})
	return out
}
