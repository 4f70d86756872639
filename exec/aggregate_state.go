package exec

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// aggregator computes one aggregate function for every group of a hash
// aggregation. Its state lives in Go slices indexed by group id; every
// method works on a whole batch, so the per-row work is a typed loop.
type aggregator interface {
	// grow makes room for n groups; new groups start empty.
	grow(n int)
	// update folds the argument values of a batch of raw rows into their
	// groups: row i belongs to group groups[i].
	update(args []arrow.Array, groups []uint32) error
	// merge folds partial states (the columns of aggStateTypes, in order)
	// into their groups.
	merge(states []arrow.Array, groups []uint32) error
	// final returns the aggregate's value for groups [from, to).
	final(mem memory.Allocator, from, to int) (arrow.Array, error)
	// partial returns the state columns of groups [from, to).
	partial(mem memory.Allocator, from, to int) ([]arrow.Array, error)
	// size is the number of bytes of state held.
	size() int
}

// aggGrowSlice extends s to n elements (zeroed), doubling its capacity when it
// must grow so that groups created one batch at a time cost amortized O(1).
func aggGrowSlice[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		old := len(s)
		s = s[:n]
		clear(s[old:])
		return s
	}
	out := make([]T, n, max(n, 2*cap(s), 16))
	copy(out, s)
	return out
}

// aggSizeOf is the number of bytes s holds.
func aggSizeOf[T any](s []T) int {
	var zero T
	return cap(s) * int(unsafe.Sizeof(zero))
}

// aggValidity is the validity bitmap of groups [from, to) given which of
// them have a value, or nil when all have one; the second result counts
// the NULLs.
func aggValidity(mem memory.Allocator, seen []bool) (*memory.Buffer, int) {
	nulls := 0
	for _, s := range seen {
		if !s {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(seen)))))
	bm := buf.Bytes()
	clear(bm)
	for i, s := range seen {
		if s {
			bitutil.SetBit(bm, i)
		}
	}
	return buf, nulls
}

// aggArray assembles an array of type dt from buffers it takes over.
func aggArray(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return arr
}

// aggFixedArray builds an array of the fixed-width type dt from vals, NULL
// where seen is false (seen nil: no NULLs). T must have dt's layout.
func aggFixedArray[T any](mem memory.Allocator, dt arrow.DataType, vals []T, seen []bool) arrow.Array {
	var valid *memory.Buffer
	nulls := 0
	if seen != nil {
		valid, nulls = aggValidity(mem, seen)
	}
	buf := memory.NewResizableBuffer(mem)
	var zero T
	nbytes := len(vals) * int(unsafe.Sizeof(zero))
	buf.Resize(nbytes)
	if nbytes > 0 {
		copy(buf.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), nbytes))
	}
	return aggArray(dt, len(vals), nulls, valid, buf)
}

// aggBoolArray builds a BOOLEAN array from vals, NULL where seen is false.
func aggBoolArray(mem memory.Allocator, vals []bool, seen []bool) arrow.Array {
	valid, nulls := aggValidity(mem, seen)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(vals)))))
	bm := buf.Bytes()
	clear(bm)
	for i, v := range vals {
		if v {
			bitutil.SetBit(bm, i)
		}
	}
	return aggArray(arrow.FixedWidthTypes.Boolean, len(vals), nulls, valid, buf)
}

// aggNulls returns a bitmap reader for arr: nil when arr has no NULLs.
func aggNulls(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// aggValid reports whether row i is not NULL given aggNulls' result.
func aggValid(bm []byte, off, i int) bool {
	return bm == nil || bitutil.BitIsSet(bm, off+i)
}
