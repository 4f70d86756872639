package sql

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// exprEqual reports whether two bound expressions compute the same thing
// (same kinds, same parameters, equal children): a select item that is a
// GROUP BY key, an ORDER BY key already in the select list, an aggregate
// written twice. Subqueries are equal only to themselves.
func exprEqual(a, b planner.Expr) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !sameParams(a, b) {
		return false
	}
	return exprsEqual(a.Children(), b.Children())
}

func exprsEqual(a, b []planner.Expr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !exprEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameParams compares what distinguishes two expressions besides their
// children.
func sameParams(a, b planner.Expr) bool {
	switch x := a.(type) {
	case *planner.Column:
		y, ok := b.(*planner.Column)
		return ok && x.Index == y.Index
	case *planner.OuterColumn:
		y, ok := b.(*planner.OuterColumn)
		return ok && x.Depth == y.Depth && x.Index == y.Index
	case *planner.Literal:
		y, ok := b.(*planner.Literal)
		return ok && arrow.TypeEqual(x.DataType, y.DataType) && x.Value == y.Value
	case *planner.Binary:
		y, ok := b.(*planner.Binary)
		return ok && x.Op == y.Op && arrow.TypeEqual(x.DataType, y.DataType)
	case *planner.Not:
		_, ok := b.(*planner.Not)
		return ok
	case *planner.Negate:
		_, ok := b.(*planner.Negate)
		return ok
	case *planner.IsNull:
		y, ok := b.(*planner.IsNull)
		return ok && x.Negated == y.Negated
	case *planner.Like:
		y, ok := b.(*planner.Like)
		return ok && x.Negated == y.Negated && x.CaseInsensitive == y.CaseInsensitive
	case *planner.InList:
		y, ok := b.(*planner.InList)
		return ok && x.Negated == y.Negated
	case *planner.Case:
		y, ok := b.(*planner.Case)
		return ok && len(x.Whens) == len(y.Whens) && (x.Else == nil) == (y.Else == nil) && arrow.TypeEqual(x.DataType, y.DataType)
	case *planner.Cast:
		y, ok := b.(*planner.Cast)
		return ok && arrow.TypeEqual(x.To, y.To)
	case *planner.Func:
		y, ok := b.(*planner.Func)
		return ok && x.Name == y.Name && x.Name != "rand" && arrow.TypeEqual(x.DataType, y.DataType)
	case *aggRef:
		y, ok := b.(*aggRef)
		return ok && x.idx == y.idx
	case *winRef:
		y, ok := b.(*winRef)
		return ok && x.idx == y.idx
	case *planner.InSubquery:
		y, ok := b.(*planner.InSubquery)
		return ok && x.Plan == y.Plan && x.Negated == y.Negated
	}
	// Scalar subqueries, EXISTS and anything unknown: only the same value.
	return a == b
}
