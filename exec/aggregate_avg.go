package exec

import (
	"fmt"
	"github.com/ember-sql/ember/exec/eval"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// An average's state is a sum and a count of non-NULL values; the partial
// state is those two columns, and a group with count 0 averages to NULL.

// floatAvg is avg over integers or doubles into DOUBLE. Integers are summed
// as doubles, as Spark does, so no average overflows.
type floatAvg struct {
	states []sumCount[float64]
}

func (a *floatAvg) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *floatAvg) update(args []arrow.Array, groups []uint32) error {
	return aggAccumulateAny(a.states, args[0], groups, "avg")
}

// aggAccumulateAny adds the non-NULL numbers of x, as doubles, into states
// by group.
func aggAccumulateAny(states []sumCount[float64], x arrow.Array, groups []uint32, fn string) error {
	switch x.DataType().ID() {
	case arrow.NULL:
	case arrow.INT8:
		aggAccumulate(states, arrow.GetValues[int8](x.Data(), 1), groups, x)
	case arrow.INT16:
		aggAccumulate(states, arrow.GetValues[int16](x.Data(), 1), groups, x)
	case arrow.INT32:
		aggAccumulate(states, arrow.GetValues[int32](x.Data(), 1), groups, x)
	case arrow.INT64:
		aggAccumulate(states, arrow.GetValues[int64](x.Data(), 1), groups, x)
	case arrow.FLOAT32:
		aggAccumulate(states, arrow.GetValues[float32](x.Data(), 1), groups, x)
	case arrow.FLOAT64:
		aggAccumulate(states, arrow.GetValues[float64](x.Data(), 1), groups, x)
	default:
		return fmt.Errorf("%s: cannot add up %s as DOUBLE", fn, planner.TypeName(x.DataType()))
	}
	return nil
}

// aggAccumulate adds the non-NULL vals into states by group.
func aggAccumulate[T int8 | int16 | int32 | int64 | float32 | float64](states []sumCount[float64], vals []T, groups []uint32, x arrow.Array) {
	vals = vals[:len(groups)]
	bm, off := aggNulls(x)
	if bm == nil {
		for i, g := range groups {
			st := &states[g]
			st.sum += float64(vals[i])
			st.n++
		}
		return
	}
	for i, g := range groups {
		if aggValid(bm, off, i) {
			st := &states[g]
			st.sum += float64(vals[i])
			st.n++
		}
	}
}

func (a *floatAvg) merge(states []arrow.Array, groups []uint32) error {
	sums := arrow.GetValues[float64](states[0].Data(), 1)
	counts := arrow.GetValues[int64](states[1].Data(), 1)
	bm, off := aggNulls(states[0])
	for i, g := range groups {
		if aggValid(bm, off, i) {
			st := &a.states[g]
			st.sum += sums[i]
			st.n += counts[i]
		}
	}
	return nil
}

func (a *floatAvg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	states := a.states[from:to]
	vals := make([]float64, len(states))
	seen := make([]bool, len(states))
	for i, s := range states {
		if s.n > 0 {
			vals[i], seen[i] = s.sum/float64(s.n), true
		}
	}
	return aggFixedArray(mem, planner.TypeDouble, vals, seen), nil
}

func (a *floatAvg) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	sums, seen := sumsOf(a.states[from:to])
	return []arrow.Array{
		aggFixedArray(mem, planner.TypeDouble, sums, seen),
		aggFixedArray(mem, planner.TypeBigInt, countsOf(a.states[from:to]), nil),
	}, nil
}

func (a *floatAvg) size() int { return aggSizeOf(a.states) }

// decimalAvg is avg over DECIMAL(p,s): an exact sum (checked against
// DECIMAL(min(38,p+10),s), Spark's sum type) divided by the count and
// rounded HALF_UP to the result scale.
type decimalAvg struct {
	call    *planner.AggregateCall
	sumType *arrow.Decimal128Type
	typ     *arrow.Decimal128Type // the result type
	states  []sumCount[decimal128.Num]
}

func (a *decimalAvg) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *decimalAvg) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	if x.DataType().ID() != arrow.DECIMAL128 {
		return fmt.Errorf("%s: cannot average %s as a decimal", a.call, planner.TypeName(x.DataType()))
	}
	if aggAddDecimals(a.states, arrow.GetValues[decimal128.Num](x.Data(), 1), nil, groups, x) {
		return eval.DataErrorf("%s: decimal overflow", a.call)
	}
	return nil
}

func (a *decimalAvg) merge(states []arrow.Array, groups []uint32) error {
	sums := arrow.GetValues[decimal128.Num](states[0].Data(), 1)
	counts := arrow.GetValues[int64](states[1].Data(), 1)
	if aggAddDecimals(a.states, sums, counts, groups, states[0]) {
		return eval.DataErrorf("%s: decimal overflow", a.call)
	}
	return nil
}

func (a *decimalAvg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	states := a.states[from:to]
	if err := aggCheckPrecision(a.call, states, a.sumType.Precision); err != nil {
		return nil, err
	}
	vals := make([]decimal128.Num, len(states))
	seen := make([]bool, len(states))
	shift := a.typ.Scale - a.sumType.Scale
	for i, s := range states {
		if s.n == 0 {
			continue
		}
		q, ok := aggDivHalfUp(s.sum, shift, s.n)
		if !ok || !q.FitsInPrecision(a.typ.Precision) {
			return nil, eval.DataErrorf("%s: decimal overflow: the average does not fit %s", a.call, planner.TypeName(a.typ))
		}
		vals[i], seen[i] = q, true
	}
	return aggFixedArray(mem, a.typ, vals, seen), nil
}

func (a *decimalAvg) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	states := a.states[from:to]
	if err := aggCheckPrecision(a.call, states, a.sumType.Precision); err != nil {
		return nil, err
	}
	sums, seen := sumsOf(states)
	return []arrow.Array{
		aggFixedArray(mem, a.sumType, sums, seen),
		aggFixedArray(mem, planner.TypeBigInt, countsOf(states), nil),
	}, nil
}

func (a *decimalAvg) size() int { return aggSizeOf(a.states) }
