package cluster

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/planner/physical"
)

// LocalScheduler runs stage plans in this process, the way Spark's
// local[N] master does: the Scheduler over one in-process executor of
// Slots slots, shuffle data kept in memory. As in Spark's local mode, a
// failed task is not retried (it would fail the same way).
type LocalScheduler struct {
	// Slots is the number of tasks run at once (the cores to use).
	Slots int
	// BatchSize is the operators' target rows per batch.
	BatchSize int
	// TempDir is where operators may spill.
	TempDir string
	// Progress, when set, hears how far each query is.
	Progress func(Progress)

	once     sync.Once
	executor *LocalExecutor
}

// Run starts plan and returns the stream of its final stage's batches, in
// partition order. mem is the query's allocator; metrics, when not nil,
// collects per-operator figures. Cancelling ctx, or closing the stream,
// stops every task.
func (s *LocalScheduler) Run(ctx context.Context, plan *physical.StagePlan, mem memory.Allocator, metrics *exec.Metrics) *ResultStream {
	s.once.Do(func() { s.executor = NewLocalExecutor("local", s.Slots, s.BatchSize, s.TempDir) })
	q := &Query{ID: NewQueryID(), Plan: plan, Mem: mem, Metrics: metrics}
	if pool, ok := mem.(interface{ Err() error }); ok {
		q.MemoryCheck = pool.Err
	}
	sched := &Scheduler{
		Executors:        func() []Executor { return []Executor{s.executor} },
		MaxTaskAttempts:  1,
		MaxStageAttempts: 1,
		Progress:         s.Progress,
	}
	return sched.Run(ctx, q)
}
