package eval

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TakeBatch gathers rows of batch by index: row i of the result is row
// indices[i] of batch. A negative index yields a row of NULLs (what outer
// joins need for unmatched rows); an index past the end is an error. The
// caller releases the result.
func TakeBatch(mem memory.Allocator, batch arrow.RecordBatch, indices []int32) (arrow.RecordBatch, error) {
	if err := checkIndices(indices, int(batch.NumRows())); err != nil {
		return nil, err
	}
	cols := make([]arrow.Array, batch.NumCols())
	defer releaseAll(cols)
	for i, c := range batch.Columns() {
		out, err := gather(mem, c.DataType(), []arrow.Array{c}, nil, indices)
		if err != nil {
			return nil, err
		}
		cols[i] = out
	}
	return array.NewRecordBatch(batch.Schema(), cols, int64(len(indices))), nil
}

// TakeArray gathers elements of arr by index, with TakeBatch's rules. The
// caller releases the result.
func TakeArray(mem memory.Allocator, arr arrow.Array, indices []int32) (arrow.Array, error) {
	if err := checkIndices(indices, arr.Len()); err != nil {
		return nil, err
	}
	return gather(mem, arr.DataType(), []arrow.Array{arr}, nil, indices)
}

func checkIndices(indices []int32, n int) error {
	var maxIdx int32 = -1
	for _, j := range indices {
		maxIdx = max(maxIdx, j)
	}
	if int(maxIdx) >= n {
		return fmt.Errorf("eval: take index %d out of range for %d rows", maxIdx, n)
	}
	return nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// gather builds an array of type dt whose row i is row pos[i] of
// srcs[which[i]]. With which nil every row comes from srcs[0]. A negative
// which (or, with which nil, a negative pos) gives NULL. All sources have
// type dt; positions are in range (callers check).
func gather(mem memory.Allocator, dt arrow.DataType, srcs []arrow.Array, which, pos []int32) (arrow.Array, error) {
	n := len(pos)
	valid := gatherValidity(mem, srcs, which, pos)
	switch dt.ID() {
	case arrow.NULL:
		if valid != nil {
			valid.Release()
		}
		return array.NewNull(n), nil
	case arrow.BOOL:
		out := newBitmap(mem, n)
		gatherBits(srcs, which, pos, out.Bytes(), bitsOf)
		return makeArray(dt, n, []*memory.Buffer{valid, out}), nil
	case arrow.STRING, arrow.BINARY:
		offs, data, err := gatherBinary[int32](mem, srcs, which, pos)
		if err != nil {
			releaseBufs(valid)
			return nil, err
		}
		return makeArray(dt, n, []*memory.Buffer{valid, offs, data}), nil
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		offs, data, err := gatherBinary[int64](mem, srcs, which, pos)
		if err != nil {
			releaseBufs(valid)
			return nil, err
		}
		return makeArray(dt, n, []*memory.Buffer{valid, offs, data}), nil
	}
	if fw, ok := dt.(arrow.FixedWidthDataType); ok && len(dt.Layout().Buffers) == 2 {
		var vals *memory.Buffer
		switch fw.BitWidth() {
		case 8:
			vals = gatherFixed[uint8](mem, srcs, which, pos)
		case 16:
			vals = gatherFixed[uint16](mem, srcs, which, pos)
		case 32:
			vals = gatherFixed[uint32](mem, srcs, which, pos)
		case 64:
			vals = gatherFixed[uint64](mem, srcs, which, pos)
		case 128:
			vals = gatherFixed[[2]uint64](mem, srcs, which, pos)
		case 256:
			vals = gatherFixed[[4]uint64](mem, srcs, which, pos)
		}
		if vals != nil {
			return makeArray(dt, n, []*memory.Buffer{valid, vals}), nil
		}
	}
	if valid != nil {
		valid.Release()
	}
	return gatherFallback(mem, srcs, which, pos)
}

// gatherFallback serves the types the engine does not compute with
// (dictionaries, nested types) through arrow's take kernel: a cold path.
func gatherFallback(mem memory.Allocator, srcs []arrow.Array, which, pos []int32) (arrow.Array, error) {
	if which != nil {
		return nil, fmt.Errorf("eval: cannot merge values of type %s", srcs[0].DataType())
	}
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	ib.Reserve(len(pos))
	for _, p := range pos {
		if p < 0 {
			ib.AppendNull()
		} else {
			ib.UnsafeAppend(p)
		}
	}
	idx := ib.NewArray()
	defer idx.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	return compute.TakeArray(ctx, srcs[0], idx)
}

// gatherValidity returns the validity of the gathered rows, or nil when all
// are valid.
func gatherValidity(mem memory.Allocator, srcs []arrow.Array, which, pos []int32) *memory.Buffer {
	n := len(pos)
	anyNull := false
	for _, s := range srcs {
		if s.NullN() > 0 {
			anyNull = true
		}
	}
	if which == nil {
		if !anyNull {
			for _, p := range pos {
				if p < 0 {
					anyNull = true
					break
				}
			}
		}
		if !anyNull {
			return nil
		}
		out := newBitmap(mem, n)
		ob := out.Bytes()
		src := srcs[0]
		if src.DataType().ID() == arrow.NULL {
			return out
		}
		bm, off := validityOf(src)
		for i, p := range pos {
			if p >= 0 && (bm == nil || bitutil.BitIsSet(bm, off+int(p))) {
				ob[i>>3] |= 1 << (i & 7)
			}
		}
		return out
	}
	if !anyNull {
		for _, w := range which {
			if w < 0 {
				anyNull = true
				break
			}
		}
		if !anyNull {
			return nil
		}
	}
	bms := make([][]byte, len(srcs))
	offs := make([]int, len(srcs))
	isNullType := make([]bool, len(srcs))
	for k, s := range srcs {
		bms[k], offs[k] = validityOf(s)
		isNullType[k] = s.DataType().ID() == arrow.NULL
	}
	out := newBitmap(mem, n)
	ob := out.Bytes()
	for i, w := range which {
		if w < 0 || isNullType[w] {
			continue
		}
		if bm := bms[w]; bm == nil || bitutil.BitIsSet(bm, offs[w]+int(pos[i])) {
			ob[i>>3] |= 1 << (i & 7)
		}
	}
	return out
}

// gatherBits gathers bits (boolean values) into out (offset 0, zeroed).
func gatherBits(srcs []arrow.Array, which, pos []int32, out []byte, get func(arrow.Array) ([]byte, int)) {
	if which == nil {
		bits, off := get(srcs[0])
		for i, p := range pos {
			if p >= 0 && bitutil.BitIsSet(bits, off+int(p)) {
				out[i>>3] |= 1 << (i & 7)
			}
		}
		return
	}
	bms := make([][]byte, len(srcs))
	offs := make([]int, len(srcs))
	for k, s := range srcs {
		bms[k], offs[k] = get(s)
	}
	for i, w := range which {
		if w >= 0 && bms[w] != nil && bitutil.BitIsSet(bms[w], offs[w]+int(pos[i])) {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}

// gatherFixed gathers fixed-width values, moved as opaque words of T's size.
func gatherFixed[T any](mem memory.Allocator, srcs []arrow.Array, which, pos []int32) *memory.Buffer {
	buf, out := newValues[T](mem, len(pos))
	var zero T
	if which == nil {
		src := values[T](srcs[0])
		for i, p := range pos {
			if p >= 0 {
				out[i] = src[p]
			} else {
				out[i] = zero
			}
		}
		return buf
	}
	vals := make([][]T, len(srcs))
	for k, s := range srcs {
		vals[k] = values[T](s)
	}
	for i, w := range which {
		if w >= 0 && vals[w] != nil {
			out[i] = vals[w][pos[i]]
		} else {
			out[i] = zero
		}
	}
	return buf
}

// binarySource is a string or binary array's offsets (from the array's
// own offset on) and whole data buffer.
type binarySource[O int32 | int64] struct {
	offs []O
	data []byte
}

func binaryOf[O int32 | int64](arr arrow.Array) binarySource[O] {
	d := arr.Data()
	bufs := d.Buffers()
	var s binarySource[O]
	if bufs[1] != nil && d.Len() > 0 {
		s.offs = castSlice[O](bufs[1].Bytes())[d.Offset() : d.Offset()+d.Len()+1]
	}
	if len(bufs) > 2 && bufs[2] != nil {
		s.data = bufs[2].Bytes()
	}
	return s
}

// gatherBinary gathers variable-length values in two passes: lengths, then
// bytes, so each output buffer is allocated once.
func gatherBinary[O int32 | int64](mem memory.Allocator, srcs []arrow.Array, which, pos []int32) (*memory.Buffer, *memory.Buffer, error) {
	n := len(pos)
	offBuf, offs := newValues[O](mem, n+1)
	ss := make([]binarySource[O], len(srcs))
	for k, s := range srcs {
		if s.DataType().ID() != arrow.NULL {
			ss[k] = binaryOf[O](s)
		}
	}
	var total int64
	offs[0] = 0
	for i := 0; i < n; i++ {
		k, p := int32(0), pos[i]
		if which != nil {
			k = which[i]
		}
		if k >= 0 && p >= 0 && ss[k].offs != nil {
			s := ss[k]
			total += int64(s.offs[p+1] - s.offs[p])
		}
		offs[i+1] = O(total)
	}
	if int64(O(total)) != total {
		offBuf.Release()
		return nil, nil, fmt.Errorf("eval: %d bytes of strings do not fit one VARCHAR array; use smaller batches", total)
	}
	dataBuf, data := newValues[byte](mem, int(total))
	for i := 0; i < n; i++ {
		if offs[i+1] == offs[i] {
			continue
		}
		k := int32(0)
		if which != nil {
			k = which[i]
		}
		s, p := ss[k], pos[i]
		copy(data[offs[i]:offs[i+1]], s.data[s.offs[p]:s.offs[p+1]])
	}
	return offBuf, dataBuf, nil
}
