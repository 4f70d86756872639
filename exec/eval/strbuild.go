package eval

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// strBuilder builds a utf8 array of a known number of rows straight into
// allocator buffers. Unlike array.StringBuilder it appends []byte without
// converting to string, and grows its data geometrically.
type strBuilder struct {
	offBuf  *memory.Buffer
	offs    []int32
	data    *memory.Buffer
	size    int
	row     int
	scratch []byte // for callers formatting a value before appending it
}

func newStrBuilder(mem memory.Allocator, rows, dataHint int) *strBuilder {
	b := &strBuilder{data: memory.NewResizableBuffer(mem)}
	b.offBuf, b.offs = newValues[int32](mem, rows+1)
	b.offs[0] = 0
	b.data.Reserve(max(dataHint, 64))
	return b
}

func (b *strBuilder) grow(extra int) []byte {
	need := b.size + extra
	if need > b.data.Cap() {
		b.data.Reserve(max(need, 2*b.data.Cap()))
	}
	b.data.ResizeNoShrink(need)
	return b.data.Bytes()[b.size:need]
}

// append adds a row with the bytes p.
func (b *strBuilder) append(p []byte) {
	copy(b.grow(len(p)), p)
	b.size += len(p)
	b.row++
	b.offs[b.row] = int32(b.size)
}

// appendString adds a row with the bytes of s.
func (b *strBuilder) appendString(s string) {
	copy(b.grow(len(s)), s)
	b.size += len(s)
	b.row++
	b.offs[b.row] = int32(b.size)
}

// appendInt adds a row with v in decimal.
func (b *strBuilder) appendInt(v int64) {
	b.scratch = strconv.AppendInt(b.scratch[:0], v, 10)
	b.append(b.scratch)
}

// commit ends a row whose n bytes the caller wrote into grow(n).
func (b *strBuilder) commit(n int) {
	b.size += n
	b.row++
	b.offs[b.row] = int32(b.size)
}

// appendEmpty adds an empty row (for NULLs).
func (b *strBuilder) appendEmpty() {
	b.row++
	b.offs[b.row] = int32(b.size)
}

// finish returns the array (of type dt: utf8 or binary) with validity
// valid (offset 0, may be nil), taking over the reference to valid.
func (b *strBuilder) finish(dt arrow.DataType, valid *memory.Buffer) arrow.Array {
	b.data.ResizeNoShrink(b.size)
	return makeArray(dt, b.row, []*memory.Buffer{valid, b.offBuf, b.data})
}

// release frees the buffers of an abandoned builder.
func (b *strBuilder) release() {
	b.offBuf.Release()
	b.data.Release()
}
