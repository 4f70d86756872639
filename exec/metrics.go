package exec

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// OperatorMetrics accumulates what the operators built from one plan node
// did, across all the tasks that ran it (EXPLAIN ANALYZE). Safe for
// concurrent use.
type OperatorMetrics struct {
	Rows    atomic.Int64
	Batches atomic.Int64
	// Nanos is the time spent in Open and Next, including the inputs'.
	Nanos atomic.Int64
	// PeakBytes is the largest amount of Arrow memory one task's instance
	// of the operator held at once.
	PeakBytes atomic.Int64
	Tasks     atomic.Int64
}

// Metrics maps plan nodes (by identity) to their metrics.
type Metrics struct {
	mu    sync.Mutex
	nodes map[any]*OperatorMetrics
}

// NewMetrics returns an empty Metrics.
func NewMetrics() *Metrics { return &Metrics{nodes: map[any]*OperatorMetrics{}} }

// For returns the metrics of node, creating them on first use.
func (m *Metrics) For(node any) *OperatorMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	om, ok := m.nodes[node]
	if !ok {
		om = &OperatorMetrics{}
		m.nodes[node] = om
	}
	return om
}

// Lookup returns the metrics of node, or nil if it never ran.
func (m *Metrics) Lookup(node any) *OperatorMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.nodes[node]
}

// countingAllocator forwards to a parent allocator and tracks how much one
// operator instance holds.
type countingAllocator struct {
	parent  memory.Allocator
	current atomic.Int64
	peak    atomic.Int64
}

func (c *countingAllocator) Allocate(n int) []byte {
	b := c.parent.Allocate(n)
	cur := c.current.Add(int64(n))
	for {
		p := c.peak.Load()
		if cur <= p || c.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	return b
}

func (c *countingAllocator) Reallocate(size int, b []byte) []byte {
	old := len(b)
	nb := c.parent.Reallocate(size, b)
	cur := c.current.Add(int64(size - old))
	for {
		p := c.peak.Load()
		if cur <= p || c.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	return nb
}

func (c *countingAllocator) Free(b []byte) {
	c.current.Add(-int64(len(b)))
	c.parent.Free(b)
}

// instrumented wraps an operator to record its rows, batches and time.
type instrumented struct {
	Operator
	m     *OperatorMetrics
	alloc *countingAllocator
	done  bool
}

func (i *instrumented) Open(ctx context.Context) error {
	start := time.Now()
	err := i.Operator.Open(ctx)
	i.m.Nanos.Add(int64(time.Since(start)))
	return err
}

func (i *instrumented) Next(ctx context.Context) (arrow.RecordBatch, error) {
	start := time.Now()
	b, err := i.Operator.Next(ctx)
	i.m.Nanos.Add(int64(time.Since(start)))
	if err == nil {
		i.m.Rows.Add(b.NumRows())
		i.m.Batches.Add(1)
	}
	return b, err
}

func (i *instrumented) Close() error {
	err := i.Operator.Close()
	if !i.done {
		i.done = true
		peak := i.alloc.peak.Load()
		for {
			p := i.m.PeakBytes.Load()
			if peak <= p || i.m.PeakBytes.CompareAndSwap(p, peak) {
				break
			}
		}
	}
	return err
}
