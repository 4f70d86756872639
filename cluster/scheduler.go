package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner/physical"
)

// Scheduler runs the stages of queries as tasks on executors, the way
// Spark's DAG scheduler does: a stage's tasks start once the stages it
// reads are complete, each task takes a free slot of some executor, and
// the final stage's batches stream to the client in partition order.
//
// Faults: a failed task runs again, on another executor where there is
// one, up to MaxTaskAttempts times. A task that cannot fetch a map output
// (FetchFailedError) makes that map task run again first (lineage), up to
// MaxStageAttempts times per stage; an executor that is lost takes its map
// outputs with it, and they are recomputed when still needed. A final-stage
// task that already sent rows to the client cannot be retried: its failure
// fails the query.
type Scheduler struct {
	// Executors returns the executors tasks may run on now; it is asked
	// again whenever tasks wait, so executors may come and go.
	Executors func() []Executor
	// MaxTaskAttempts is how many times a task may run (1: no retry).
	MaxTaskAttempts int
	// MaxStageAttempts caps how many times a stage's lost output is
	// recomputed.
	MaxStageAttempts int
	// NoExecutorTimeout is how long work may wait with no executor at all
	// before the query fails (0: a minute).
	NoExecutorTimeout time.Duration
	// Logger, when set, hears of retries and recomputed output.
	Logger *slog.Logger
	// LocalityWait is how long a task whose files are on a busy
	// executor's own disks waits for it before running elsewhere (0:
	// DefaultLocalityWait; negative: no wait).
	LocalityWait time.Duration
	// Progress, when set, hears how far the query is as tasks finish (at
	// most a few times a second, and once at the end). It is called from
	// the scheduling loop and must not block.
	Progress func(Progress)
}

// queryIDs numbers queries within the process.
var queryIDs atomic.Int64

// NewQueryID returns a name for a query, unique within the process.
func NewQueryID() string {
	return fmt.Sprintf("q%d-%d", time.Now().UnixNano()%1e9, queryIDs.Add(1))
}

// taskKey names one task of a query.
type taskKey struct{ stage, part int }

// taskEvent reports a finished task to the scheduling loop.
type taskEvent struct {
	key      taskKey
	executor string
	err      error
}

// run is the state of one query being scheduled. Only the scheduling loop
// touches it, except where noted.
type run struct {
	s      *Scheduler
	q      *Query
	ctx    context.Context
	cancel context.CancelFunc
	rs     *ResultStream
	events chan taskEvent

	// outputs[stage][map task] is the executor holding that map output,
	// "" while there is none.
	outputs   [][]string
	finalDone []bool
	// emitted[p] is set (by the task, hence atomic) once final task p sent
	// a batch to the client.
	emitted       []atomic.Bool
	running       map[taskKey]string
	attempts      map[taskKey]int
	lastFailedOn  map[taskKey]string
	stageAttempts []int
	busy          map[string]int
	dead          map[string]bool
	used          map[string]Executor // every executor that ran a task
	consumers     [][]int             // consumers[s] lists the stages reading s
	forgotten     []bool
	waitingSince  time.Time
	count         progressCounter
	// files[k] is what task k reads; readySince[k] when it first could
	// have run but waited for a slot where its files are.
	files      map[taskKey]map[string]int64
	readySince map[taskKey]time.Time

	mu  sync.Mutex // guards err, read by the stream
	err error
}

// Run starts q and returns the stream of its final stage's batches, in
// partition order. Cancelling ctx, or closing the stream, stops every task.
func (s *Scheduler) Run(ctx context.Context, q *Query) *ResultStream {
	ctx, cancel := context.WithCancel(ctx)
	plan := q.Plan
	final := plan.Final()
	r := &run{
		s: s, q: q, ctx: ctx, cancel: cancel,
		events:        make(chan taskEvent),
		outputs:       make([][]string, len(plan.Stages)),
		finalDone:     make([]bool, final.Tasks()),
		emitted:       make([]atomic.Bool, final.Tasks()),
		running:       map[taskKey]string{},
		attempts:      map[taskKey]int{},
		lastFailedOn:  map[taskKey]string{},
		stageAttempts: make([]int, len(plan.Stages)),
		busy:          map[string]int{},
		dead:          map[string]bool{},
		used:          map[string]Executor{},
		consumers:     make([][]int, len(plan.Stages)),
		forgotten:     make([]bool, len(plan.Stages)),
		files:         map[taskKey]map[string]int64{},
		readySince:    map[taskKey]time.Time{},
	}
	for _, st := range plan.Stages {
		r.count.tasksTotal += st.Tasks()
		if st.Output != nil {
			r.outputs[st.ID] = make([]string, st.Tasks())
		}
		for _, in := range st.Inputs {
			r.consumers[in] = append(r.consumers[in], st.ID)
		}
	}
	rs := &ResultStream{r: r, schema: final.Root.Schema(), parts: make([]chan arrow.RecordBatch, final.Tasks()),
		once: make([]sync.Once, final.Tasks()), loopDone: make(chan struct{})}
	for i := range rs.parts {
		rs.parts[i] = make(chan arrow.RecordBatch, 4)
	}
	r.rs = rs
	go r.loop()
	return rs
}

func (r *run) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.cancel()
}

func (r *run) firstError() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// loop schedules until the final stage is done or the query failed, then
// waits for its tasks and frees what executors hold.
func (r *run) loop() {
	defer close(r.rs.loopDone)
	defer r.reportProgress(true)
	defer func() {
		for p := range r.rs.parts {
			r.rs.closePart(p)
		}
		for _, ex := range r.used {
			ex.Release(r.q)
		}
	}()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		failed := r.firstError() != nil
		if failed && len(r.running) == 0 {
			return
		}
		if !failed && r.allDone() {
			return
		}
		if !failed {
			r.dispatch()
		}
		select {
		case ev := <-r.events:
			r.handle(ev)
			r.reportProgress(false)
		case <-r.ctx.Done():
			if r.firstError() == nil {
				r.fail(r.ctx.Err())
			}
			// Tasks see the cancelled context; wait for their events.
			for len(r.running) > 0 {
				ev := <-r.events
				delete(r.running, ev.key)
			}
			return
		case <-tick.C:
			// Executors may have joined or left; dispatch looks again.
		}
	}
}

func (r *run) allDone() bool {
	for _, d := range r.finalDone {
		if !d {
			return false
		}
	}
	return true
}

// done reports whether a task's work is complete: its map output exists,
// or its final partition was delivered.
func (r *run) done(k taskKey) bool {
	if r.q.Plan.Stages[k.stage].Output == nil {
		return r.finalDone[k.part]
	}
	return r.outputs[k.stage][k.part] != ""
}

// stageComplete reports whether every map output of stage s exists.
func (r *run) stageComplete(s int) bool {
	for _, ex := range r.outputs[s] {
		if ex == "" {
			return false
		}
	}
	return true
}

// needed reports whether some task still has to read stage s's output, or
// s is the final stage.
func (r *run) needed(s int) bool {
	st := r.q.Plan.Stages[s]
	if st.Output == nil {
		return true
	}
	for _, c := range r.consumers[s] {
		if !r.stageDone(c) {
			return true
		}
	}
	return false
}

func (r *run) stageDone(s int) bool {
	if r.q.Plan.Stages[s].Output == nil {
		return r.allDone()
	}
	return r.stageComplete(s)
}

// dispatch starts every runnable task that finds a free slot, stages in
// order (inputs first) and partitions in order (so the final partition the
// client reads first starts first).
func (r *run) dispatch() {
	execs := r.live()
	if len(execs) == 0 {
		if r.waitingSince.IsZero() {
			r.waitingSince = time.Now()
		}
		limit := r.s.NoExecutorTimeout
		if limit <= 0 {
			limit = time.Minute
		}
		if time.Since(r.waitingSince) > limit {
			r.fail(fmt.Errorf("no executor to run the query on after %s: start a worker (ember worker --join …) or the master with --local-executors", limit.Round(time.Second)))
		}
		return
	}
	r.waitingSince = time.Time{}
	for _, st := range r.q.Plan.Stages {
		if !r.needed(st.ID) {
			continue
		}
		ready := true
		for _, in := range st.Inputs {
			if !r.stageComplete(in) {
				ready = false
			}
		}
		if !ready {
			continue
		}
		for p := 0; p < st.Tasks(); p++ {
			k := taskKey{st.ID, p}
			if r.done(k) {
				continue
			}
			if _, ok := r.running[k]; ok {
				continue
			}
			ex, wait := r.pickLocal(k, execs)
			if wait {
				continue
			}
			if ex == nil {
				ex = r.pick(k, execs)
			}
			if ex == nil {
				return
			}
			r.start(ex, k)
		}
	}
}

// live lists the executors not lost to this query.
func (r *run) live() []Executor {
	var out []Executor
	for _, ex := range r.s.Executors() {
		if !r.dead[ex.Name()] {
			out = append(out, ex)
		}
	}
	return out
}

// pick chooses an executor with a free slot for k: the least busy, and not
// the one k last failed on when another has room.
func (r *run) pick(k taskKey, execs []Executor) Executor {
	var best, fallback Executor
	for _, ex := range execs {
		if r.busy[ex.Name()] >= ex.Slots() {
			continue
		}
		if ex.Name() == r.lastFailedOn[k] {
			if fallback == nil {
				fallback = ex
			}
			continue
		}
		if best == nil || r.busy[ex.Name()] < r.busy[best.Name()] {
			best = ex
		}
	}
	if best == nil {
		return fallback
	}
	return best
}

// start runs task k on ex in its own goroutine.
func (r *run) start(ex Executor, k taskKey) {
	name := ex.Name()
	r.running[k] = name
	r.busy[name]++
	r.used[name] = ex
	st := r.q.Plan.Stages[k.stage]
	t := Task{Stage: k.stage, Partition: k.part, Attempt: r.attempts[k], Inputs: map[int][]string{}}
	for _, in := range st.Inputs {
		t.Inputs[in] = append([]string(nil), r.outputs[in]...)
	}
	var emit func(arrow.RecordBatch) error
	if st.Output == nil {
		part := r.rs.parts[k.part]
		emit = func(b arrow.RecordBatch) error {
			r.emitted[k.part].Store(true)
			select {
			case part <- b:
				return nil
			case <-r.ctx.Done():
				b.Release()
				return r.ctx.Err()
			}
		}
	}
	go func() {
		err := ex.Run(r.ctx, r.q, t, emit)
		r.events <- taskEvent{key: k, executor: name, err: err}
	}()
}

// handle records a finished task.
func (r *run) handle(ev taskEvent) {
	k := ev.key
	if k.stage < 0 {
		// Not a task: an executor left (ResultStream.LoseExecutor).
		r.loseExecutor(ev.executor)
		return
	}
	delete(r.running, k)
	r.busy[ev.executor]--
	st := r.q.Plan.Stages[k.stage]
	if ev.err == nil {
		r.count.tasksDone++
		if st.Output == nil {
			r.finalDone[k.part] = true
			r.rs.closePart(k.part)
			return
		}
		r.outputs[k.stage][k.part] = ev.executor
		if r.stageComplete(k.stage) {
			r.forgetConsumed(st)
		}
		return
	}
	if r.firstError() != nil {
		return
	}
	err := ev.err
	if r.ctx.Err() != nil {
		r.fail(r.ctx.Err())
		return
	}
	if st.Output == nil && r.emitted[k.part].Load() {
		r.fail(fmt.Errorf("stage %d task %d failed after sending rows: %w", k.stage, k.part, err))
		return
	}
	log := r.s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if ff, ok := fetchFailure(err); ok {
		// The map output is gone, and probably everything else its
		// executor held (as Spark assumes): lineage says which map tasks
		// make them again; the reading task waits until they have. Many
		// readers report the same loss; it counts once.
		if r.loseOutputsOf(ff.Executor) == 0 {
			// Nothing was lost that the scheduler knew of (the task read
			// stale locations, or failed the same way before): a retry
			// like any other, so that it cannot loop.
			r.attempts[k]++
			if r.attempts[k] >= max(1, r.s.MaxTaskAttempts) {
				r.fail(fmt.Errorf("stage %d task %d failed %d times: %w", k.stage, k.part, r.attempts[k], err))
			}
			return
		}
		log.Warn("map output lost; recomputing it", "query", r.q.ID, "stage", ff.Stage, "map_task", ff.MapTask, "executor", ff.Executor)
		if ff.Stage >= 0 && ff.Stage < len(r.stageAttempts) {
			r.stageAttempts[ff.Stage]++
			if r.stageAttempts[ff.Stage] >= max(1, r.s.MaxStageAttempts) {
				r.fail(fmt.Errorf("stage %d lost its output %d times; giving up: %w", ff.Stage, r.stageAttempts[ff.Stage], err))
			}
		}
		return
	}
	if eval.IsDataError(err) {
		// The values caused it: every attempt would fail the same way.
		r.fail(err)
		return
	}
	if el, ok := executorLoss(err); ok {
		log.Warn("executor lost", "query", r.q.ID, "executor", el.Executor)
		r.loseExecutor(el.Executor)
	}
	r.attempts[k]++
	if r.attempts[k] < max(1, r.s.MaxTaskAttempts) {
		log.Warn("task failed; retrying", "query", r.q.ID, "stage", k.stage, "task", k.part, "attempt", r.attempts[k], "executor", ev.executor, "error", err)
	}
	r.lastFailedOn[k] = ev.executor
	if r.attempts[k] >= max(1, r.s.MaxTaskAttempts) {
		if r.attempts[k] > 1 {
			err = fmt.Errorf("stage %d task %d failed %d times, last on %s: %w", k.stage, k.part, r.attempts[k], ev.executor, err)
		}
		r.fail(err)
	}
}

// loseExecutor forgets an executor and every map output it held; the
// outputs still needed are recomputed elsewhere.
func (r *run) loseExecutor(name string) {
	r.dead[name] = true
	r.loseOutputsOf(name)
}

// loseOutputsOf forgets the map outputs an executor held and returns how
// many there were.
func (r *run) loseOutputsOf(name string) int {
	n := 0
	for s := range r.outputs {
		for m, ex := range r.outputs[s] {
			if ex == name {
				r.outputs[s][m] = ""
				n++
				if r.needed(s) {
					// Making it again is more work to do.
					r.count.tasksTotal++
				}
			}
		}
	}
	return n
}

// LoseExecutor tells the running query that an executor is gone (its
// membership failed): its map outputs are recomputed where still needed.
// Its running tasks fail on their own (their connection breaks).
func (rs *ResultStream) LoseExecutor(name string) {
	select {
	case rs.r.events <- taskEvent{key: taskKey{-1, -1}, executor: name, err: &ExecutorLostError{Executor: name, Err: errors.New("left the cluster")}}:
	case <-rs.loopDone:
	}
}

// forgetConsumed frees the outputs of the stages st reads once every stage
// reading them is complete.
func (r *run) forgetConsumed(st *physical.Stage) {
	for _, in := range st.Inputs {
		if r.forgotten[in] || r.needed(in) {
			continue
		}
		r.forgotten[in] = true
		for _, ex := range r.used {
			ex.Forget(r.q, in)
		}
	}
}

// ResultStream yields the batches of a running query's final stage.
type ResultStream struct {
	r        *run
	schema   *arrow.Schema
	parts    []chan arrow.RecordBatch
	once     []sync.Once
	cur      int
	closed   bool
	loopDone chan struct{}
}

func (rs *ResultStream) closePart(p int) { rs.once[p].Do(func() { close(rs.parts[p]) }) }

// Schema is the schema of the result batches.
func (rs *ResultStream) Schema() *arrow.Schema { return rs.schema }

// Next returns the next batch (the caller releases it), io.EOF at the end,
// or the query's first error.
func (rs *ResultStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for rs.cur < len(rs.parts) {
		select {
		case b, ok := <-rs.parts[rs.cur]:
			if !ok {
				if err := rs.r.firstError(); err != nil {
					return nil, err
				}
				rs.cur++
				continue
			}
			return b, nil
		case <-ctx.Done():
			rs.r.fail(ctx.Err())
			return nil, ctx.Err()
		}
	}
	if err := rs.r.firstError(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

// Close stops the query if it still runs, waits for its tasks, and frees
// what executors hold for it. Safe to call twice.
func (rs *ResultStream) Close() error {
	if rs.closed {
		return nil
	}
	rs.closed = true
	rs.r.cancel()
	<-rs.loopDone
	// Free what finished tasks left unread; every channel is closed now.
	for _, c := range rs.parts {
		for b := range c {
			b.Release()
		}
	}
	return nil
}
