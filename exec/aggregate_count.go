package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// countAgg is count(*) (no arguments) and count(x, ...), which counts the
// rows where every argument is non-NULL. Its state is the count itself.
type countAgg struct {
	counts []int64
}

func (a *countAgg) grow(n int) { a.counts = aggGrowSlice(a.counts, n) }

func (a *countAgg) update(args []arrow.Array, groups []uint32) error {
	counts := a.counts
	withNulls := args[:0:0]
	for _, x := range args {
		if x.DataType().ID() == arrow.NULL {
			return nil // every value is NULL: nothing to count
		}
		if x.NullN() > 0 {
			withNulls = append(withNulls, x)
		}
	}
	if len(withNulls) == 0 {
		for _, g := range groups {
			counts[g]++
		}
		return nil
	}
	if len(withNulls) == 1 {
		bm, off := aggNulls(withNulls[0])
		for i, g := range groups {
			if aggValid(bm, off, i) {
				counts[g]++
			}
		}
		return nil
	}
	for i, g := range groups {
		ok := true
		for _, x := range withNulls {
			if x.IsNull(i) {
				ok = false
				break
			}
		}
		if ok {
			counts[g]++
		}
	}
	return nil
}

func (a *countAgg) merge(states []arrow.Array, groups []uint32) error {
	vals := arrow.GetValues[int64](states[0].Data(), 1)
	bm, off := aggNulls(states[0])
	for i, g := range groups {
		if aggValid(bm, off, i) {
			a.counts[g] += vals[i]
		}
	}
	return nil
}

func (a *countAgg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return aggFixedArray(mem, planner.TypeBigInt, a.counts[from:to], nil), nil
}

func (a *countAgg) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, err := a.final(mem, from, to)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{arr}, nil
}

func (a *countAgg) size() int { return aggSizeOf(a.counts) }
