package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// The sums keep a value and a seen flag per group: a group whose values
// were all NULL sums to NULL. A partial sum state is the sum itself, NULL
// when nothing was seen, so merging partial sums is summing them again.

// intSum is sum over integers into BIGINT; overflow is an error (ANSI).
type intSum struct {
	call *planner.AggregateCall
	sums []int64
	seen []bool
}

func (a *intSum) grow(n int) {
	a.sums = aggGrowSlice(a.sums, n)
	a.seen = aggGrowSlice(a.seen, n)
}

func (a *intSum) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	var overflow bool
	switch x.DataType().ID() {
	case arrow.NULL:
		return nil
	case arrow.INT8:
		overflow = aggAddInts(a.sums, a.seen, arrow.GetValues[int8](x.Data(), 1), groups, x)
	case arrow.INT16:
		overflow = aggAddInts(a.sums, a.seen, arrow.GetValues[int16](x.Data(), 1), groups, x)
	case arrow.INT32:
		overflow = aggAddInts(a.sums, a.seen, arrow.GetValues[int32](x.Data(), 1), groups, x)
	case arrow.INT64:
		overflow = aggAddInts(a.sums, a.seen, arrow.GetValues[int64](x.Data(), 1), groups, x)
	default:
		return fmt.Errorf("%s: cannot sum %s", a.call, planner.TypeName(x.DataType()))
	}
	if overflow {
		return fmt.Errorf("%s: integer overflow", a.call)
	}
	return nil
}

// aggAddInts adds the non-NULL vals into sums by group and reports overflow.
func aggAddInts[T int8 | int16 | int32 | int64](sums []int64, seen []bool, vals []T, groups []uint32, x arrow.Array) bool {
	var overflow int64
	vals = vals[:len(groups)]
	if x.NullN() == 0 {
		for i, g := range groups {
			s, v := sums[g], int64(vals[i])
			r := s + v
			overflow |= (s ^ r) & (v ^ r)
			sums[g] = r
			seen[g] = true
		}
		return overflow < 0
	}
	bm, off := aggNulls(x)
	for i, g := range groups {
		if !aggValid(bm, off, i) {
			continue
		}
		s, v := sums[g], int64(vals[i])
		r := s + v
		overflow |= (s ^ r) & (v ^ r)
		sums[g] = r
		seen[g] = true
	}
	return overflow < 0
}

func (a *intSum) merge(states []arrow.Array, groups []uint32) error { return a.update(states, groups) }

func (a *intSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return aggFixedArray(mem, planner.TypeBigInt, a.sums[from:to], a.seen[from:to]), nil
}

func (a *intSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *intSum) size() int { return aggSizeOf(a.sums) + aggSizeOf(a.seen) }

// floatSum is sum over DOUBLE (IEEE: no overflow error, as in Spark).
type floatSum struct {
	sums []float64
	seen []bool
}

func (a *floatSum) grow(n int) {
	a.sums = aggGrowSlice(a.sums, n)
	a.seen = aggGrowSlice(a.seen, n)
}

func (a *floatSum) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	switch x.DataType().ID() {
	case arrow.NULL:
	case arrow.FLOAT32:
		aggAddFloats(a.sums, a.seen, arrow.GetValues[float32](x.Data(), 1), groups, x)
	case arrow.FLOAT64:
		aggAddFloats(a.sums, a.seen, arrow.GetValues[float64](x.Data(), 1), groups, x)
	default:
		return fmt.Errorf("sum: cannot sum %s as DOUBLE", planner.TypeName(x.DataType()))
	}
	return nil
}

// aggAddFloats adds the non-NULL vals into sums by group.
func aggAddFloats[T float32 | float64](sums []float64, seen []bool, vals []T, groups []uint32, x arrow.Array) {
	vals = vals[:len(groups)]
	bm, off := aggNulls(x)
	for i, g := range groups {
		if aggValid(bm, off, i) {
			sums[g] += float64(vals[i])
			seen[g] = true
		}
	}
}

func (a *floatSum) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *floatSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return aggFixedArray(mem, planner.TypeDouble, a.sums[from:to], a.seen[from:to]), nil
}

func (a *floatSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *floatSum) size() int { return aggSizeOf(a.sums) + aggSizeOf(a.seen) }

// decimalSum is sum over DECIMAL(p,s), exact in 128 bits, into
// DECIMAL(min(38,p+10),s); a sum beyond that precision is an error.
type decimalSum struct {
	call *planner.AggregateCall
	typ  *arrow.Decimal128Type // the result (and state) type
	sums []decimal128.Num
	seen []bool
}

func (a *decimalSum) grow(n int) {
	a.sums = aggGrowSlice(a.sums, n)
	a.seen = aggGrowSlice(a.seen, n)
}

func (a *decimalSum) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	if x.DataType().ID() != arrow.DECIMAL128 {
		return fmt.Errorf("%s: cannot sum %s as a decimal", a.call, planner.TypeName(x.DataType()))
	}
	vals := arrow.GetValues[decimal128.Num](x.Data(), 1)
	bm, off := aggNulls(x)
	if aggAddDecimals(a.sums, a.seen, vals, groups, bm, off) {
		return fmt.Errorf("%s: decimal overflow", a.call)
	}
	return nil
}

func (a *decimalSum) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

// aggCheckPrecision fails when a sum of groups [from, to) needs more digits
// than prec.
func aggCheckPrecision(call *planner.AggregateCall, sums []decimal128.Num, seen []bool, prec int32) error {
	for i, s := range sums {
		if seen[i] && !s.FitsInPrecision(prec) {
			return fmt.Errorf("%s: decimal overflow: the sum needs more than %d digits", call, prec)
		}
	}
	return nil
}

func (a *decimalSum) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	if err := aggCheckPrecision(a.call, a.sums[from:to], a.seen[from:to], a.typ.Precision); err != nil {
		return nil, err
	}
	return aggFixedArray(mem, a.typ, a.sums[from:to], a.seen[from:to]), nil
}

func (a *decimalSum) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, err := a.final(mem, from, to)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{arr}, nil
}

func (a *decimalSum) size() int { return aggSizeOf(a.sums) + aggSizeOf(a.seen) }
