package optimize

import (
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// Expression helpers for the decorrelation rule. Like planner's walkers,
// none of them descends into the Plan of a subquery expression: a reference
// inside it belongs to another scope.

// anyExpr reports whether pred holds for e or any of its sub-expressions.
func anyExpr(e planner.Expr, pred func(planner.Expr) bool) bool {
	found := false
	planner.WalkExpr(e, func(x planner.Expr) bool {
		found = found || pred(x)
		return !found
	})
	return found
}

func hasOuter(e planner.Expr) bool {
	return anyExpr(e, func(x planner.Expr) bool { _, ok := x.(*planner.OuterColumn); return ok })
}

func hasColumn(e planner.Expr) bool {
	return anyExpr(e, func(x planner.Expr) bool { _, ok := x.(*planner.Column); return ok })
}

func anyHasOuter(es []planner.Expr) bool {
	for _, e := range es {
		if hasOuter(e) {
			return true
		}
	}
	return false
}

// remapColumns moves every Column of e from index i to index to[i].
func remapColumns(e planner.Expr, to []int) planner.Expr {
	return planner.RemapColumns(e, func(i int) int { return to[i] })
}

// columnsOf appends to out the Column indexes e refers to that seen does
// not hold yet, in order of first appearance (so that the columns a rewrite
// adds come out in a stable order).
func columnsOf(e planner.Expr, seen map[int]bool, out []int) []int {
	planner.WalkExpr(e, func(x planner.Expr) bool {
		if c, ok := x.(*planner.Column); ok && !seen[c.Index] {
			seen[c.Index] = true
			out = append(out, c.Index)
		}
		return true
	})
	return out
}

// identityCols returns [0, 1, ..., n-1].
func identityCols(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
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

// orientComparison puts first the operand over the left input of a join
// condition's comparison whose operands each read one side only, so that
// equi-join keys read left = right.
func orientComparison(e planner.Expr, leftWidth int) planner.Expr {
	b, ok := e.(*planner.Binary)
	if !ok || !b.Op.IsComparison() {
		return e
	}
	side := func(x planner.Expr) (left, right bool) {
		planner.WalkExpr(x, func(y planner.Expr) bool {
			if c, ok := y.(*planner.Column); ok {
				left = left || c.Index < leftWidth
				right = right || c.Index >= leftWidth
			}
			return true
		})
		return left, right
	}
	ll, lr := side(b.Left)
	rl, rr := side(b.Right)
	if lr && !ll && rl && !rr {
		return &planner.Binary{Op: b.Op.Swapped(), Left: b.Right, Right: b.Left, DataType: b.DataType}
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

// typedComparison builds l op r, casting either side to their common type
// when the types differ.
func typedComparison(op planner.BinaryOp, l, r planner.Expr) (planner.Expr, error) {
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

// coalesceExpr builds coalesce(x, fallback).
func coalesceExpr(x planner.Expr, fallback *planner.Literal) planner.Expr {
	return &planner.Func{Name: "coalesce", Args: []planner.Expr{x, fallback}, DataType: x.Type()}
}
