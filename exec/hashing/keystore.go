package hashing

import (
	"bytes"
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// keyStore holds one key column of every group of a Table, in group order,
// in plain Go slices. Every method works on a whole batch of rows so that
// the per-row work is a typed loop, not an interface call.
type keyStore interface {
	// appendRows appends rows (indexes into arr) as the keys of new groups.
	appendRows(arr arrow.Array, rows []int32)
	// equal clears eq[k] when row rows[k] of arr differs from the stored
	// key of group groups[rows[k]]. NULL equals NULL here.
	equal(arr arrow.Array, rows []int32, groups []uint32, eq []bool)
	// build returns the keys of groups [from, to) as an array.
	build(mem memory.Allocator, from, to int) (arrow.Array, error)
	// size is the number of bytes held.
	size() int
}

// newKeyStore returns the store for keys of type dt.
func newKeyStore(dt arrow.DataType) (keyStore, error) {
	switch dt.ID() {
	case arrow.NULL:
		return &nullStore{}, nil
	case arrow.BOOL:
		return &boolStore{}, nil
	case arrow.INT8:
		return &fixedStore[int8]{dt: dt}, nil
	case arrow.INT16:
		return &fixedStore[int16]{dt: dt}, nil
	case arrow.INT32, arrow.DATE32:
		return &fixedStore[int32]{dt: dt}, nil
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64:
		return &fixedStore[int64]{dt: dt}, nil
	case arrow.UINT8:
		return &fixedStore[uint8]{dt: dt}, nil
	case arrow.UINT16:
		return &fixedStore[uint16]{dt: dt}, nil
	case arrow.UINT32:
		return &fixedStore[uint32]{dt: dt}, nil
	case arrow.UINT64:
		return &fixedStore[uint64]{dt: dt}, nil
	case arrow.DECIMAL128:
		return &fixedStore[decimal128.Num]{dt: dt}, nil
	case arrow.FLOAT64:
		return &floatStore[float64]{dt: dt}, nil
	case arrow.FLOAT32:
		return &floatStore[float32]{dt: dt}, nil
	case arrow.STRING:
		return &stringStore{large: false}, nil
	case arrow.LARGE_STRING:
		return &stringStore{large: true}, nil
	}
	return nil, fmt.Errorf("hashing: keys of type %s are not supported", dt)
}

// validity tracks which stored keys are NULL. nulls stays nil until the
// first NULL key arrives, so NOT NULL keys cost nothing.
type validity struct {
	nulls []bool
	n     int
}

func (v *validity) push(isNull bool) {
	if isNull && v.nulls == nil {
		v.nulls = make([]bool, v.n, max(16, 2*v.n))
	}
	if v.nulls != nil {
		v.nulls = append(v.nulls, isNull)
	}
	v.n++
}

func (v *validity) isNull(g uint32) bool { return v.nulls != nil && v.nulls[g] }

// bitmap returns the validity bitmap of groups [from, to), or nil and 0
// when none is NULL.
func (v *validity) bitmap(mem memory.Allocator, from, to int) (*memory.Buffer, int) {
	if v.nulls == nil {
		return nil, 0
	}
	nulls := 0
	for _, isNull := range v.nulls[from:to] {
		if isNull {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(to - from))))
	bm := buf.Bytes()
	for i := range bm {
		bm[i] = 0
	}
	for i, isNull := range v.nulls[from:to] {
		if !isNull {
			bitutil.SetBit(bm, i)
		}
	}
	return buf, nulls
}

// makeArray assembles an array of type dt from its buffers and releases
// them (the array keeps its own references).
func makeArray(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
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

// fixedBuffer copies vals into a new buffer from mem.
func fixedBuffer[T any](mem memory.Allocator, vals []T) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	var zero T
	nbytes := len(vals) * int(unsafe.Sizeof(zero))
	buf.Resize(nbytes)
	if nbytes > 0 {
		copy(buf.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), nbytes))
	}
	return buf
}

// rowNull reports whether row r of arr is NULL, given its bitmap (nil when
// the array has no NULLs).
func rowIsNull(bm []byte, off int, r int32) bool {
	return bm != nil && !bitutil.BitIsSet(bm, off+int(r))
}

// nullBitmap returns arr's validity bitmap and offset, with a nil bitmap
// when arr has no NULLs.
func nullBitmap(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// fixedStore holds fixed-width keys compared with ==.
type fixedStore[T integer | decimal128.Num] struct {
	dt   arrow.DataType
	vals []T
	validity
}

func (s *fixedStore[T]) appendRows(arr arrow.Array, rows []int32) {
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		if rowIsNull(bm, off, r) {
			var zero T
			s.vals = append(s.vals, zero)
			s.push(true)
			continue
		}
		s.vals = append(s.vals, vals[r])
		s.push(false)
	}
}

func (s *fixedStore[T]) equal(arr arrow.Array, rows []int32, groups []uint32, eq []bool) {
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	if bm == nil && s.nulls == nil {
		for k, r := range rows {
			if vals[r] != s.vals[groups[r]] {
				eq[k] = false
			}
		}
		return
	}
	for k, r := range rows {
		g := groups[r]
		an, bn := rowIsNull(bm, off, r), s.isNull(g)
		if an != bn || (!an && vals[r] != s.vals[g]) {
			eq[k] = false
		}
	}
}

func (s *fixedStore[T]) build(mem memory.Allocator, from, to int) (arrow.Array, error) {
	bm, nulls := s.bitmap(mem, from, to)
	return makeArray(s.dt, to-from, nulls, bm, fixedBuffer(mem, s.vals[from:to])), nil
}

func (s *fixedStore[T]) size() int {
	var zero T
	return cap(s.vals)*int(unsafe.Sizeof(zero)) + cap(s.nulls)
}

// floatStore holds floating-point keys. Keys are compared as SQL groups
// them: -0.0 equals 0.0 and NaN equals NaN.
type floatStore[T float32 | float64] struct {
	dt   arrow.DataType
	vals []T
	validity
}

func floatEq[T float32 | float64](a, b T) bool { return a == b || (a != a && b != b) }

func (s *floatStore[T]) appendRows(arr arrow.Array, rows []int32) {
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		isNull := rowIsNull(bm, off, r)
		var v T
		if !isNull {
			v = vals[r]
		}
		s.vals = append(s.vals, v)
		s.push(isNull)
	}
}

func (s *floatStore[T]) equal(arr arrow.Array, rows []int32, groups []uint32, eq []bool) {
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[r]
		an, bn := rowIsNull(bm, off, r), s.isNull(g)
		if an != bn || (!an && !floatEq(vals[r], s.vals[g])) {
			eq[k] = false
		}
	}
}

func (s *floatStore[T]) build(mem memory.Allocator, from, to int) (arrow.Array, error) {
	bm, nulls := s.bitmap(mem, from, to)
	vals := s.vals[from:to]
	// The first value seen stands for its group; normalize -0.0 so that the
	// output does not depend on which of 0.0 and -0.0 came first.
	for i, v := range vals {
		if v == 0 && math.Signbit(float64(v)) {
			vals[i] = 0
		}
	}
	return makeArray(s.dt, to-from, nulls, bm, fixedBuffer(mem, vals)), nil
}

func (s *floatStore[T]) size() int {
	var zero T
	return cap(s.vals)*int(unsafe.Sizeof(zero)) + cap(s.nulls)
}

// boolStore holds BOOLEAN keys.
type boolStore struct {
	vals []bool
	validity
}

func (s *boolStore) appendRows(arr arrow.Array, rows []int32) {
	b := arr.(*array.Boolean)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		isNull := rowIsNull(bm, off, r)
		s.vals = append(s.vals, !isNull && b.Value(int(r)))
		s.push(isNull)
	}
}

func (s *boolStore) equal(arr arrow.Array, rows []int32, groups []uint32, eq []bool) {
	b := arr.(*array.Boolean)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[r]
		an, bn := rowIsNull(bm, off, r), s.isNull(g)
		if an != bn || (!an && b.Value(int(r)) != s.vals[g]) {
			eq[k] = false
		}
	}
}

func (s *boolStore) build(mem memory.Allocator, from, to int) (arrow.Array, error) {
	bm, nulls := s.bitmap(mem, from, to)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(to - from))))
	bits := buf.Bytes()
	for i := range bits {
		bits[i] = 0
	}
	for i, v := range s.vals[from:to] {
		if v {
			bitutil.SetBit(bits, i)
		}
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, to-from, nulls, bm, buf), nil
}

func (s *boolStore) size() int { return cap(s.vals) + cap(s.nulls) }

// nullStore holds keys of the NULL type: every key is NULL.
type nullStore struct{ n int }

func (s *nullStore) appendRows(_ arrow.Array, rows []int32) { s.n += len(rows) }

func (s *nullStore) equal(arrow.Array, []int32, []uint32, []bool) {}

func (s *nullStore) build(mem memory.Allocator, from, to int) (arrow.Array, error) {
	return array.MakeArrayOfNull(mem, arrow.Null, to-from), nil
}

func (s *nullStore) size() int { return 0 }

// stringStore holds VARCHAR keys (utf8 or large_utf8) end to end in one
// byte slice.
type stringStore struct {
	large bool
	data  []byte
	offs  []int // offs[g] is where key g starts; the next one ends it
	validity
}

// stringData returns the offsets and bytes of a utf8 or large_utf8 array.
func stringData(arr arrow.Array) (offs32 []int32, offs64 []int64, data []byte) {
	if b := arr.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	if arr.Len() == 0 {
		return nil, nil, data
	}
	if arr.DataType().ID() == arrow.LARGE_STRING {
		return nil, arrow.GetOffsets[int64](arr.Data(), 1), data
	}
	return arrow.GetOffsets[int32](arr.Data(), 1), nil, data
}

// stringAt returns row r of a string array given its offsets.
func stringAt(offs32 []int32, offs64 []int64, data []byte, r int32) []byte {
	if offs32 != nil {
		return data[offs32[r]:offs32[r+1]]
	}
	return data[offs64[r]:offs64[r+1]]
}

func (s *stringStore) key(g uint32) []byte {
	end := len(s.data)
	if int(g)+1 < len(s.offs) {
		end = s.offs[g+1]
	}
	return s.data[s.offs[g]:end]
}

func (s *stringStore) appendRows(arr arrow.Array, rows []int32) {
	o32, o64, data := stringData(arr)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		s.offs = append(s.offs, len(s.data))
		isNull := rowIsNull(bm, off, r)
		if !isNull {
			s.data = append(s.data, stringAt(o32, o64, data, r)...)
		}
		s.push(isNull)
	}
}

func (s *stringStore) equal(arr arrow.Array, rows []int32, groups []uint32, eq []bool) {
	o32, o64, data := stringData(arr)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[r]
		an, bn := rowIsNull(bm, off, r), s.isNull(g)
		if an != bn || (!an && !bytes.Equal(stringAt(o32, o64, data, r), s.key(g))) {
			eq[k] = false
		}
	}
}

func (s *stringStore) build(mem memory.Allocator, from, to int) (arrow.Array, error) {
	n := to - from
	start := 0
	if n > 0 {
		start = s.offs[from]
	}
	end := len(s.data)
	if to < len(s.offs) {
		end = s.offs[to]
	}
	if !s.large && end-start > math.MaxInt32 {
		return nil, fmt.Errorf("hashing: %d bytes of VARCHAR keys exceed one utf8 array", end-start)
	}
	bm, nulls := s.bitmap(mem, from, to)
	var offBuf *memory.Buffer
	if s.large {
		offs := make([]int64, n+1)
		for i := 0; i < n; i++ {
			offs[i] = int64(s.offs[from+i] - start)
		}
		offs[n] = int64(end - start)
		offBuf = fixedBuffer(mem, offs)
	} else {
		offs := make([]int32, n+1)
		for i := 0; i < n; i++ {
			offs[i] = int32(s.offs[from+i] - start)
		}
		offs[n] = int32(end - start)
		offBuf = fixedBuffer(mem, offs)
	}
	dt := arrow.DataType(arrow.BinaryTypes.String)
	if s.large {
		dt = arrow.BinaryTypes.LargeString
	}
	return makeArray(dt, n, nulls, bm, offBuf, fixedBuffer(mem, s.data[start:end])), nil
}

func (s *stringStore) size() int { return cap(s.data) + 8*cap(s.offs) + cap(s.nulls) }
