package optimize

import (
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// Expression helpers for the decorrelation rule. None of them descends into
// the Plan of a subquery expression: a reference inside it belongs to another
// scope.

// anyExpr reports whether pred holds for e or any of its sub-expressions.
func anyExpr(e planner.Expr, pred func(planner.Expr) bool) bool {
	if e == nil {
		return false
	}
	if pred(e) {
		return true
	}
	for _, c := range e.Children() {
		if anyExpr(c, pred) {
			return true
		}
	}
	return false
}

// transformExpr rewrites e top-down: where f returns ok, its result replaces
// the sub-expression (and is not visited further); elsewhere the children are
// rewritten. Unchanged sub-trees are returned as they are.
func transformExpr(e planner.Expr, f func(planner.Expr) (planner.Expr, bool)) planner.Expr {
	if e == nil {
		return nil
	}
	if r, ok := f(e); ok {
		return r
	}
	kids := e.Children()
	if len(kids) == 0 {
		return e
	}
	var out []planner.Expr
	for i, c := range kids {
		nc := transformExpr(c, f)
		if nc != c && out == nil {
			out = append(make([]planner.Expr, 0, len(kids)), kids[:i]...)
		}
		if out != nil {
			out = append(out, nc)
		}
	}
	if out == nil {
		return e
	}
	return e.WithChildren(out)
}

func isSubqueryExpr(e planner.Expr) bool {
	switch e.(type) {
	case *planner.ScalarSubquery, *planner.Exists, *planner.InSubquery:
		return true
	}
	return false
}

func isOuter(e planner.Expr) bool {
	_, ok := e.(*planner.OuterColumn)
	return ok
}

func isColumn(e planner.Expr) bool {
	_, ok := e.(*planner.Column)
	return ok
}

func hasSubquery(e planner.Expr) bool { return anyExpr(e, isSubqueryExpr) }
func hasOuter(e planner.Expr) bool    { return anyExpr(e, isOuter) }
func hasColumn(e planner.Expr) bool   { return anyExpr(e, isColumn) }

func anyHasOuter(es []planner.Expr) bool {
	for _, e := range es {
		if hasOuter(e) {
			return true
		}
	}
	return false
}

// mapColumns replaces every Column of e by f(column).
func mapColumns(e planner.Expr, f func(*planner.Column) planner.Expr) planner.Expr {
	return transformExpr(e, func(x planner.Expr) (planner.Expr, bool) {
		if c, ok := x.(*planner.Column); ok {
			return f(c), true
		}
		return nil, false
	})
}

// remapColumns moves every Column of e from index i to index to[i].
func remapColumns(e planner.Expr, to []int) planner.Expr {
	return mapColumns(e, func(c *planner.Column) planner.Expr {
		if to[c.Index] == c.Index {
			return c
		}
		n := *c
		n.Index = to[c.Index]
		return &n
	})
}

// shiftColumns adds by to the index of every Column of e.
func shiftColumns(e planner.Expr, by int) planner.Expr {
	if by == 0 {
		return e
	}
	return mapColumns(e, func(c *planner.Column) planner.Expr {
		n := *c
		n.Index += by
		return &n
	})
}

// columnsOf lists the distinct Column indexes e refers to, in order of
// first appearance.
func columnsOf(e planner.Expr, seen map[int]bool, out []int) []int {
	anyExpr(e, func(x planner.Expr) bool {
		if c, ok := x.(*planner.Column); ok && !seen[c.Index] {
			seen[c.Index] = true
			out = append(out, c.Index)
		}
		return false
	})
	return out
}

// columnRef builds a reference to column i of schema.
func columnRef(schema *arrow.Schema, i int) *planner.Column {
	f := schema.Field(i)
	return &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
}

// identity returns [0, 1, ..., n-1].
func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// conjuncts splits e on AND.
func conjuncts(e planner.Expr) []planner.Expr {
	if b, ok := e.(*planner.Binary); ok && b.Op == planner.OpAnd {
		return append(conjuncts(b.Left), conjuncts(b.Right)...)
	}
	return []planner.Expr{e}
}

// andAll joins es with AND, left-deep; nil for none.
func andAll(es []planner.Expr) planner.Expr {
	var out planner.Expr
	for _, e := range es {
		if out == nil {
			out = e
			continue
		}
		out = &planner.Binary{Op: planner.OpAnd, Left: out, Right: e, DataType: planner.TypeBoolean}
	}
	return out
}

// exprEqual reports whether a and b are the same expression.
func exprEqual(a, b planner.Expr) bool {
	if reflect.TypeOf(a) != reflect.TypeOf(b) || !arrow.TypeEqual(a.Type(), b.Type()) || a.String() != b.String() {
		return false
	}
	ka, kb := a.Children(), b.Children()
	if len(ka) != len(kb) {
		return false
	}
	for i := range ka {
		if !exprEqual(ka[i], kb[i]) {
			return false
		}
	}
	return true
}

// flipComparison returns the operator that compares the swapped operands
// the same way (a < b is b > a).
func flipComparison(op planner.BinaryOp) planner.BinaryOp {
	switch op {
	case planner.OpLt:
		return planner.OpGt
	case planner.OpLtEq:
		return planner.OpGtEq
	case planner.OpGt:
		return planner.OpLt
	case planner.OpGtEq:
		return planner.OpLtEq
	}
	return op
}

// orientComparison puts the operand over the left input first in a
// comparison of a join condition whose operands each read one side only, so
// that equi-join keys read left = right.
func orientComparison(e planner.Expr, leftWidth int) planner.Expr {
	b, ok := e.(*planner.Binary)
	if !ok || !b.Op.IsComparison() {
		return e
	}
	side := func(x planner.Expr) (left, right bool) {
		anyExpr(x, func(y planner.Expr) bool {
			if c, ok := y.(*planner.Column); ok {
				if c.Index < leftWidth {
					left = true
				} else {
					right = true
				}
			}
			return false
		})
		return left, right
	}
	ll, lr := side(b.Left)
	rl, rr := side(b.Right)
	if lr && !ll && rl && !rr {
		return &planner.Binary{Op: flipComparison(b.Op), Left: b.Right, Right: b.Left, DataType: b.DataType}
	}
	return e
}

// corrEquality splits a pulled-up predicate of the form inner = outer (or
// outer = inner, or IS NOT DISTINCT FROM) where inner reads only columns of
// the subquery and outer only outer references. innerLeft tells which side
// inner was on.
func corrEquality(e planner.Expr) (inner, outer planner.Expr, innerLeft, ok bool) {
	b, isBin := e.(*planner.Binary)
	if !isBin || (b.Op != planner.OpEq && b.Op != planner.OpIsNotDistinctFrom) {
		return nil, nil, false, false
	}
	innerOnly := func(x planner.Expr) bool { return hasColumn(x) && !hasOuter(x) }
	outerOnly := func(x planner.Expr) bool { return hasOuter(x) && !hasColumn(x) }
	switch {
	case innerOnly(b.Left) && outerOnly(b.Right):
		return b.Left, b.Right, true, true
	case outerOnly(b.Left) && innerOnly(b.Right):
		return b.Right, b.Left, false, true
	}
	return nil, nil, false, false
}

// comparison builds l op r over the same type, casting either side to the
// common type when they differ.
func comparison(op planner.BinaryOp, l, r planner.Expr) (planner.Expr, error) {
	if !arrow.TypeEqual(l.Type(), r.Type()) {
		t, err := planner.CommonType(l.Type(), r.Type())
		if err != nil {
			return nil, err
		}
		if !arrow.TypeEqual(l.Type(), t) {
			l = &planner.Cast{X: l, To: t}
		}
		if !arrow.TypeEqual(r.Type(), t) {
			r = &planner.Cast{X: r, To: t}
		}
	}
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: planner.TypeBoolean}, nil
}

// coalesce builds coalesce(x, fallback).
func coalesce(x planner.Expr, fallback *planner.Literal) planner.Expr {
	return &planner.Func{Name: "coalesce", Args: []planner.Expr{x, fallback}, DataType: x.Type()}
}
