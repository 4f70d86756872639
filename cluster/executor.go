package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
)

// Query is what executors need to know of a running query.
type Query struct {
	// ID names the query on every executor (its shuffle output, its shared
	// state).
	ID   string
	Plan *physical.StagePlan
	// Mem is the query's allocator for executors in this process; remote
	// executors allocate from their own pools.
	Mem memory.Allocator
	// Metrics, when set, collects per-operator figures of in-process tasks.
	Metrics *exec.Metrics
	// MemoryCheck reports a query over its memory limit (nil: no limit).
	MemoryCheck func() error
	// Wire is the plan as sent to workers (nil for in-process executors).
	Wire *emberpb.StagePlan
	// BatchSize and MemoryLimit are the session's settings, sent to
	// workers with each task.
	BatchSize   int
	MemoryLimit int64
}

// Task is one partition of one stage, with where its inputs are.
type Task struct {
	Stage     int
	Partition int
	// Attempt counts from 0; a retried task runs again with the next.
	Attempt int
	// Inputs says, for each stage the task reads, which executor holds each
	// of that stage's map outputs (indexed by map task).
	Inputs map[int][]string
}

// Executor runs tasks: in this process (LocalExecutor) or on a worker. The
// scheduler is the same for both: local mode is a cluster of one
// in-process executor.
type Executor interface {
	// Name identifies the executor (its address for a worker).
	Name() string
	// Slots is how many tasks it runs at once.
	Slots() int
	// Run runs t. A map task's output stays with the executor and becomes
	// readable, all at once, when Run returns nil; a rerun replaces it. A
	// final-stage task's batches go to emit, which takes ownership.
	Run(ctx context.Context, q *Query, t Task, emit func(arrow.RecordBatch) error) error
	// Forget frees the map output of one stage of q, which no task needs
	// any more.
	Forget(q *Query, stage int)
	// Release frees everything the executor holds for q.
	Release(q *Query)
}

// FetchFailedError says a task could not read a map output: the executor
// that held it is gone or lost it. The map task must run again before the
// reading task can.
type FetchFailedError struct {
	Stage, MapTask int
	Executor       string
	Err            error
}

func (e *FetchFailedError) Error() string {
	return fmt.Sprintf("cannot fetch the output of stage %d task %d from %s: %v", e.Stage, e.MapTask, e.Executor, e.Err)
}

func (e *FetchFailedError) Unwrap() error { return e.Err }

// ExecutorLostError says the executor running a task went away.
type ExecutorLostError struct {
	Executor string
	Err      error
}

func (e *ExecutorLostError) Error() string {
	return fmt.Sprintf("executor %s lost: %v", e.Executor, e.Err)
}

func (e *ExecutorLostError) Unwrap() error { return e.Err }

// fetchFailure returns the FetchFailedError in err's chain, if any.
func fetchFailure(err error) (*FetchFailedError, bool) {
	var ff *FetchFailedError
	ok := errors.As(err, &ff)
	return ff, ok
}

// executorLoss returns the ExecutorLostError in err's chain, if any.
func executorLoss(err error) (*ExecutorLostError, bool) {
	var el *ExecutorLostError
	ok := errors.As(err, &el)
	return el, ok
}
