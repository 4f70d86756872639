package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/exec/hashing"
)

// distinctAgg computes an aggregate over the distinct argument values of
// each group (count(DISTINCT x), sum(DISTINCT x)). It keeps the set of
// (group, values) pairs seen in a hash table and feeds the inner aggregate
// only the rows that add a new pair. It runs only where all rows of a group
// arrive at one operator (AggSingle), since sets do not merge as states.
type distinctAgg struct {
	inner aggregator
	mem   memory.Allocator
	seen  *hashing.Table // keys: group id, then the arguments
	pairs []uint32
	sel   []int32
	first []bool // per pair new in the batch: already fed
}

func newDistinctAgg(inner aggregator, mem memory.Allocator, argTypes []arrow.DataType) (*distinctAgg, error) {
	types := append([]arrow.DataType{arrow.PrimitiveTypes.Uint32}, argTypes...)
	t, err := hashing.NewTable(types, nil)
	if err != nil {
		return nil, err
	}
	return &distinctAgg{inner: inner, mem: mem, seen: t}, nil
}

func (a *distinctAgg) grow(n int) { a.inner.grow(n) }

func (a *distinctAgg) update(args []arrow.Array, groups []uint32) error {
	n := len(groups)
	gcol := aggUint32Array(groups)
	defer gcol.Release()
	a.pairs = aggGrowSlice(a.pairs[:0], n)
	before := uint32(a.seen.Len())
	if err := a.seen.Insert(append([]arrow.Array{gcol}, args...), a.pairs); err != nil {
		return err
	}
	// A row feeds the aggregate when it is the first of a pair new in this
	// batch (new pairs have ids from before on).
	fresh := a.seen.Len() - int(before)
	a.first = aggGrowSlice(a.first[:0], fresh)
	sel := a.sel[:0]
	for i, p := range a.pairs {
		if p >= before && !a.first[p-before] {
			a.first[p-before] = true
			sel = append(sel, int32(i))
		}
	}
	a.sel = sel
	if len(sel) == 0 {
		return nil
	}
	if len(sel) == n {
		return a.inner.update(args, groups)
	}
	taken := make([]arrow.Array, len(args))
	defer freeArrays(taken)
	for i, x := range args {
		t, err := eval.TakeArray(a.mem, x, sel)
		if err != nil {
			return err
		}
		taken[i] = t
	}
	sub := make([]uint32, len(sel))
	for k, r := range sel {
		sub[k] = groups[r]
	}
	return a.inner.update(taken, sub)
}

func (a *distinctAgg) merge([]arrow.Array, []uint32) error {
	return errDistinctMerge
}

func (a *distinctAgg) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return a.inner.final(mem, from, to)
}

func (a *distinctAgg) partial(memory.Allocator, int, int) ([]arrow.Array, error) {
	return nil, errDistinctMerge
}

func (a *distinctAgg) size() int {
	return a.inner.size() + a.seen.Size() + 4*cap(a.pairs) + 4*cap(a.sel)
}

// aggUint32Array wraps vals, without copying, as a UINT32 array that does not
// own its memory (so it needs no allocator).
func aggUint32Array(vals []uint32) arrow.Array {
	var buf *memory.Buffer
	if len(vals) > 0 {
		buf = memory.NewBufferBytes(arrow.Uint32Traits.CastToBytes(vals))
	}
	data := array.NewData(arrow.PrimitiveTypes.Uint32, len(vals), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}
