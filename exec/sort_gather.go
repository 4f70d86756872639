package exec

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowRef locates one row among several sources (the batches a sort holds,
// or the arrays a window function reads): the source index in the high 32
// bits, the row in the low 32 bits. nullRef stands for a row of NULLs.
type rowRef uint64

const nullRef rowRef = math.MaxUint64

func makeRef(src, row int) rowRef { return rowRef(uint64(src)<<32 | uint64(uint32(row))) }

func (r rowRef) src() int { return int(r >> 32) }
func (r rowRef) row() int { return int(uint32(r)) }

// rowLocator maps global row indexes (rows numbered across a list of
// batches in order) to rowRefs.
type rowLocator struct {
	starts []int // global index of each batch's first row, then the total
	// size is the rows of every batch but the last, when they are all
	// equal (the usual case): then the batch is a division away.
	size int
	// batchOf maps each row to its batch when sizes vary.
	batchOf []uint32
}

func newRowLocator(batches []arrow.RecordBatch) *rowLocator {
	l := &rowLocator{starts: make([]int, len(batches)+1)}
	for i, b := range batches {
		l.starts[i+1] = l.starts[i] + int(b.NumRows())
	}
	if len(batches) > 0 {
		l.size = int(batches[0].NumRows())
		for _, b := range batches[:len(batches)-1] {
			if int(b.NumRows()) != l.size {
				l.size = 0
				break
			}
		}
		// Division finds the batch only if the last one is no longer.
		if int(batches[len(batches)-1].NumRows()) > l.size {
			l.size = 0
		}
	}
	if l.size == 0 {
		l.batchOf = make([]uint32, l.starts[len(batches)])
		for b := range batches {
			for g := l.starts[b]; g < l.starts[b+1]; g++ {
				l.batchOf[g] = uint32(b)
			}
		}
	}
	return l
}

// rows is the total number of rows.
func (l *rowLocator) rows() int { return l.starts[len(l.starts)-1] }

// refs converts global row indexes into rowRefs, appended to out[:0].
func (l *rowLocator) refs(global []uint32, out []rowRef) []rowRef {
	out = out[:0]
	if l.size > 0 {
		size := uint32(l.size)
		for _, g := range global {
			b := g / size
			out = append(out, rowRef(uint64(b)<<32|uint64(g-b*size)))
		}
		return out
	}
	for _, g := range global {
		b := l.batchOf[g]
		out = append(out, rowRef(uint64(b)<<32|uint64(int(g)-l.starts[b])))
	}
	return out
}

// batchGatherer gathers rows from a fixed set of batches into new batches.
// It looks at each source column's buffers once, when built, so that
// gathering many small output batches from many input batches costs
// nothing per source.
type batchGatherer struct {
	schema *arrow.Schema
	cols   []*colGatherer
}

func newBatchGatherer(schema *arrow.Schema, batches []arrow.RecordBatch) *batchGatherer {
	g := &batchGatherer{schema: schema, cols: make([]*colGatherer, schema.NumFields())}
	srcs := make([]arrow.Array, len(batches))
	for c, f := range schema.Fields() {
		for i, b := range batches {
			srcs[i] = b.Column(c)
		}
		g.cols[c] = newColGatherer(f.Type, srcs)
	}
	return g
}

// gather builds a batch whose i-th row is the row refs[i] points at.
func (g *batchGatherer) gather(mem memory.Allocator, refs []rowRef) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, len(g.cols))
	for c, cg := range g.cols {
		a, err := cg.gather(mem, refs)
		if err != nil {
			freeArrays(cols)
			return nil, err
		}
		cols[c] = a
	}
	out := array.NewRecordBatch(g.schema, cols, int64(len(refs)))
	freeArrays(cols)
	return out, nil
}

// gatherBatch builds a batch of schema whose i-th row is the row refs[i]
// points at in batches (a one-off newBatchGatherer).
func gatherBatch(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, refs []rowRef) (arrow.RecordBatch, error) {
	return newBatchGatherer(schema, batches).gather(mem, refs)
}

// gatherArray builds an array of type dt whose i-th value is the value
// refs[i] points at in srcs (NULL for nullRef).
func gatherArray(mem memory.Allocator, dt arrow.DataType, srcs []arrow.Array, refs []rowRef) (arrow.Array, error) {
	return newColGatherer(dt, srcs).gather(mem, refs)
}

// colGatherer holds typed views of the buffers of one column in several
// source arrays. The sources must outlive it.
type colGatherer struct {
	dt       arrow.DataType
	nulls    bool     // whether any source has NULLs
	bitmaps  [][]byte // validity bitmaps (nil: no NULLs in that source)
	bitOffs  []int    // array offsets, for the bitmaps and boolean values
	boolVals [][]byte
	fixed    any // [][]T of the fixed-width values, T by width
	width    int // bits per fixed-width value
	offs32   [][]int32
	offs64   [][]int64
	datas    [][]byte
	err      error
}

func newColGatherer(dt arrow.DataType, srcs []arrow.Array) *colGatherer {
	g := &colGatherer{dt: dt, bitmaps: make([][]byte, len(srcs)), bitOffs: make([]int, len(srcs))}
	for i, s := range srcs {
		g.bitOffs[i] = s.Data().Offset()
		if s.NullN() > 0 {
			g.nulls = true
			g.bitmaps[i] = s.NullBitmapBytes()
		}
	}
	switch dt.ID() {
	case arrow.NULL:
	case arrow.BOOL:
		g.boolVals = make([][]byte, len(srcs))
		for i, s := range srcs {
			if s.Len() > 0 {
				g.boolVals[i] = s.Data().Buffers()[1].Bytes()
			}
		}
	case arrow.STRING, arrow.BINARY:
		g.offs32, g.datas = varViews[int32](srcs)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		g.offs64, g.datas = varViews[int64](srcs)
	default:
		fw, ok := dt.(arrow.FixedWidthDataType)
		if !ok {
			g.err = fmt.Errorf("cannot gather values of type %s", dt)
			break
		}
		g.width = fw.BitWidth()
		switch g.width {
		case 8:
			g.fixed = fixedViews[uint8](srcs)
		case 16:
			g.fixed = fixedViews[uint16](srcs)
		case 32:
			g.fixed = fixedViews[uint32](srcs)
		case 64:
			g.fixed = fixedViews[uint64](srcs)
		case 128:
			g.fixed = fixedViews[decimal128.Num](srcs)
		default:
			g.err = fmt.Errorf("cannot gather values of type %s", dt)
		}
	}
	return g
}

func fixedViews[T uint8 | uint16 | uint32 | uint64 | decimal128.Num](srcs []arrow.Array) [][]T {
	vals := make([][]T, len(srcs))
	for i, s := range srcs {
		vals[i] = arrow.GetValues[T](s.Data(), 1)
	}
	return vals
}

func varViews[O int32 | int64](srcs []arrow.Array) ([][]O, [][]byte) {
	offs := make([][]O, len(srcs))
	datas := make([][]byte, len(srcs))
	for i, s := range srcs {
		d := s.Data()
		if d.Len() == 0 {
			continue
		}
		offs[i] = arrow.GetOffsets[O](d, 1)
		if b := d.Buffers()[2]; b != nil {
			datas[i] = b.Bytes()
		}
	}
	return offs, datas
}

// gather builds an array whose i-th value is the value refs[i] points at
// (NULL for nullRef). Typed loops over the raw buffers; no per-row
// interface calls.
func (g *colGatherer) gather(mem memory.Allocator, refs []rowRef) (arrow.Array, error) {
	if g.err != nil {
		return nil, g.err
	}
	n := len(refs)
	if g.dt.ID() == arrow.NULL {
		return array.MakeArrayOfNull(mem, g.dt, n), nil
	}
	validity, nulls := g.gatherValidity(mem, refs)
	var buffers []*memory.Buffer
	switch {
	case g.boolVals != nil:
		buffers = []*memory.Buffer{validity, g.gatherBits(mem, refs)}
	case g.offs32 != nil:
		vals, offs, err := gatherVarBinary(mem, g.offs32, g.datas, refs)
		if err != nil {
			if validity != nil {
				validity.Release()
			}
			return nil, err
		}
		buffers = []*memory.Buffer{validity, offs, vals}
	case g.offs64 != nil:
		vals, offs, _ := gatherVarBinary(mem, g.offs64, g.datas, refs)
		buffers = []*memory.Buffer{validity, offs, vals}
	default:
		var vals *memory.Buffer
		switch v := g.fixed.(type) {
		case [][]uint8:
			vals = gatherFixed(mem, v, refs)
		case [][]uint16:
			vals = gatherFixed(mem, v, refs)
		case [][]uint32:
			vals = gatherFixed(mem, v, refs)
		case [][]uint64:
			vals = gatherFixed(mem, v, refs)
		case [][]decimal128.Num:
			vals = gatherFixed(mem, v, refs)
		}
		buffers = []*memory.Buffer{validity, vals}
	}
	data := array.NewData(g.dt, n, buffers, nil, nulls, 0)
	for _, b := range buffers {
		if b != nil {
			b.Release()
		}
	}
	out := array.MakeFromData(data)
	data.Release()
	return out, nil
}

// gatherValidity returns the validity bitmap of the gathered rows, or nil
// when none is NULL.
func (g *colGatherer) gatherValidity(mem memory.Allocator, refs []rowRef) (*memory.Buffer, int) {
	has := g.nulls
	if !has {
		for _, r := range refs {
			if r == nullRef {
				has = true
				break
			}
		}
	}
	if !has {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(refs)))))
	bits := buf.Bytes()
	clear(bits)
	nulls := 0
	for i, r := range refs {
		if r == nullRef {
			nulls++
			continue
		}
		s := r.src()
		if bm := g.bitmaps[s]; bm == nil || bitutil.BitIsSet(bm, g.bitOffs[s]+r.row()) {
			bitutil.SetBit(bits, i)
		} else {
			nulls++
		}
	}
	return buf, nulls
}

// gatherBits gathers the values of boolean arrays.
func (g *colGatherer) gatherBits(mem memory.Allocator, refs []rowRef) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(refs)))))
	bits := buf.Bytes()
	clear(bits)
	for i, r := range refs {
		if r == nullRef {
			continue
		}
		s := r.src()
		if bitutil.BitIsSet(g.boolVals[s], g.bitOffs[s]+r.row()) {
			bitutil.SetBit(bits, i)
		}
	}
	return buf
}

// gatherFixed gathers fixed-width values, reinterpreted as T of the same
// width whatever their logical type.
func gatherFixed[T uint8 | uint16 | uint32 | uint64 | decimal128.Num](mem memory.Allocator, vals [][]T, refs []rowRef) *memory.Buffer {
	var zero T
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(refs) * int(unsafe.Sizeof(zero)))
	dst := arrow.GetData[T](buf.Bytes())[:len(refs)]
	if len(vals) == 1 {
		src := vals[0]
		for i, r := range refs {
			if r == nullRef {
				dst[i] = zero
				continue
			}
			dst[i] = src[uint32(r)]
		}
		return buf
	}
	for i, r := range refs {
		if r == nullRef {
			dst[i] = zero
			continue
		}
		dst[i] = vals[r>>32][uint32(r)]
	}
	return buf
}

// gatherVarBinary gathers strings or binaries with offsets of type O.
func gatherVarBinary[O int32 | int64](mem memory.Allocator, offs [][]O, datas [][]byte, refs []rowRef) (vals, offsets *memory.Buffer, err error) {
	total := 0
	for _, r := range refs {
		if r == nullRef {
			continue
		}
		o := offs[r>>32]
		row := uint32(r)
		total += int(o[row+1] - o[row])
	}
	var zero O
	if unsafe.Sizeof(zero) == 4 && total > math.MaxInt32 {
		return nil, nil, fmt.Errorf("gathered strings hold %d bytes, more than a string array can", total)
	}
	offsets = memory.NewResizableBuffer(mem)
	offsets.Resize((len(refs) + 1) * int(unsafe.Sizeof(zero)))
	dstOff := arrow.GetData[O](offsets.Bytes())[:len(refs)+1]
	vals = memory.NewResizableBuffer(mem)
	vals.Resize(total)
	dst := vals.Bytes()
	pos := 0
	dstOff[0] = 0
	for i, r := range refs {
		if r != nullRef {
			s := r >> 32
			row := uint32(r)
			o := offs[s]
			pos += copy(dst[pos:], datas[s][o[row]:o[row+1]])
		}
		dstOff[i+1] = O(pos)
	}
	return vals, offsets, nil
}
