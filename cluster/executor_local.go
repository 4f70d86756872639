package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/planner/physical"
	"github.com/ember-sql/ember/shuffle"
)

// LocalExecutor runs tasks in this process, keeping map outputs in memory:
// the executor of local mode, and the engine inside every worker.
type LocalExecutor struct {
	name      string
	slots     int
	batchSize int
	tempDir   string

	// peers, when set, finds the in-process executor holding a map output
	// by name, so that tasks read their inputs wherever the scheduler
	// placed them (the in-process twin of fetching over Flight). Without
	// it every input is in this executor's own store.
	peers func(name string) *LocalExecutor

	mu      sync.Mutex
	queries map[string]*localQuery
}

// localQuery is what a LocalExecutor holds for one query.
type localQuery struct {
	store  *shuffle.Store
	shared *exec.QueryState
}

// NewLocalExecutor returns an executor of slots tasks at a time. batchSize
// is the operators' target rows per batch (0: the default); tempDir is
// where operators spill ("": the system's).
func NewLocalExecutor(name string, slots, batchSize int, tempDir string) *LocalExecutor {
	return &LocalExecutor{name: name, slots: max(1, slots), batchSize: batchSize, tempDir: tempDir,
		queries: map[string]*localQuery{}}
}

// Name implements Executor.
func (e *LocalExecutor) Name() string { return e.name }

// Slots implements Executor.
func (e *LocalExecutor) Slots() int { return e.slots }

func (e *LocalExecutor) query(id string) *localQuery {
	e.mu.Lock()
	defer e.mu.Unlock()
	lq, ok := e.queries[id]
	if !ok {
		lq = &localQuery{store: shuffle.NewStore(), shared: exec.NewQueryState()}
		e.queries[id] = lq
	}
	return lq
}

// Forget implements Executor.
func (e *LocalExecutor) Forget(q *Query, stage int) {
	e.mu.Lock()
	lq := e.queries[q.ID]
	e.mu.Unlock()
	if lq != nil {
		lq.store.Drop(stage)
	}
}

// Release implements Executor.
func (e *LocalExecutor) Release(q *Query) {
	e.mu.Lock()
	lq := e.queries[q.ID]
	delete(e.queries, q.ID)
	e.mu.Unlock()
	if lq != nil {
		lq.store.Close()
		lq.shared.Release()
	}
}

// Run implements Executor. Every input of an in-process task is in this
// executor's store.
func (e *LocalExecutor) Run(ctx context.Context, q *Query, t Task, emit func(arrow.RecordBatch) error) error {
	if t.Stage < 0 || t.Stage >= len(q.Plan.Stages) {
		return fmt.Errorf("no stage %d in query %s", t.Stage, q.ID)
	}
	st := q.Plan.Stages[t.Stage]
	lq := e.query(q.ID)
	if st.Output == nil {
		return e.runTask(ctx, q, lq, st, t, emit)
	}
	return e.runMapTask(ctx, q, lq, st, t)
}

// runMapTask runs one task of a non-final stage and commits its output,
// partitioned, to the store.
func (e *LocalExecutor) runMapTask(ctx context.Context, q *Query, lq *localQuery, st *physical.Stage, t Task) error {
	out, err := splitMapOutput(q.Mem, st, func(emit func(arrow.RecordBatch) error) error {
		return e.runTask(ctx, q, lq, st, t, emit)
	})
	if err != nil {
		return err
	}
	lq.store.Commit(st.ID, t.Partition, out)
	return nil
}

// runTask builds the task's partition of the stage's pipeline and hands
// each batch to emit.
func (e *LocalExecutor) runTask(ctx context.Context, q *Query, lq *localQuery, st *physical.Stage, t Task, emit func(arrow.RecordBatch) error) error {
	tc := &exec.TaskContext{Query: lq.shared, Mem: q.Mem, MemoryCheck: q.MemoryCheck, BatchSize: e.batchSize, TempDir: e.tempDir}
	var inputs exec.StageInputs = lq.store
	if e.peers != nil {
		inputs = &peerInputs{e: e, q: q, t: t}
	}
	return runPipeline(ctx, tc, inputs, q.Metrics, st, t.Partition, emit)
}

// runPipeline builds partition p of the stage's pipeline and hands each
// batch to emit, which takes ownership. A panic in an operator fails the
// task with an error instead of the process. Workers run their tasks with
// it too.
func runPipeline(ctx context.Context, tc *exec.TaskContext, inputs exec.StageInputs, metrics *exec.Metrics, st *physical.Stage, p int, emit func(arrow.RecordBatch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("EMBER_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "task %d.%d panicked: %v\n%s", st.ID, p, r, debug.Stack())
			}
			err = fmt.Errorf("internal error in stage %d task %d: %v", st.ID, p, r)
		}
	}()
	if tc.BatchSize <= 0 {
		tc.BatchSize = exec.DefaultBatchSize
	}
	b := &exec.Builder{TC: tc, Inputs: inputs, Metrics: metrics}
	op, err := b.Build(ctx, st.Root, p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := op.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := op.Open(ctx); err != nil {
		return err
	}
	for {
		batch, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := emit(batch); err != nil {
			return err
		}
		if tc.MemoryCheck != nil {
			if err := tc.MemoryCheck(); err != nil {
				return err
			}
		}
	}
}

// splitMapOutput runs a map task through run and splits what it emits by
// the stage's output partitioning: one list of batches per partition,
// owned by the caller (released here on failure).
func splitMapOutput(mem memory.Allocator, st *physical.Stage, run func(emit func(arrow.RecordBatch) error) error) ([][]arrow.RecordBatch, error) {
	part, err := shuffle.NewPartitioner(*st.Output, st.Root.Schema())
	if err != nil {
		return nil, err
	}
	out := make([][]arrow.RecordBatch, part.Partitions())
	err = run(func(b arrow.RecordBatch) error {
		defer b.Release()
		return part.Split(mem, b, func(dst int, piece arrow.RecordBatch) {
			out[dst] = append(out[dst], piece)
		})
	})
	if err != nil {
		releaseParts(out)
		return nil, err
	}
	return out, nil
}

func releaseParts(parts [][]arrow.RecordBatch) {
	for _, bs := range parts {
		for _, b := range bs {
			b.Release()
		}
	}
}

// SetPeers makes the executor read map outputs from the in-process
// executors peers names (see LocalExecutor.peers); several in-process
// executors then act as a cluster.
func (e *LocalExecutor) SetPeers(peers func(name string) *LocalExecutor) { e.peers = peers }

// peerInputs reads a task's inputs from the executors holding them.
type peerInputs struct {
	e *LocalExecutor
	q *Query
	t Task
}

// Open implements exec.StageInputs: partition of stage, gathered from
// every map task's executor in map task order. A missing output is a
// FetchFailedError.
func (in *peerInputs) Open(_ context.Context, stage, partition int, schema *arrow.Schema) (exec.Operator, error) {
	var all []arrow.RecordBatch
	release := func() {
		for _, b := range all {
			b.Release()
		}
	}
	for m, name := range in.t.Inputs[stage] {
		peer := in.e.peers(name)
		var lq *localQuery
		if peer != nil {
			peer.mu.Lock()
			lq = peer.queries[in.q.ID]
			peer.mu.Unlock()
		}
		var batches []arrow.RecordBatch
		ok := false
		if lq != nil {
			batches, ok = lq.store.TaskBatches(stage, m, partition)
		}
		if !ok {
			release()
			return nil, &FetchFailedError{Stage: stage, MapTask: m, Executor: name, Err: errors.New("no such output")}
		}
		all = append(all, batches...)
	}
	src := exec.NewBatchSource(schema, all)
	release()
	return src, nil
}
