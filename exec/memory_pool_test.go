package exec

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestMemoryPoolCountsAndLimits(t *testing.T) {
	checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer checked.AssertSize(t, 0)
	p := NewMemoryPool(checked, 1000)
	a := p.Allocate(600)
	b := p.Allocate(300)
	if p.Current() != 900 || p.Peak() != 900 {
		t.Fatalf("current %d peak %d, want 900 900", p.Current(), p.Peak())
	}
	p.Free(b)
	if p.Current() != 600 || p.Peak() != 900 {
		t.Fatalf("after free: current %d peak %d, want 600 900", p.Current(), p.Peak())
	}
	if p.Err() != nil {
		t.Fatalf("Err before the limit: %v", p.Err())
	}
	c := p.Allocate(500)
	var limit *MemoryLimitError
	if err := p.Err(); !errors.As(err, &limit) || limit.Limit != 1000 || limit.Wanted != 1100 {
		t.Fatalf("Err after going past the limit: %v, want a *MemoryLimitError for 1100 of 1000", err)
	}
	p.Free(c)
	a = p.Reallocate(900, a)
	if p.Current() != 900 {
		t.Fatalf("after Reallocate: current %d, want 900", p.Current())
	}
	p.Free(a)
	if p.Current() != 0 {
		t.Fatalf("current %d after freeing everything", p.Current())
	}
}
