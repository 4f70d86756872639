package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

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
}

// DialWorker connects to the worker at addr, which runs slots tasks at
// once. opts add credentials.
func DialWorker(addr string, slots int, opts ...grpc.DialOption) (*RemoteExecutor, error) {
	opts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(shuffle.MaxMessageBytes), grpc.MaxCallSendMsgSize(shuffle.MaxMessageBytes)),
	}, opts...)
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("worker %s: %w", addr, err)
	}
	return &RemoteExecutor{addr: addr, slots: max(1, slots), conn: conn, client: emberpb.NewWorkerClient(conn)}, nil
}

// Name implements Executor: the worker's address.
func (r *RemoteExecutor) Name() string { return r.addr }

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
	req := &emberpb.RunTaskRequest{QueryId: q.ID, Plan: q.Wire, Stage: int32(t.Stage), Partition: int32(t.Partition),
		Attempt: int32(t.Attempt), BatchSize: int32(q.BatchSize), MemoryLimit: q.MemoryLimit}
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
			if f := k.Failure.Fetch; f != nil {
				return &FetchFailedError{Stage: int(f.Stage), MapTask: int(f.MapTask), Executor: f.Address, Err: errors.New(k.Failure.Message)}
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
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.client.ReleaseQuery(ctx, &emberpb.QueryRef{QueryId: q.ID})
	}()
}
