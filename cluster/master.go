package cluster

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember/cluster/codec"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/exec/eval"
	emberpb "github.com/ember-sql/ember/proto"
)

// MasterConfig configures a Master.
type MasterConfig struct {
	// MaxTaskAttempts is how many times a task may run (0: 4).
	MaxTaskAttempts int
	// NoExecutorTimeout is how long a query waits for a worker (0: a
	// minute).
	NoExecutorTimeout time.Duration
	// DialOptions are used to reach workers (credentials).
	DialOptions []grpc.DialOption
	Allocator   memory.Allocator
	Logger      *slog.Logger
}

// Master schedules the queries clients send on the workers that joined:
// the driver of a cluster. Membership (who joined, who failed) is told to
// it with AddWorker and RemoveWorker.
type Master struct {
	emberpb.UnimplementedMasterServer
	cfg MasterConfig
	mem memory.Allocator
	log *slog.Logger

	mu      sync.Mutex
	workers map[string]*RemoteExecutor
	cores   map[string]int
	runs    map[*ResultStream]*runningQuery
}

// NewMaster returns a master with no workers yet.
func NewMaster(cfg MasterConfig) *Master {
	if cfg.MaxTaskAttempts <= 0 {
		cfg.MaxTaskAttempts = 4
	}
	mem := cfg.Allocator
	if mem == nil {
		mem = exec.NewPoolAllocator()
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Master{cfg: cfg, mem: mem, log: log, workers: map[string]*RemoteExecutor{}, cores: map[string]int{},
		runs: map[*ResultStream]*runningQuery{}}
}

// Register adds the master's service to s.
func (m *Master) Register(s *grpc.Server) { emberpb.RegisterMasterServer(s, m) }

// AddWorker makes the worker at addr, with cores slots, available to
// queries, including the ones running (their waiting tasks go to it).
// localDirs are directories on the worker's own disks, where the tasks
// reading them are best run.
func (m *Master) AddWorker(addr string, cores int, localDirs ...string) error {
	ex, err := DialWorker(addr, cores, m.cfg.DialOptions...)
	if err != nil {
		return err
	}
	ex.localDirs = newLocalDirs(localDirs)
	m.mu.Lock()
	old := m.workers[addr]
	m.workers[addr], m.cores[addr] = ex, cores
	m.mu.Unlock()
	if old != nil {
		old.Close()
	}
	m.log.Info("worker joined", "address", addr, "cores", cores, "local_dirs", localDirs)
	return nil
}

// RemoveWorker forgets the worker at addr: running queries recompute the
// map output it held where they still need it.
func (m *Master) RemoveWorker(addr string) {
	m.mu.Lock()
	ex := m.workers[addr]
	delete(m.workers, addr)
	delete(m.cores, addr)
	runs := make([]*ResultStream, 0, len(m.runs))
	for rs := range m.runs {
		runs = append(runs, rs)
	}
	m.mu.Unlock()
	if ex == nil {
		return
	}
	m.log.Warn("worker lost", "address", addr)
	for _, rs := range runs {
		rs.LoseExecutor(addr)
	}
	ex.Close()
}

// Close closes the connections to the workers.
func (m *Master) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ex := range m.workers {
		ex.Close()
	}
	m.workers = map[string]*RemoteExecutor{}
	return nil
}

// executors lists the live workers in address order.
func (m *Master) executors() []Executor {
	m.mu.Lock()
	defer m.mu.Unlock()
	addrs := make([]string, 0, len(m.workers))
	for a := range m.workers {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	out := make([]Executor, len(addrs))
	for i, a := range addrs {
		out[i] = m.workers[a]
	}
	return out
}

// Execute implements emberpb.MasterServer: it schedules the client's plan
// and streams the final stage's batches back.
func (m *Master) Execute(req *emberpb.ExecuteRequest, stream grpc.ServerStreamingServer[emberpb.ExecuteReply]) error {
	ctx := stream.Context()
	// Batches and progress share the stream, whose Send is not safe for
	// concurrent use; progress goes out from its own goroutine, so that
	// the scheduling loop never waits on the network.
	var sendMu sync.Mutex
	send := func(reply *emberpb.ExecuteReply) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return stream.Send(reply)
	}
	sendErr := func(err error) error {
		return send(&emberpb.ExecuteReply{Kind: &emberpb.ExecuteReply_Error{Error: err.Error()}, DataError: eval.IsDataError(err)})
	}
	plan, err := codec.DecodeStagePlan(ctx, req.Plan)
	if err != nil {
		return sendErr(err)
	}
	pool := exec.NewMemoryPool(m.mem, req.MemoryLimit)
	q := &Query{ID: NewQueryID(), Plan: plan, Mem: pool, MemoryCheck: pool.Err, Wire: req.Plan,
		BatchSize: int(req.BatchSize), MemoryLimit: req.MemoryLimit}
	progress := make(chan Progress, 1)
	progressDone := make(chan struct{})
	defer func() { <-progressDone }()
	go func() {
		defer close(progressDone)
		for p := range progress {
			if send(&emberpb.ExecuteReply{Kind: &emberpb.ExecuteReply_Progress{Progress: ProgressToProto(p)}}) != nil {
				return
			}
		}
	}()
	running := &runningQuery{ID: q.ID, Started: time.Now(), Stages: len(plan.Stages)}
	sched := &Scheduler{Executors: m.executors, MaxTaskAttempts: m.cfg.MaxTaskAttempts, MaxStageAttempts: 4,
		NoExecutorTimeout: m.cfg.NoExecutorTimeout, Logger: m.log, Progress: func(p Progress) {
			m.mu.Lock()
			running.Progress = p
			m.mu.Unlock()
			// Keep only the latest: drop a report still waiting.
			select {
			case <-progress:
			default:
			}
			progress <- p
		}}
	start := time.Now()
	m.log.Info("query started", "query", q.ID, "stages", len(plan.Stages))
	rs := sched.Run(ctx, q)
	m.mu.Lock()
	m.runs[rs] = running
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.runs, rs)
		m.mu.Unlock()
		// Close waits for the scheduling loop, the last to report
		// progress.
		rs.Close()
		close(progress)
	}()
	for {
		b, err := rs.Next(ctx)
		if errors.Is(err, io.EOF) {
			m.log.Info("query finished", "query", q.ID, "elapsed", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if err != nil {
			m.log.Info("query failed", "query", q.ID, "error", err)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return sendErr(err)
		}
		data, err := EncodeBatch(b, pool)
		b.Release()
		if err != nil {
			return sendErr(err)
		}
		if err := send(&emberpb.ExecuteReply{Kind: &emberpb.ExecuteReply_Batch{Batch: data}}); err != nil {
			return err
		}
	}
}

// ClusterStatus implements emberpb.MasterServer.
func (m *Master) ClusterStatus(context.Context, *emberpb.StatusRequest) (*emberpb.StatusReply, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	reply := &emberpb.StatusReply{}
	for addr := range m.workers {
		reply.Workers = append(reply.Workers, &emberpb.WorkerInfo{Address: addr, Cores: int32(m.cores[addr])})
	}
	sort.Slice(reply.Workers, func(i, j int) bool { return reply.Workers[i].Address < reply.Workers[j].Address })
	return reply, nil
}
