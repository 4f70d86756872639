package exec

import (
	"fmt"

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
	sums   []float64
	counts []int64
}

func (a *floatAvg) grow(n int) {
	a.sums = aggGrowSlice(a.sums, n)
	a.counts = aggGrowSlice(a.counts, n)
}

func (a *floatAvg) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	switch x.DataType().ID() {
	case arrow.NULL:
	case arrow.INT8:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[int8](x.Data(), 1), groups, x)
	case arrow.INT16:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[int16](x.Data(), 1), groups, x)
	case arrow.INT32:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[int32](x.Data(), 1), groups, x)
	case arrow.INT64:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[int64](x.Data(), 1), groups, x)
	case arrow.FLOAT32:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[float32](x.Data(), 1), groups, x)
	case arrow.FLOAT64:
		aggAccumulate(a.sums, a.counts, arrow.GetValues[float64](x.Data(), 1), groups, x)
	default:
		return fmt.Errorf("avg: cannot average %s", planner.TypeName(x.DataType()))
	}
	return nil
}

// accumulate adds the non-NULL vals into sums and counts by group.
func aggAccumulate[T int8 | int16 | int32 | int64 | float32 | float64](sums []float64, counts []int64, vals []T, groups []uint32, x arrow.Array) {
	vals = vals[:len(groups)]
	if x.NullN() == 0 {
		for i, g := range groups {
			sums[g] += float64(vals[i])
			counts[g]++
		}
		return
	}
	bm, off := aggNulls(x)
	for i, g := range groups {
		if aggValid(bm, off, i) {
			sums[g] += float64(vals[i])
			counts[g]++
		}
	}
}

func (a *floatAvg) merge(states []arrow.Array, groups []uint32) error {
	sums := arrow.GetValues[float64](states[0].Data(), 1)
	counts := arrow.GetValues[int64](states[1].Data(), 1)
	sbm, soff := aggNulls(states[0])
	for i, g := range groups {
		if aggValid(sbm, soff, i) {
			a.sums[g] += sums[i]
			a.counts[g] += counts[i]
		}
	}
	return nil
}

func (a *floatAvg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	n := to - from
	vals := make([]float64, n)
	seen := make([]bool, n)
	for i := range vals {
		if c := a.counts[from+i]; c > 0 {
			vals[i] = a.sums[from+i] / float64(c)
			seen[i] = true
		}
	}
	return aggFixedArray(mem, planner.TypeDouble, vals, seen), nil
}

func (a *floatAvg) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	seen := make([]bool, to-from)
	for i := range seen {
		seen[i] = a.counts[from+i] > 0
	}
	return []arrow.Array{
		aggFixedArray(mem, planner.TypeDouble, a.sums[from:to], seen),
		aggFixedArray(mem, planner.TypeBigInt, a.counts[from:to], nil),
	}, nil
}

func (a *floatAvg) size() int { return aggSizeOf(a.sums) + aggSizeOf(a.counts) }

// decimalAvg is avg over DECIMAL(p,s): an exact sum (checked against
// DECIMAL(min(38,p+10),s), Spark's sum type) divided by the count and
// rounded HALF_UP to the result scale.
type decimalAvg struct {
	call    *planner.AggregateCall
	sumType *arrow.Decimal128Type
	typ     *arrow.Decimal128Type // the result type
	sums    []decimal128.Num
	seen    []bool
	counts  []int64
}

func (a *decimalAvg) grow(n int) {
	a.sums = aggGrowSlice(a.sums, n)
	a.seen = aggGrowSlice(a.seen, n)
	a.counts = aggGrowSlice(a.counts, n)
}

func (a *decimalAvg) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	if x.DataType().ID() != arrow.DECIMAL128 {
		return fmt.Errorf("%s: cannot average %s as a decimal", a.call, planner.TypeName(x.DataType()))
	}
	vals := arrow.GetValues[decimal128.Num](x.Data(), 1)
	bm, off := aggNulls(x)
	if aggAddDecimals(a.sums, a.seen, vals, groups, bm, off) {
		return fmt.Errorf("%s: decimal overflow", a.call)
	}
	for i, g := range groups {
		if aggValid(bm, off, i) {
			a.counts[g]++
		}
	}
	return nil
}

func (a *decimalAvg) merge(states []arrow.Array, groups []uint32) error {
	vals := arrow.GetValues[decimal128.Num](states[0].Data(), 1)
	counts := arrow.GetValues[int64](states[1].Data(), 1)
	bm, off := aggNulls(states[0])
	if aggAddDecimals(a.sums, a.seen, vals, groups, bm, off) {
		return fmt.Errorf("%s: decimal overflow", a.call)
	}
	for i, g := range groups {
		if aggValid(bm, off, i) {
			a.counts[g] += counts[i]
		}
	}
	return nil
}

func (a *decimalAvg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	if err := aggCheckPrecision(a.call, a.sums[from:to], a.seen[from:to], a.sumType.Precision); err != nil {
		return nil, err
	}
	n := to - from
	vals := make([]decimal128.Num, n)
	seen := make([]bool, n)
	shift := a.typ.Scale - a.sumType.Scale
	for i := range vals {
		c := a.counts[from+i]
		if c == 0 {
			continue
		}
		q, ok := aggDivHalfUp(a.sums[from+i], shift, c)
		if !ok || !q.FitsInPrecision(a.typ.Precision) {
			return nil, fmt.Errorf("%s: decimal overflow: the average does not fit %s", a.call, planner.TypeName(a.typ))
		}
		vals[i], seen[i] = q, true
	}
	return aggFixedArray(mem, a.typ, vals, seen), nil
}

func (a *decimalAvg) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	if err := aggCheckPrecision(a.call, a.sums[from:to], a.seen[from:to], a.sumType.Precision); err != nil {
		return nil, err
	}
	return []arrow.Array{
		aggFixedArray(mem, a.sumType, a.sums[from:to], a.seen[from:to]),
		aggFixedArray(mem, planner.TypeBigInt, a.counts[from:to], nil),
	}, nil
}

func (a *decimalAvg) size() int {
	return aggSizeOf(a.sums) + aggSizeOf(a.seen) + aggSizeOf(a.counts)
}
