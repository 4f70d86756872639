package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Operator is one step of a task's pipeline: it pulls record batches from
// its inputs and produces its own.
//
// The lifecycle is Open, then Next until it returns io.EOF (or an error),
// then Close. The caller of Next owns the returned batch and must Release
// it; an operator never touches a batch after returning it. Close releases
// everything the operator holds, closes its inputs, and is safe to call
// twice and before Open. Batches are never empty except where noted.
type Operator interface {
	// Schema is the schema of every batch Next returns.
	Schema() *arrow.Schema
	// Open prepares the operator and opens its inputs.
	Open(ctx context.Context) error
	// Next returns the next batch, or io.EOF after the last.
	Next(ctx context.Context) (arrow.RecordBatch, error)
	// Close releases all resources; safe to call more than once.
	Close() error
}

// DefaultBatchSize is the number of rows operators aim for per batch: large
// enough to amortize per-batch costs, small enough to stay in cache.
const DefaultBatchSize = 8192

// TaskContext is what every operator of one task shares: the allocator all
// Arrow memory comes from (tied to the query's memory pool), the target batch
// size, and a directory for spill files.
type TaskContext struct {
	// Query holds what the query's tasks share in this process; nil when
	// nothing is shared (tests, single operators).
	Query *QueryState
	Mem   memory.Allocator
	// MemoryCheck, when set, reports whether the query went past its memory
	// limit; sources call it per batch so that a query over its limit stops.
	MemoryCheck func() error
	BatchSize   int
	TempDir     string
	// MemoryBudget is how many bytes of input an operator that holds all
	// of it (sort) may keep before spilling sorted runs to TempDir; 0 means
	// no limit.
	MemoryBudget int64
	// Partition is the index of the partition the operator computes (the
	// Builder sets it per node). rand(seed) draws the stream of
	// seed+Partition, as Spark seeds its partitions.
	Partition int
}

// NewTaskContext returns a TaskContext with the default batch size.
func NewTaskContext(mem memory.Allocator) *TaskContext {
	return &TaskContext{Mem: mem, BatchSize: DefaultBatchSize}
}
