package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember/cluster/codec"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/shuffle"
)

// Client sends planned queries to a master and reads their results: what a
// session uses in cluster mode.
type Client struct {
	addr   string
	conn   *grpc.ClientConn
	master emberpb.MasterClient
}

// DialMaster connects to the master at addr ("host:port"); opts add
// credentials.
func DialMaster(addr string, opts ...grpc.DialOption) (*Client, error) {
	conn, err := grpc.NewClient(addr, shuffle.DialOptions(opts...)...)
	if err != nil {
		return nil, fmt.Errorf("master %s: %w", addr, err)
	}
	return &Client{addr: addr, conn: conn, master: emberpb.NewMasterClient(conn)}, nil
}

// Address is the master's address.
func (c *Client) Address() string { return c.addr }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Conn is the connection to the master, for clients of the other services
// it hosts (the job queue).
func (c *Client) Conn() grpc.ClientConnInterface { return c.conn }

// Status lists the master's live workers.
func (c *Client) Status(ctx context.Context) (*emberpb.StatusReply, error) {
	return c.master.ClusterStatus(ctx, &emberpb.StatusRequest{})
}

// RunOptions are a query's settings for the master.
type RunOptions struct {
	// BatchSize is the operators' target rows per batch.
	BatchSize int
	// MemoryLimit is the most Arrow memory the query may hold on each
	// worker (0: no limit).
	MemoryLimit int64
	// Mem decodes the result batches.
	Mem memory.Allocator
	// Progress, when set, hears how far the query is; it is called from
	// RemoteStream.Next.
	Progress func(Progress)
}

// Run sends plan to the master and returns the stream of its result.
func (c *Client) Run(ctx context.Context, plan *physical.StagePlan, opts RunOptions) (*RemoteStream, error) {
	wire, err := codec.EncodeStagePlan(plan)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.master.Execute(ctx, &emberpb.ExecuteRequest{Plan: wire, BatchSize: int32(opts.BatchSize), MemoryLimit: opts.MemoryLimit})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("master %s: %w", c.addr, err)
	}
	return &RemoteStream{addr: c.addr, stream: stream, cancel: cancel, mem: opts.Mem, progress: opts.Progress,
		schema: plan.Final().Root.Schema()}, nil
}

// RemoteStream reads a query's result from the master.
type RemoteStream struct {
	addr     string
	stream   grpc.ServerStreamingClient[emberpb.ExecuteReply]
	cancel   context.CancelFunc
	mem      memory.Allocator
	progress func(Progress)
	schema   *arrow.Schema
	err      error
}

// Schema is the schema of the result batches.
func (r *RemoteStream) Schema() *arrow.Schema { return r.schema }

// Next returns the next batch (the caller releases it), io.EOF at the end,
// or the query's error.
func (r *RemoteStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for r.err == nil {
		reply, err := r.stream.Recv()
		switch {
		case errors.Is(err, io.EOF):
			r.err = io.EOF
		case err != nil:
			if ctx.Err() != nil {
				r.err = ctx.Err()
			} else {
				r.err = fmt.Errorf("master %s: %w", r.addr, err)
			}
		default:
			switch k := reply.Kind.(type) {
			case *emberpb.ExecuteReply_Error:
				r.err = errors.New(k.Error)
				if reply.DataError {
					r.err = &eval.DataError{Err: r.err}
				}
			case *emberpb.ExecuteReply_Batch:
				return DecodeBatch(k.Batch, r.mem)
			case *emberpb.ExecuteReply_Progress:
				if r.progress != nil {
					r.progress(ProgressFromProto(k.Progress))
				}
			}
		}
	}
	return nil, r.err
}

// Close stops the query if it still runs.
func (r *RemoteStream) Close() error {
	r.cancel()
	return nil
}
