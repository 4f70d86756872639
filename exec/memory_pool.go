package exec

import (
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MemoryPool is the allocator of one query: it forwards to the session's
// allocator, counts what the query holds and its peak, and enforces the
// query's limit. Every operator of every task of the query allocates through
// it, so the figures cover all Arrow memory of the query.
//
// memory.Allocator has no way to return an error, and failing an
// allocation halfway through arrow-go's code would leave its buffers
// unaccounted for, so the limit is soft: an allocation past it succeeds,
// Err starts reporting a *MemoryLimitError, and the query stops at its next
// check (each scan batch and each batch a task emits), releasing everything.
type MemoryPool struct {
	parent   memory.Allocator
	limit    int64
	current  atomic.Int64
	peak     atomic.Int64
	exceeded atomic.Int64 // the first total past the limit, 0 if none
}

// NewMemoryPool returns a pool over parent; limit <= 0 means no limit.
func NewMemoryPool(parent memory.Allocator, limit int64) *MemoryPool {
	return &MemoryPool{parent: parent, limit: limit}
}

// MemoryLimitError reports a query that needed more memory than its limit.
type MemoryLimitError struct {
	Limit, Wanted int64
}

func (e *MemoryLimitError) Error() string {
	return fmt.Sprintf("query needs more than its memory limit of %d bytes (ember.sql.memoryLimit); it asked for %d", e.Limit, e.Wanted)
}

func (p *MemoryPool) grow(n int64) {
	cur := p.current.Add(n)
	if p.limit > 0 && n > 0 && cur > p.limit {
		p.exceeded.CompareAndSwap(0, cur)
	}
	for {
		peak := p.peak.Load()
		if cur <= peak || p.peak.CompareAndSwap(peak, cur) {
			return
		}
	}
}

// Allocate implements memory.Allocator.
func (p *MemoryPool) Allocate(n int) []byte {
	p.grow(int64(n))
	return p.parent.Allocate(n)
}

// Reallocate implements memory.Allocator.
func (p *MemoryPool) Reallocate(n int, b []byte) []byte {
	p.grow(int64(n - len(b)))
	return p.parent.Reallocate(n, b)
}

// Free implements memory.Allocator.
func (p *MemoryPool) Free(b []byte) {
	p.current.Add(-int64(len(b)))
	p.parent.Free(b)
}

// Err returns a *MemoryLimitError once the query went past its limit.
func (p *MemoryPool) Err() error {
	if wanted := p.exceeded.Load(); wanted != 0 {
		return &MemoryLimitError{Limit: p.limit, Wanted: wanted}
	}
	return nil
}

// Current is the number of bytes the query holds now.
func (p *MemoryPool) Current() int64 { return p.current.Load() }

// Peak is the most the query held at once.
func (p *MemoryPool) Peak() int64 { return p.peak.Load() }

var _ memory.Allocator = (*MemoryPool)(nil)
