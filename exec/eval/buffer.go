package eval

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Helpers to build arrays straight from buffers. Kernels write into raw
// typed slices over allocator-backed buffers instead of going through
// builders, which check capacity and validity on every append.

// newBuffer allocates n bytes from mem; the contents are undefined.
func newBuffer(mem memory.Allocator, n int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(n)
	return b
}

// newBitmap allocates a zeroed bitmap of n bits from mem. Allocators other
// than Go's do not zero memory, and kernels set bits with |=.
func newBitmap(mem memory.Allocator, n int) *memory.Buffer {
	b := newBuffer(mem, int(bitutil.BytesForBits(int64(n))))
	memory.Set(b.Bytes(), 0)
	return b
}

// newValues allocates a buffer of n values of T and returns it with a typed
// view of its contents.
func newValues[T any](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	var zero T
	b := newBuffer(mem, n*int(unsafe.Sizeof(zero)))
	return b, castSlice[T](b.Bytes())[:n]
}

// castSlice reinterprets bytes as a slice of T (a fixed-width value type).
func castSlice[T any](b []byte) []T {
	if len(b) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/int(unsafe.Sizeof(zero)))
}

// values returns the n values of a fixed-width array as T, honouring the
// array's offset (slices share their parent's buffers).
func values[T any](arr arrow.Array) []T {
	d := arr.Data()
	bufs := d.Buffers()
	if len(bufs) < 2 || bufs[1] == nil || d.Len() == 0 {
		return nil
	}
	return castSlice[T](bufs[1].Bytes())[d.Offset() : d.Offset()+d.Len()]
}

// bitsOf returns the data bitmap of a boolean array and its bit offset.
func bitsOf(arr arrow.Array) ([]byte, int) {
	d := arr.Data()
	if d.Buffers()[1] == nil {
		return nil, 0
	}
	return d.Buffers()[1].Bytes(), d.Offset()
}

// validityOf returns the validity bitmap of arr and its bit offset, or nil
// when arr has no nulls. Arrays of the NULL type have no bitmap and are
// handled by callers before they get here.
func validityOf(arr arrow.Array) ([]byte, int) {
	if arr.NullN() == 0 {
		return nil, 0
	}
	return arr.NullBitmapBytes(), arr.Data().Offset()
}

// isValid reports whether row i of a bitmap (nil: no nulls) is set.
func isValid(bm []byte, off, i int) bool {
	return bm == nil || bitutil.BitIsSet(bm, off+i)
}

// makeArray wraps buffers into an array of type dt, taking over the
// caller's references to the buffers. A validity bitmap without nulls is
// dropped so that later kernels can take their no-null fast paths.
func makeArray(dt arrow.DataType, n int, bufs []*memory.Buffer) arrow.Array {
	nulls := 0
	if v := bufs[0]; v != nil {
		nulls = n - bitutil.CountSetBits(v.Bytes(), 0, n)
		if nulls == 0 {
			v.Release()
			bufs[0] = nil
		}
	}
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

// andValidity returns the validity bitmap (offset 0) of rows valid in every
// one of arrs, or nil when none of them has nulls.
func andValidity(mem memory.Allocator, n int, arrs ...arrow.Array) *memory.Buffer {
	var out *memory.Buffer
	for _, a := range arrs {
		if a == nil {
			continue
		}
		if a.DataType().ID() == arrow.NULL {
			if out != nil {
				out.Release()
			}
			return newBitmap(mem, n)
		}
		bm, off := validityOf(a)
		if bm == nil {
			continue
		}
		if out == nil {
			out = newBuffer(mem, int(bitutil.BytesForBits(int64(n))))
			bitutil.CopyBitmap(bm, off, n, out.Bytes(), 0)
			continue
		}
		ob := out.Bytes()
		bitutil.BitmapAnd(ob, bm, 0, int64(off), ob, 0, int64(n))
	}
	return out
}

// copyValidity returns a copy (offset 0) of arr's validity bitmap, or nil.
func copyValidity(mem memory.Allocator, arr arrow.Array) *memory.Buffer {
	return andValidity(mem, arr.Len(), arr)
}

// withValidity returns arr with its validity replaced by valid (a bitmap
// starting at bit 0; nil for all valid), sharing arr's value buffers. It
// takes over the caller's reference to valid.
func withValidity(mem memory.Allocator, arr arrow.Array, valid *memory.Buffer) arrow.Array {
	d := arr.Data()
	n, offset := d.Len(), d.Offset()
	if valid != nil && offset != 0 {
		// The values start at offset: realign the bitmap to them rather
		// than copying the values.
		nb := newBitmap(mem, offset+n)
		bitutil.CopyBitmap(valid.Bytes(), 0, n, nb.Bytes(), offset)
		valid.Release()
		valid = nb
	}
	bufs := append([]*memory.Buffer(nil), d.Buffers()...)
	bufs[0] = valid
	nulls := 0
	if valid != nil {
		nulls = n - bitutil.CountSetBits(valid.Bytes(), offset, n)
	}
	data := array.NewData(d.DataType(), n, bufs, d.Children(), nulls, offset)
	if valid != nil {
		valid.Release()
	}
	out := array.MakeFromData(data)
	data.Release()
	return out
}
