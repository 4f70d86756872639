package exec

import (
	"fmt"
	"github.com/ember-sql/ember/exec/eval"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// sumCount is the state of a sum or an average: the sum of a group's
// non-NULL values and how many there were (a sum of none is NULL). Both
// live in one struct so that updating a group touches one cache line, which
// matters once there are more groups than fit in cache.
type sumCount[T int64 | float64 | decimal128.Num] struct {
	sum T
	n   int64
}

// sumsOf copies the sums of states into a slice, with seen[i] telling
// whether state i has a value.
func sumsOf[T int64 | float64 | decimal128.Num](states []sumCount[T]) ([]T, []bool) {
	sums := make([]T, len(states))
	seen := make([]bool, len(states))
	for i, s := range states {
		sums[i], seen[i] = s.sum, s.n > 0
	}
	return sums, seen
}

// countsOf copies the counts of states.
func countsOf[T int64 | float64 | decimal128.Num](states []sumCount[T]) []int64 {
	out := make([]int64, len(states))
	for i, s := range states {
		out[i] = s.n
	}
	return out
}

// A partial sum state is the sum itself, NULL when nothing was seen, so
// merging partial sums is summing them again.

// intSum is sum over integers into BIGINT; overflow is an error (ANSI).
type intSum struct {
	call   *planner.AggregateCall
	states []sumCount[int64]
}

func (a *intSum) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *intSum) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	var overflow bool
	switch x.DataType().ID() {
	case arrow.NULL:
		return nil
	case arrow.INT8:
		overflow = aggAddInts(a.states, arrow.GetValues[int8](x.Data(), 1), groups, x)
	case arrow.INT16:
		overflow = aggAddInts(a.states, arrow.GetValues[int16](x.Data(), 1), groups, x)
	case arrow.INT32:
		overflow = aggAddInts(a.states, arrow.GetValues[int32](x.Data(), 1), groups, x)
	case arrow.INT64:
		overflow = aggAddInts(a.states, arrow.GetValues[int64](x.Data(), 1), groups, x)
	default:
		return fmt.Errorf("%s: cannot sum %s", a.call, planner.TypeName(x.DataType()))
	}
	if overflow {
		return eval.DataErrorf("%s: integer overflow", a.call)
	}
	return nil
}

// aggAddInts adds the non-NULL vals into states by group and reports
// overflow.
func aggAddInts[T int8 | int16 | int32 | int64](states []sumCount[int64], vals []T, groups []uint32, x arrow.Array) bool {
	var overflow int64
	vals = vals[:len(groups)]
	bm, off := aggNulls(x)
	for i, g := range groups {
		if bm != nil && !aggValid(bm, off, i) {
			continue
		}
		st := &states[g]
		s, v := st.sum, int64(vals[i])
		r := s + v
		overflow |= (s ^ r) & (v ^ r)
		st.sum = r
		st.n++
	}
	return overflow < 0
}

func (a *intSum) merge(states []arrow.Array, groups []uint32) error { return a.update(states, groups) }

func (a *intSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	sums, seen := sumsOf(a.states[from:to])
	return aggFixedArray(mem, planner.TypeBigInt, sums, seen), nil
}

func (a *intSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *intSum) size() int { return aggSizeOf(a.states) }

// floatSum is sum over DOUBLE (IEEE: no overflow error, as in Spark).
type floatSum struct {
	states []sumCount[float64]
}

func (a *floatSum) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *floatSum) update(args []arrow.Array, groups []uint32) error {
	return aggAccumulateAny(a.states, args[0], groups, "sum")
}

func (a *floatSum) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *floatSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	sums, seen := sumsOf(a.states[from:to])
	return aggFixedArray(mem, planner.TypeDouble, sums, seen), nil
}

func (a *floatSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *floatSum) size() int { return aggSizeOf(a.states) }

// decimalSum is sum over DECIMAL(p,s), exact in 128 bits, into
// DECIMAL(min(38,p+10),s); a sum beyond that precision is an error.
type decimalSum struct {
	call   *planner.AggregateCall
	typ    *arrow.Decimal128Type // the result (and state) type
	states []sumCount[decimal128.Num]
}

func (a *decimalSum) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *decimalSum) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	if x.DataType().ID() != arrow.DECIMAL128 {
		return fmt.Errorf("%s: cannot sum %s as a decimal", a.call, planner.TypeName(x.DataType()))
	}
	if aggAddDecimals(a.states, arrow.GetValues[decimal128.Num](x.Data(), 1), nil, groups, x) {
		return eval.DataErrorf("%s: decimal overflow", a.call)
	}
	return nil
}

func (a *decimalSum) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

// aggCheckPrecision fails when a sum needs more digits than prec.
func aggCheckPrecision(call *planner.AggregateCall, states []sumCount[decimal128.Num], prec int32) error {
	for _, s := range states {
		if s.n > 0 && !s.sum.FitsInPrecision(prec) {
			return eval.DataErrorf("%s: decimal overflow: the sum needs more than %d digits", call, prec)
		}
	}
	return nil
}

func (a *decimalSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	if err := aggCheckPrecision(a.call, a.states[from:to], a.typ.Precision); err != nil {
		return nil, err
	}
	sums, seen := sumsOf(a.states[from:to])
	return aggFixedArray(mem, a.typ, sums, seen), nil
}

func (a *decimalSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, err := a.final(mem, from, to)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{arr}, nil
}

func (a *decimalSum) size() int { return aggSizeOf(a.states) }
