package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember/exec/eval"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/shuffle"
)

// RemoteExecutor runs tasks on a worker over gRPC. Its name is the
// worker's address, which is also where the worker serves its map output.
type RemoteExecutor struct {
	addr   string
	slots  int
	conn   *grpc.ClientConn
	client emberpb.WorkerClient
	// localDirs are on the worker's own disks (ember worker --local-dir).
	localDirs localDirs

	// planSent holds the queries whose plan the worker has: later tasks
	// leave it out, since a plan is tens of kilobytes that the worker
	// decodes once anyway.
	mu       sync.Mutex
	planSent map[string]bool
}

// DialWorker connects to the worker at addr, which runs slots tasks at
// once. opts add credentials.
func DialWorker(addr string, slots int, opts ...grpc.DialOption) (*RemoteExecutor, error) {
	conn, err := grpc.NewClient(addr, shuffle.DialOptions(opts...)...)
	if err != nil {
		return nil, fmt.Errorf("worker %s: %w", addr, err)
	}
	return &RemoteExecutor{addr: addr, slots: max(1, slots), conn: conn, client: emberpb.NewWorkerClient(conn),
		planSent: map[string]bool{}}, nil
}

// Name implements Executor: the worker's address.
func (r *RemoteExecutor) Name() string { return r.addr }

// IsLocal implements FileLocality.
func (r *RemoteExecutor) IsLocal(path string) bool { return r.localDirs.IsLocal(path) }

// Slots implements Executor.
func (r *RemoteExecutor) Slots() int { return r.slots }

// Close closes the connection.
func (r *RemoteExecutor) Close() error { return r.conn.Close() }

// Run implements Executor. A broken connection is an ExecutorLostError; a
// task that could not fetch an input is a FetchFailedError.
func (r *RemoteExecutor) Run(ctx context.Context, q *Query, t Task, emit func(arrow.RecordBatch) error) error {
	if q.Wire == nil {
		return fmt.Errorf("query %s has no encoded plan to send to %s", q.ID, r.addr)
	}
	// Tasks carry the plan until one that carried it has run: the worker
	// has it then.
	r.mu.Lock()
	withPlan := !r.planSent[q.ID]
	r.mu.Unlock()
	err := r.run(ctx, q, t, withPlan, emit)
	if errors.Is(err, errPlanMissing) {
		// The worker lost the plan (it restarted). Nothing ran; send the
		// task again with it.
		withPlan = true
		err = r.run(ctx, q, t, withPlan, emit)
	}
	if withPlan && err == nil {
		r.mu.Lock()
		r.planSent[q.ID] = true
		r.mu.Unlock()
	}
	return err
}

// run sends one task, with the query's plan or without.
func (r *RemoteExecutor) run(ctx context.Context, q *Query, t Task, withPlan bool, emit func(arrow.RecordBatch) error) error {
	req := &emberpb.RunTaskRequest{QueryId: q.ID, Stage: int32(t.Stage), Partition: int32(t.Partition),
		Attempt: int32(t.Attempt), BatchSize: int32(q.BatchSize), MemoryLimit: q.MemoryLimit}
	if withPlan {
		req.Plan = q.Wire
	}
	for stage, addrs := range t.Inputs {
		req.Inputs = append(req.Inputs, &emberpb.InputLocations{Stage: int32(stage), Addresses: addrs})
	}
	stream, err := r.client.RunTask(ctx, req)
	if err != nil {
		return r.transportError(ctx, err)
	}
	for {
		reply, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return r.transportError(ctx, err)
		}
		switch k := reply.Kind.(type) {
		case *emberpb.RunTaskReply_Batch:
			if emit == nil {
				return fmt.Errorf("worker %s sent rows for map task %d.%d", r.addr, t.Stage, t.Partition)
			}
			b, err := DecodeBatch(k.Batch, q.Mem)
			if err != nil {
				return err
			}
			if err := emit(b); err != nil {
				return err
			}
		case *emberpb.RunTaskReply_Failure:
			switch f := k.Failure; {
			case f.PlanMissing:
				return errPlanMissing
			case f.Fetch != nil:
				return &FetchFailedError{Stage: int(f.Fetch.Stage), MapTask: int(f.Fetch.MapTask), Executor: f.Fetch.Address, Err: errors.New(f.Message)}
			case f.DataError:
				return &eval.DataError{Err: errors.New(f.Message)}
			}
			return errors.New(k.Failure.Message)
		}
	}
}

// transportError classifies a gRPC error: the query's own cancellation,
// or a lost worker.
func (r *RemoteExecutor) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.Internal, codes.Unknown:
		return &ExecutorLostError{Executor: r.addr, Err: err}
	}
	return fmt.Errorf("worker %s: %w", r.addr, err)
}

// Forget implements Executor (the worker frees stages with their query).
func (r *RemoteExecutor) Forget(*Query, int) {}

// Release implements Executor: it asks the worker to free the query, in
// the background and with a deadline, since the worker may be gone.
func (r *RemoteExecutor) Release(q *Query) {
	r.mu.Lock()
	delete(r.planSent, q.ID)
	r.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.client.ReleaseQuery(ctx, &emberpb.QueryRef{QueryId: q.ID})
	}()
}
