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

// LocalScheduler runs stage plans in this process, the way Spark's
// local[N] master does: Slots tasks at a time, stages started as soon as the
// stages they read have finished, shuffle data kept in memory.
type LocalScheduler struct {
	// Slots is the number of tasks run at once (the cores to use).
	Slots int
	// BatchSize is the operators' target rows per batch.
	BatchSize int
	// TempDir is where operators may spill.
	TempDir string
}

// Run starts plan and returns the stream of its final stage's batches, in
// partition order. mem is the query's allocator; metrics, when not nil,
// collects per-operator figures. Cancelling ctx, or closing the stream,
// stops every task.
func (s *LocalScheduler) Run(ctx context.Context, plan *physical.StagePlan, mem memory.Allocator, metrics *exec.Metrics) *ResultStream {
	ctx, cancel := context.WithCancel(ctx)
	final := plan.Final()
	q := &query{
		sched:   s,
		plan:    plan,
		mem:     mem,
		metrics: metrics,
		store:   shuffle.NewStore(),
		shared:  exec.NewQueryState(),
		slots:   make(chan struct{}, max(1, s.Slots)),
		done:    make([]chan struct{}, len(plan.Stages)),
		ctx:     ctx,
		cancel:  cancel,
	}
	for i := range q.done {
		q.done[i] = make(chan struct{})
	}
	if pool, ok := mem.(interface{ Err() error }); ok {
		q.memoryCheck = pool.Err
	}
	q.consumers = make([]int, len(plan.Stages))
	for _, st := range plan.Stages {
		for _, in := range st.Inputs {
			q.consumers[in]++
		}
	}
	rs := &ResultStream{q: q, schema: final.Root.Schema(), parts: make([]chan arrow.RecordBatch, final.Tasks()),
		once: make([]sync.Once, final.Tasks())}
	for i := range rs.parts {
		rs.parts[i] = make(chan arrow.RecordBatch, 4)
	}
	q.wg.Add(len(plan.Stages))
	for _, st := range plan.Stages {
		go q.runStage(st, rs)
	}
	return rs
}

// query is the state of one running plan.
type query struct {
	sched     *LocalScheduler
	plan      *physical.StagePlan
	mem       memory.Allocator
	metrics   *exec.Metrics
	store     *shuffle.Store
	shared    *exec.QueryState
	slots     chan struct{}
	done      []chan struct{}
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	mu        sync.Mutex
	err       error
	consumers []int
	// memoryCheck reports a query over its memory limit (nil: no limit).
	memoryCheck func() error
}

func (q *query) fail(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	q.cancel()
}

func (q *query) firstError() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// runStage waits for the stage's inputs, then runs its tasks, taking a
// slot for each in partition order (so the final stage's lowest unfinished
// partition, which the client reads, always holds a slot).
func (q *query) runStage(st *physical.Stage, rs *ResultStream) {
	defer q.wg.Done()
	final := st.Output == nil
	if final {
		// Every partition's channel is closed when its task ends, or here
		// for tasks that never started, so the client never waits forever.
		defer func() {
			for p := range rs.parts {
				rs.closePart(p)
			}
		}()
	}
	for _, in := range st.Inputs {
		select {
		case <-q.done[in]:
		case <-q.ctx.Done():
			return
		}
	}
	var tasks sync.WaitGroup
	for p := 0; p < st.Tasks(); p++ {
		select {
		case q.slots <- struct{}{}:
		case <-q.ctx.Done():
			tasks.Wait()
			return
		}
		tasks.Add(1)
		go func(p int) {
			defer tasks.Done()
			defer func() { <-q.slots }()
			var err error
			if final {
				err = q.runTask(st, p, func(b arrow.RecordBatch) error {
					select {
					case rs.parts[p] <- b:
						return nil
					case <-q.ctx.Done():
						b.Release()
						return q.ctx.Err()
					}
				})
			} else {
				err = q.runMapTask(st, p)
			}
			if err != nil {
				q.fail(err)
			}
			if final {
				rs.closePart(p)
			}
		}(p)
	}
	tasks.Wait()
	if q.ctx.Err() != nil {
		return
	}
	close(q.done[st.ID])
	q.inputsConsumed(st)
}

// inputsConsumed frees the shuffle output of the stages st read once no
// other stage still needs it.
func (q *query) inputsConsumed(st *physical.Stage) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, in := range st.Inputs {
		q.consumers[in]--
		if q.consumers[in] == 0 && st.Output != nil {
			q.store.Drop(in)
		}
	}
}

// runMapTask runs one task of a non-final stage and commits its output,
// partitioned, to the shuffle store.
func (q *query) runMapTask(st *physical.Stage, p int) error {
	part, err := shuffle.NewPartitioner(*st.Output, st.Root.Schema())
	if err != nil {
		return err
	}
	out := make([][]arrow.RecordBatch, part.Partitions())
	committed := false
	defer func() {
		if !committed {
			for _, bs := range out {
				for _, b := range bs {
					b.Release()
				}
			}
		}
	}()
	err = q.runTask(st, p, func(b arrow.RecordBatch) error {
		defer b.Release()
		return part.Split(q.mem, b, func(dst int, piece arrow.RecordBatch) {
			out[dst] = append(out[dst], piece)
		})
	})
	if err != nil {
		return err
	}
	q.store.Commit(st.ID, p, out)
	committed = true
	return nil
}

// runTask builds partition p of the stage's pipeline and hands each batch
// to emit, which takes ownership. A panic in an operator fails the task
// with an error instead of the process.
func (q *query) runTask(st *physical.Stage, p int, emit func(arrow.RecordBatch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("EMBER_DEBUG") != "" {
				fmt.Fprintf(os.Stderr, "task %d.%d panicked: %v\n%s", st.ID, p, r, debug.Stack())
			}
			err = fmt.Errorf("internal error in stage %d task %d: %v", st.ID, p, r)
		}
	}()
	tc := &exec.TaskContext{Query: q.shared, Mem: q.mem, MemoryCheck: q.memoryCheck, BatchSize: q.sched.BatchSize, TempDir: q.sched.TempDir}
	if tc.BatchSize <= 0 {
		tc.BatchSize = exec.DefaultBatchSize
	}
	b := &exec.Builder{TC: tc, Inputs: q.store, Metrics: q.metrics}
	op, err := b.Build(q.ctx, st.Root, p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := op.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := op.Open(q.ctx); err != nil {
		return err
	}
	for {
		batch, err := op.Next(q.ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := emit(batch); err != nil {
			return err
		}
		if q.memoryCheck != nil {
			if err := q.memoryCheck(); err != nil {
				return err
			}
		}
	}
}

// ResultStream yields the batches of a running query's final stage.
type ResultStream struct {
	q      *query
	schema *arrow.Schema
	parts  []chan arrow.RecordBatch
	once   []sync.Once
	cur    int
	closed bool
}

func (r *ResultStream) closePart(p int) { r.once[p].Do(func() { close(r.parts[p]) }) }

// Schema is the schema of the result batches.
func (r *ResultStream) Schema() *arrow.Schema { return r.schema }

// Next returns the next batch (the caller releases it), io.EOF at the end,
// or the query's first error.
func (r *ResultStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for r.cur < len(r.parts) {
		select {
		case b, ok := <-r.parts[r.cur]:
			if !ok {
				if err := r.q.firstError(); err != nil {
					return nil, err
				}
				r.cur++
				continue
			}
			return b, nil
		case <-ctx.Done():
			r.q.fail(ctx.Err())
			return nil, ctx.Err()
		}
	}
	if err := r.q.firstError(); err != nil {
		return nil, err
	}
	if r.q.ctx.Err() != nil && r.q.firstError() == nil {
		// The parent context ended the query.
		return nil, r.q.ctx.Err()
	}
	return nil, io.EOF
}

// Close stops the query if it still runs, waits for its tasks, and frees
// its shuffle data. Safe to call twice.
func (r *ResultStream) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.q.cancel()
	r.q.wg.Wait()
	// Free what finished tasks left unread; every channel is closed now.
	for _, c := range r.parts {
		for b := range c {
			b.Release()
		}
	}
	r.q.store.Close()
	r.q.shared.Release()
	return nil
}
