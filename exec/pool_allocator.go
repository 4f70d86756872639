package exec

import (
	"math/bits"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// PoolAllocator is a memory.Allocator that recycles freed buffers. A query
// allocates and frees batches at a high rate; handing a released buffer to
// the next batch of the same size class, instead of leaving it to the
// garbage collector and asking for fresh zeroed memory, saves both the
// collector's work and page faults. Buffers are 64-byte aligned like
// memory.GoAllocator's, and zeroed when handed out. Idle buffers are kept in
// sync.Pools, so the collector still reclaims them when memory is not reused.
type PoolAllocator struct {
	classes [64]sync.Pool
}

// poolMinClass is the smallest size class, 2^6 = 64 bytes; smaller
// requests round up to it.
const poolMinClass = 6

// poolMaxClass is the largest pooled class (64 MiB); larger buffers come
// and go like GoAllocator's.
const poolMaxClass = 26

const poolAlign = 64

// NewPoolAllocator returns an empty PoolAllocator.
func NewPoolAllocator() *PoolAllocator { return &PoolAllocator{} }

func sizeClass(n int) int {
	if n <= 1<<poolMinClass {
		return poolMinClass
	}
	return bits.Len(uint(n - 1))
}

// Allocate implements memory.Allocator.
func (p *PoolAllocator) Allocate(size int) []byte {
	if size == 0 {
		return []byte{}
	}
	c := sizeClass(size)
	if c > poolMaxClass {
		return alignedBytes(size, size)
	}
	if v := p.classes[c].Get(); v != nil {
		b := (*v.(*[]byte))[:size]
		clear(b)
		return b
	}
	return alignedBytes(size, 1<<c)
}

// alignedBytes returns a 64-byte aligned slice of length size and capacity
// capacity.
func alignedBytes(size, capacity int) []byte {
	buf := make([]byte, capacity+poolAlign)
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	shift := int((poolAlign - addr%poolAlign) % poolAlign)
	return buf[shift : shift+size : shift+capacity]
}

// Reallocate implements memory.Allocator.
func (p *PoolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free implements memory.Allocator.
func (p *PoolAllocator) Free(b []byte) {
	c := cap(b)
	if c < 1<<poolMinClass || c&(c-1) != 0 {
		return // not one of the pooled classes
	}
	class := bits.Len(uint(c)) - 1
	if class > poolMaxClass {
		return
	}
	b = b[:c]
	p.classes[class].Put(&b)
}

var _ memory.Allocator = (*PoolAllocator)(nil)
