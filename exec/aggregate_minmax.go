package exec

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// pickKind says which value of a group min, max and first keep. Their
// state is the kept value, NULL until a non-NULL value arrives, so merging
// partial states is the same fold as updating with raw values.
type pickKind int

const (
	pickMin pickKind = iota
	pickMax
	// pickFirst keeps the first non-NULL value (NULLs are ignored, as by
	// every aggregate here).
	pickFirst
)

// newPick returns the min, max or first aggregator for values of type dt.
func newPick(kind pickKind, dt arrow.DataType) (aggregator, error) {
	switch dt.ID() {
	case arrow.NULL:
		return &nullPick{}, nil
	case arrow.BOOL:
		return &boolPick{kind: kind}, nil
	case arrow.INT8:
		return &intPick[int8]{kind: kind, dt: dt}, nil
	case arrow.INT16:
		return &intPick[int16]{kind: kind, dt: dt}, nil
	case arrow.INT32, arrow.DATE32:
		return &intPick[int32]{kind: kind, dt: dt}, nil
	case arrow.INT64, arrow.TIMESTAMP:
		return &intPick[int64]{kind: kind, dt: dt}, nil
	case arrow.FLOAT32:
		return &floatPick[float32]{kind: kind, dt: dt}, nil
	case arrow.FLOAT64:
		return &floatPick[float64]{kind: kind, dt: dt}, nil
	case arrow.DECIMAL128:
		return &decimalPick{kind: kind, dt: dt}, nil
	case arrow.STRING, arrow.LARGE_STRING:
		return &stringPick{kind: kind, dt: dt}, nil
	}
	return nil, fmt.Errorf("cannot compute min, max or first of %s", planner.TypeName(dt))
}

// picked is the state of min, max or first: the value kept and whether
// there is one, side by side so that an update touches one cache line.
type picked[T any] struct {
	v    T
	seen bool
}

// pickedValues splits states into values and seen flags for output.
func pickedValues[T any](states []picked[T]) ([]T, []bool) {
	vals := make([]T, len(states))
	seen := make([]bool, len(states))
	for i, s := range states {
		vals[i], seen[i] = s.v, s.seen
	}
	return vals, seen
}

// intPick is min/max/first over integers, dates and timestamps.
type intPick[T int8 | int16 | int32 | int64] struct {
	kind   pickKind
	dt     arrow.DataType
	states []picked[T]
}

func (a *intPick[T]) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *intPick[T]) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	vals := arrow.GetValues[T](x.Data(), 1)[:len(groups)]
	bm, off := aggNulls(x)
	switch a.kind {
	case pickMin:
		for i, g := range groups {
			if st := &a.states[g]; aggValid(bm, off, i) && (!st.seen || vals[i] < st.v) {
				st.v, st.seen = vals[i], true
			}
		}
	case pickMax:
		for i, g := range groups {
			if st := &a.states[g]; aggValid(bm, off, i) && (!st.seen || vals[i] > st.v) {
				st.v, st.seen = vals[i], true
			}
		}
	case pickFirst:
		for i, g := range groups {
			if st := &a.states[g]; !st.seen && aggValid(bm, off, i) {
				st.v, st.seen = vals[i], true
			}
		}
	}
	return nil
}

func (a *intPick[T]) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *intPick[T]) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	vals, seen := pickedValues(a.states[from:to])
	return aggFixedArray(mem, a.dt, vals, seen), nil
}

func (a *intPick[T]) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *intPick[T]) size() int { return aggSizeOf(a.states) }

// floatPick is min/max/first over doubles. As in Spark, NaN is greater
// than every other value.
type floatPick[T float32 | float64] struct {
	kind   pickKind
	dt     arrow.DataType
	states []picked[T]
}

// aggFloatLess orders NaN after every number.
func aggFloatLess[T float32 | float64](a, b T) bool { return a < b || (b != b && a == a) }

func (a *floatPick[T]) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *floatPick[T]) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	vals := arrow.GetValues[T](x.Data(), 1)[:len(groups)]
	bm, off := aggNulls(x)
	for i, g := range groups {
		if !aggValid(bm, off, i) {
			continue
		}
		v, st := vals[i], &a.states[g]
		var take bool
		switch a.kind {
		case pickMin:
			take = !st.seen || aggFloatLess(v, st.v)
		case pickMax:
			take = !st.seen || aggFloatLess(st.v, v)
		default:
			take = !st.seen
		}
		if take {
			st.v, st.seen = v, true
		}
	}
	return nil
}

func (a *floatPick[T]) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *floatPick[T]) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	vals, seen := pickedValues(a.states[from:to])
	return aggFixedArray(mem, a.dt, vals, seen), nil
}

func (a *floatPick[T]) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *floatPick[T]) size() int { return aggSizeOf(a.states) }

// decimalPick is min/max/first over decimals.
type decimalPick struct {
	kind   pickKind
	dt     arrow.DataType
	states []picked[decimal128.Num]
}

func (a *decimalPick) grow(n int) { a.states = aggGrowSlice(a.states, n) }

func (a *decimalPick) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	vals := arrow.GetValues[decimal128.Num](x.Data(), 1)[:len(groups)]
	bm, off := aggNulls(x)
	for i, g := range groups {
		if !aggValid(bm, off, i) {
			continue
		}
		v, st := vals[i], &a.states[g]
		var take bool
		switch a.kind {
		case pickMin:
			take = !st.seen || v.Less(st.v)
		case pickMax:
			take = !st.seen || v.Greater(st.v)
		default:
			take = !st.seen
		}
		if take {
			st.v, st.seen = v, true
		}
	}
	return nil
}

func (a *decimalPick) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *decimalPick) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	vals, seen := pickedValues(a.states[from:to])
	return aggFixedArray(mem, a.dt, vals, seen), nil
}

func (a *decimalPick) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *decimalPick) size() int { return aggSizeOf(a.states) }

// boolPick is min/max/first over BOOLEAN (FALSE < TRUE).
type boolPick struct {
	kind pickKind
	vals []bool
	seen []bool
}

func (a *boolPick) grow(n int) {
	a.vals = aggGrowSlice(a.vals, n)
	a.seen = aggGrowSlice(a.seen, n)
}

func (a *boolPick) update(args []arrow.Array, groups []uint32) error {
	x, ok := args[0].(*array.Boolean)
	if !ok {
		return nil // the NULL type: nothing to pick
	}
	bm, off := aggNulls(x)
	for i, g := range groups {
		if !aggValid(bm, off, i) {
			continue
		}
		v := x.Value(i)
		switch {
		case !a.seen[g]:
			a.vals[g], a.seen[g] = v, true
		case a.kind == pickMin:
			a.vals[g] = a.vals[g] && v
		case a.kind == pickMax:
			a.vals[g] = a.vals[g] || v
		}
	}
	return nil
}

func (a *boolPick) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *boolPick) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return aggBoolArray(mem, a.vals[from:to], a.seen[from:to]), nil
}

func (a *boolPick) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}

func (a *boolPick) size() int { return aggSizeOf(a.vals) + aggSizeOf(a.seen) }

// stringPick is min/max/first over VARCHAR, compared byte-wise. Each group
// keeps its own byte slice, reused when the kept value changes, so a
// changing minimum allocates only when it outgrows the slice.
type stringPick struct {
	kind pickKind
	dt   arrow.DataType
	vals [][]byte
	seen []bool
	held int
}

func (a *stringPick) grow(n int) {
	a.vals = aggGrowSlice(a.vals, n)
	a.seen = aggGrowSlice(a.seen, n)
}

func (a *stringPick) update(args []arrow.Array, groups []uint32) error {
	x := args[0]
	if x.DataType().ID() == arrow.NULL {
		return nil
	}
	var data []byte
	if b := x.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	if x.DataType().ID() == arrow.LARGE_STRING {
		a.pick(arrow.GetOffsets[int64](x.Data(), 1), data, x, groups)
	} else {
		a.pick32(arrow.GetOffsets[int32](x.Data(), 1), data, x, groups)
	}
	return nil
}

func (a *stringPick) pick32(offs []int32, data []byte, x arrow.Array, groups []uint32) {
	bm, off := aggNulls(x)
	for i, g := range groups {
		if aggValid(bm, off, i) {
			a.offer(g, data[offs[i]:offs[i+1]])
		}
	}
}

func (a *stringPick) pick(offs []int64, data []byte, x arrow.Array, groups []uint32) {
	bm, off := aggNulls(x)
	for i, g := range groups {
		if aggValid(bm, off, i) {
			a.offer(g, data[offs[i]:offs[i+1]])
		}
	}
}

// offer keeps v for group g if it beats the kept value.
func (a *stringPick) offer(g uint32, v []byte) {
	if a.seen[g] {
		switch a.kind {
		case pickFirst:
			return
		case pickMin:
			if bytes.Compare(v, a.vals[g]) >= 0 {
				return
			}
		case pickMax:
			if bytes.Compare(v, a.vals[g]) <= 0 {
				return
			}
		}
	}
	old := cap(a.vals[g])
	a.vals[g] = append(a.vals[g][:0], v...)
	a.held += cap(a.vals[g]) - old
	a.seen[g] = true
}

func (a *stringPick) merge(states []arrow.Array, groups []uint32) error {
	return a.update(states, groups)
}

func (a *stringPick) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	vals, seen := a.vals[from:to], a.seen[from:to]
	total := 0
	for _, v := range vals {
		total += len(v)
	}
	valid, nulls := aggValidity(mem, seen)
	data := memory.NewResizableBuffer(mem)
	data.Resize(total)
	offBuf := memory.NewResizableBuffer(mem)
	n := len(vals)
	pos := 0
	if a.dt.ID() == arrow.LARGE_STRING {
		offBuf.Resize((n + 1) * 8)
		offs := arrow.GetData[int64](offBuf.Bytes())
		for i, v := range vals {
			offs[i] = int64(pos)
			pos += copy(data.Bytes()[pos:], v)
		}
		offs[n] = int64(pos)
	} else {
		if total > 1<<31-1 {
			offBuf.Release()
			data.Release()
			if valid != nil {
				valid.Release()
			}
			return nil, fmt.Errorf("%d bytes of strings exceed one VARCHAR array", total)
		}
		offBuf.Resize((n + 1) * 4)
		offs := arrow.GetData[int32](offBuf.Bytes())
		for i, v := range vals {
			offs[i] = int32(pos)
			pos += copy(data.Bytes()[pos:], v)
		}
		offs[n] = int32(pos)
	}
	return aggArray(a.dt, n, nulls, valid, offBuf, data), nil
}

func (a *stringPick) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, err := a.final(mem, from, to)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{arr}, nil
}

func (a *stringPick) size() int { return 24*cap(a.vals) + cap(a.seen) + a.held }

// nullPick is min/max/first over the NULL type: always NULL.
type nullPick struct{}

func (a *nullPick) grow(int)                             {}
func (a *nullPick) update([]arrow.Array, []uint32) error { return nil }
func (a *nullPick) merge([]arrow.Array, []uint32) error  { return nil }
func (a *nullPick) final(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return array.MakeArrayOfNull(mem, arrow.Null, to-from), nil
}
func (a *nullPick) partial(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	arr, _ := a.final(mem, from, to)
	return []arrow.Array{arr}, nil
}
func (a *nullPick) size() int { return 0 }
