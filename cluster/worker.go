package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember/cluster/codec"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/shuffle"
)

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	// Address is the host:port other workers and the master reach this
	// worker's gRPC and Flight services at.
	Address string
	// WorkDir holds shuffle output beyond the memory budget.
	WorkDir string
	// ShuffleMemory is the shuffle output kept in memory before spilling
	// (0: shuffle.DefaultMemoryBudget).
	ShuffleMemory int64
	// TempDir is where operators spill ("": WorkDir).
	TempDir string
	// DialOptions are used to reach other workers (credentials).
	DialOptions []grpc.DialOption
	// Allocator is where the worker's Arrow memory comes from (nil: a
	// recycling pool).
	Allocator memory.Allocator
	Logger    *slog.Logger
	// BeforeTask, when set, runs before each task and fails it with its
	// error: tests inject failures with it.
	BeforeTask func(query string, stage, partition, attempt int) error
}

// Worker runs tasks sent by a master: it decodes each query's plan once,
// runs tasks with the same pipelines as local mode, keeps map output in
// its shuffle store (served over Flight on the same gRPC server) and
// reads task inputs from other workers with a Fetcher.
type Worker struct {
	emberpb.UnimplementedWorkerServer
	cfg     WorkerConfig
	mem     memory.Allocator
	store   *shuffle.WorkerStore
	fetcher *shuffle.Fetcher
	log     *slog.Logger

	mu      sync.Mutex
	queries map[string]*workerQuery
}

// workerQuery is what a worker holds for one query.
type workerQuery struct {
	mu     sync.Mutex // guards plan and err
	plan   *physical.StagePlan
	err    error
	shared *exec.QueryState
	pool   *exec.MemoryPool
}

// errPlanMissing fails a task whose request left out a plan the worker
// does not have; the master sends it again with the plan.
var errPlanMissing = errors.New("the worker does not have the query's plan")

// NewWorker starts a worker's state; Register puts its services on a gRPC
// server.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	mem := cfg.Allocator
	if mem == nil {
		mem = exec.NewPoolAllocator()
	}
	store, err := shuffle.NewWorkerStore(shuffle.WorkerStoreConfig{Mem: mem, MemoryBudget: cfg.ShuffleMemory, WorkDir: cfg.WorkDir})
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.TempDir == "" {
		cfg.TempDir = cfg.WorkDir
	}
	w := &Worker{cfg: cfg, mem: mem, store: store, log: log, queries: map[string]*workerQuery{}}
	w.fetcher = shuffle.NewFetcher(shuffle.FetcherConfig{Local: store, LocalAddress: cfg.Address, DialOptions: cfg.DialOptions})
	return w, nil
}

// Register adds the worker's control service and its Flight shuffle
// service to s.
func (w *Worker) Register(s *grpc.Server) {
	emberpb.RegisterWorkerServer(s, w)
	shuffle.RegisterFlight(s, w.store)
}

// Close frees every query's state and the shuffle store (files included).
func (w *Worker) Close() error {
	w.mu.Lock()
	qs := w.queries
	w.queries = map[string]*workerQuery{}
	w.mu.Unlock()
	for _, q := range qs {
		q.shared.Release()
	}
	w.fetcher.Close()
	return w.store.Close()
}

// query returns the worker's state of a query, decoding its plan when the
// first request carrying it comes.
func (w *Worker) query(ctx context.Context, req *emberpb.RunTaskRequest) (*workerQuery, error) {
	w.mu.Lock()
	q, ok := w.queries[req.QueryId]
	if !ok {
		q = &workerQuery{shared: exec.NewQueryState(), pool: exec.NewMemoryPool(w.mem, req.MemoryLimit)}
		w.queries[req.QueryId] = q
	}
	w.mu.Unlock()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.plan == nil && q.err == nil {
		if req.Plan == nil {
			return nil, errPlanMissing
		}
		q.plan, q.err = codec.DecodeStagePlan(ctx, req.Plan)
	}
	return q, q.err
}

// RunTask implements emberpb.WorkerServer.
func (w *Worker) RunTask(req *emberpb.RunTaskRequest, stream grpc.ServerStreamingServer[emberpb.RunTaskReply]) error {
	ctx := stream.Context()
	err := w.runTask(ctx, req, func(b arrow.RecordBatch) error {
		defer b.Release()
		data, err := EncodeBatch(b, w.mem)
		if err != nil {
			return err
		}
		return stream.Send(&emberpb.RunTaskReply{Kind: &emberpb.RunTaskReply_Batch{Batch: data}})
	})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	failure := &emberpb.TaskFailure{Message: err.Error(), PlanMissing: errors.Is(err, errPlanMissing),
		DataError: eval.IsDataError(err)}
	var ff *shuffle.FetchFailedError
	if errors.As(err, &ff) {
		failure.Fetch = &emberpb.FetchFailure{Stage: int32(ff.Stage), MapTask: int32(ff.MapTask), Address: ff.Address}
	}
	if !failure.PlanMissing {
		w.log.Info("task failed", "query", req.QueryId, "stage", req.Stage, "partition", req.Partition, "attempt", req.Attempt, "error", err)
	}
	return stream.Send(&emberpb.RunTaskReply{Kind: &emberpb.RunTaskReply_Failure{Failure: failure}})
}

func (w *Worker) runTask(ctx context.Context, req *emberpb.RunTaskRequest, emit func(arrow.RecordBatch) error) error {
	if hook := w.cfg.BeforeTask; hook != nil {
		if err := hook(req.QueryId, int(req.Stage), int(req.Partition), int(req.Attempt)); err != nil {
			return err
		}
	}
	q, err := w.query(ctx, req)
	if err != nil {
		return err
	}
	stage, part := int(req.Stage), int(req.Partition)
	if stage < 0 || stage >= len(q.plan.Stages) {
		return fmt.Errorf("no stage %d in query %s", stage, req.QueryId)
	}
	st := q.plan.Stages[stage]
	locations := map[int][]shuffle.MapOutput{}
	for _, in := range req.Inputs {
		outs := make([]shuffle.MapOutput, len(in.Addresses))
		for m, a := range in.Addresses {
			outs[m] = shuffle.MapOutput{MapTask: m, Address: a}
		}
		locations[int(in.Stage)] = outs
	}
	tc := &exec.TaskContext{Query: q.shared, Mem: q.pool, MemoryCheck: q.pool.Err, BatchSize: int(req.BatchSize), TempDir: w.cfg.TempDir}
	inputs := w.fetcher.Inputs(req.QueryId, q.pool, locations)
	run := func(emit func(arrow.RecordBatch) error) error {
		return runPipeline(ctx, tc, inputs, nil, st, part, emit)
	}
	if st.Output == nil {
		return run(emit)
	}
	out, err := splitMapOutput(q.pool, st, run)
	if err != nil {
		return err
	}
	defer releaseParts(out)
	id := shuffle.OutputID{Query: req.QueryId, Stage: stage, MapTask: part}
	return w.store.CommitBatches(id, st.Root.Schema(), out)
}

// DropShuffle deletes every map output the worker holds for a query, as if
// it had lost them; the query's map tasks may run here again (tests use it
// to force recomputation).
func (w *Worker) DropShuffle(query string) { w.store.LoseQuery(query) }

// ForgetStage implements emberpb.WorkerServer. The store frees whole
// queries; a stage's output goes with its query.
func (w *Worker) ForgetStage(context.Context, *emberpb.StageRef) (*emberpb.Ack, error) {
	return &emberpb.Ack{}, nil
}

// ReleaseQuery implements emberpb.WorkerServer.
func (w *Worker) ReleaseQuery(_ context.Context, ref *emberpb.QueryRef) (*emberpb.Ack, error) {
	w.mu.Lock()
	q := w.queries[ref.QueryId]
	delete(w.queries, ref.QueryId)
	w.mu.Unlock()
	if q != nil {
		q.shared.Release()
	}
	w.store.DropQuery(ref.QueryId)
	return &emberpb.Ack{}, nil
}
