package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// joinUnknownCond is, over left ++ right columns, the condition under
// which a pair makes SQL's (l1, ...) IN (SELECT r1, ...) unknown rather
// than FALSE: no key compares definitely unequal, and the residual filter
// holds. Callers evaluate it only on pairs that did not match and where a
// key is NULL on one side, so "not unequal" there means "unknown":
//
//	AND over keys k:  l_k IS NULL OR r_k IS NULL OR l_k = r_k
//	                  (l_k IS NOT DISTINCT FROM r_k for null-safe keys)
//	AND filter
func joinUnknownCond(left, right []planner.Expr, nullSafe []bool, leftWidth int, filter planner.Expr) planner.Expr {
	boolean := planner.TypeBoolean
	var cond planner.Expr
	and := func(e planner.Expr) {
		if cond == nil {
			cond = e
			return
		}
		cond = &planner.Binary{Op: planner.OpAnd, Left: cond, Right: e, DataType: boolean}
	}
	for k := range left {
		l, r := left[k], joinShiftColumns(right[k], leftWidth)
		if nullSafe[k] {
			and(&planner.Binary{Op: planner.OpIsNotDistinctFrom, Left: l, Right: r, DataType: boolean})
			continue
		}
		either := &planner.Binary{Op: planner.OpOr, Left: &planner.IsNull{X: l}, Right: &planner.IsNull{X: r}, DataType: boolean}
		and(&planner.Binary{Op: planner.OpOr, Left: either,
			Right: &planner.Binary{Op: planner.OpEq, Left: l, Right: r, DataType: boolean}, DataType: boolean})
	}
	if filter != nil {
		and(filter)
	}
	return cond
}

// joinShiftColumns returns e with every column index moved by delta (to read
// the right side's columns from a left ++ right batch).
func joinShiftColumns(e planner.Expr, delta int) planner.Expr {
	if c, ok := e.(*planner.Column); ok {
		n := *c
		n.Index += delta
		return &n
	}
	ch := e.Children()
	if len(ch) == 0 {
		return e
	}
	out := make([]planner.Expr, len(ch))
	for i, c := range ch {
		out[i] = joinShiftColumns(c, delta)
	}
	return e.WithChildren(out)
}

// joinWithNulls assembles an output batch of schema from left columns
// (or, when leftCols is nil, all-NULL columns of leftNull types) followed
// by right columns (or all-NULL columns of rightNull types), for the
// unmatched rows of outer joins.
func joinWithNulls(mem memory.Allocator, schema *arrow.Schema, leftCols []arrow.Array, leftNull []arrow.DataType,
	rightCols []arrow.Array, rightNull []arrow.DataType, n int) arrow.RecordBatch {
	cols := make([]arrow.Array, 0, schema.NumFields())
	var made []arrow.Array
	add := func(given []arrow.Array, nullTypes []arrow.DataType) {
		if given != nil {
			cols = append(cols, given...)
			return
		}
		for _, dt := range nullTypes {
			a := array.MakeArrayOfNull(mem, dt, n)
			made = append(made, a)
			cols = append(cols, a)
		}
	}
	add(leftCols, leftNull)
	add(rightCols, rightNull)
	out := array.NewRecordBatch(schema, cols, int64(n))
	freeArrays(made)
	return out
}
