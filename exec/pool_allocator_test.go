package exec

import (
	"testing"
	"unsafe"
)

func TestPoolAllocatorZeroesAndAligns(t *testing.T) {
	p := NewPoolAllocator()
	for _, size := range []int{1, 63, 64, 65, 1000, 4096, 100_000} {
		b := p.Allocate(size)
		if len(b) != size {
			t.Fatalf("Allocate(%d) has length %d", size, len(b))
		}
		if addr := uintptr(unsafe.Pointer(unsafe.SliceData(b))); addr%64 != 0 {
			t.Fatalf("Allocate(%d) is not 64-byte aligned: %x", size, addr)
		}
		for i := range b {
			b[i] = 0xff
		}
		p.Free(b)
		// The recycled buffer (or a fresh one) must come back zeroed.
		again := p.Allocate(size)
		for i, v := range again {
			if v != 0 {
				t.Fatalf("Allocate(%d) after Free: byte %d is %x, want 0", size, i, v)
			}
		}
		p.Free(again)
	}
	if b := p.Allocate(0); len(b) != 0 {
		t.Fatalf("Allocate(0) has length %d", len(b))
	}
}

func TestPoolAllocatorReallocate(t *testing.T) {
	p := NewPoolAllocator()
	b := p.Allocate(10)
	for i := range b {
		b[i] = byte(i + 1)
	}
	// Shrink, dirty nothing, then grow in place: the regrown tail is zero
	// even though the bytes were written before the shrink.
	b = p.Reallocate(5, b)
	b = p.Reallocate(10, b)
	for i := 5; i < 10; i++ {
		if b[i] != 0 {
			t.Fatalf("regrown byte %d is %d, want 0", i, b[i])
		}
	}
	// Growing past the capacity copies the contents.
	c := p.Reallocate(1000, b)
	for i := 0; i < 5; i++ {
		if c[i] != byte(i+1) {
			t.Fatalf("byte %d after growth is %d, want %d", i, c[i], i+1)
		}
	}
	if len(c) != 1000 {
		t.Fatalf("length %d after Reallocate(1000)", len(c))
	}
}

func TestPoolAllocatorIgnoresForeignSizes(t *testing.T) {
	p := NewPoolAllocator()
	// A buffer whose capacity is not a pooled class is dropped, not reused
	// with the wrong capacity.
	p.Free(make([]byte, 100))
	b := p.Allocate(100)
	if cap(b) != 128 {
		t.Fatalf("Allocate(100) capacity %d, want the 128-byte class", cap(b))
	}
}
