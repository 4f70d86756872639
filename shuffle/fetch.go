package shuffle

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember/exec"
)

// MapOutput says where the output of one map task is: the address
// (host:port) of the worker whose Flight service holds it.
type MapOutput struct {
	MapTask int
	Address string
}

// FetchFailedError reports that the output of a map task could not be read
// from where it was said to be: the worker is unreachable, died while
// sending, or no longer has the output. The scheduler answers it by
// recomputing that map task, not by retrying the reading task as is.
type FetchFailedError struct {
	Query   string
	Stage   int
	MapTask int
	Address string
	Err     error
}

func (e *FetchFailedError) Error() string {
	return fmt.Sprintf("fetching the output of query %s stage %d map task %d from %s: %v", e.Query, e.Stage, e.MapTask, e.Address, e.Err)
}

// Unwrap returns the cause.
func (e *FetchFailedError) Unwrap() error { return e.Err }

// DefaultFetchConcurrency is how many map outputs one reduce partition
// reads at once when FetcherConfig does not say.
const DefaultFetchConcurrency = 4

// FetcherConfig configures a Fetcher.
type FetcherConfig struct {
	// Local, when set, is this worker's own store: outputs whose address is
	// LocalAddress are read from it directly, without the network.
	Local        *WorkerStore
	LocalAddress string
	// DialOptions are added to the fetcher's (plain text, message limits
	// of MaxMessageBytes); later options win, so transport credentials
	// here replace plain text. Per-RPC credentials go here too.
	DialOptions []grpc.DialOption
	// Concurrency bounds the map outputs one partition read fetches at
	// once; 0 means DefaultFetchConcurrency.
	Concurrency int
}

// Fetcher reads shuffle output from workers. It keeps one connection per
// address, reused by every read, until Close. Safe for concurrent use.
type Fetcher struct {
	local     *WorkerStore
	localAddr string
	workers   int
	pool      *clientPool
}

// NewFetcher returns a fetcher; Close it to close its connections.
func NewFetcher(cfg FetcherConfig) *Fetcher {
	n := cfg.Concurrency
	if n <= 0 {
		n = DefaultFetchConcurrency
	}
	return &Fetcher{local: cfg.Local, localAddr: cfg.LocalAddress, workers: n, pool: newClientPool(cfg.DialOptions)}
}

// Close closes the fetcher's connections. Reads still running fail.
func (f *Fetcher) Close() error { return f.pool.close() }

// Forget closes the connection to address, for a worker known to be gone.
func (f *Fetcher) Forget(address string) { f.pool.forget(address) }

// consumerError marks an error of the caller's callback, which is not a
// fetch failure.
type consumerError struct{ err error }

func (e *consumerError) Error() string { return e.err.Error() }

// Fetch reads partition partition of output id from the worker at address
// and calls fn with each non-empty batch, decoded on mem; fn must release
// it. A location that cannot be read is a *FetchFailedError; fn's error
// and the context's are returned as they are.
func (f *Fetcher) Fetch(ctx context.Context, mem memory.Allocator, id OutputID, partition int, address string, fn func(arrow.RecordBatch) error) error {
	wrapped := func(b arrow.RecordBatch) error {
		if err := fn(b); err != nil {
			return &consumerError{err}
		}
		return nil
	}
	var err error
	if f.local != nil && address == f.localAddr {
		err = f.local.ReadPartition(ctx, mem, id, partition, wrapped)
	} else {
		err = f.fetchRemote(ctx, mem, id, partition, address, wrapped)
	}
	if err == nil {
		return nil
	}
	var ce *consumerError
	if errors.As(err, &ce) {
		return ce.err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &FetchFailedError{Query: id.Query, Stage: id.Stage, MapTask: id.MapTask, Address: address, Err: err}
}

func (f *Fetcher) fetchRemote(ctx context.Context, mem memory.Allocator, id OutputID, partition int, address string, fn func(arrow.RecordBatch) error) error {
	client, err := f.pool.get(address)
	if err != nil {
		return err
	}
	// Cancelling ends the stream if we stop before its end.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := client.DoGet(ctx, &flight.Ticket{Ticket: EncodeTicket(id, partition)})
	if err != nil {
		return err
	}
	r, err := flight.NewRecordReader(stream, ipc.WithAllocator(mem))
	if err != nil {
		return err
	}
	defer r.Release()
	for r.Next() {
		b := r.RecordBatch()
		if b.NumRows() == 0 {
			continue
		}
		b.Retain()
		if err := fn(b); err != nil {
			return err
		}
	}
	return r.Err()
}

// Inputs returns the exec.StageInputs of one task of query: it reads the
// stages listed in locations (stage → where each of its map tasks' output
// is), decoding on mem, the task's allocator.
func (f *Fetcher) Inputs(query string, mem memory.Allocator, locations map[int][]MapOutput) *FetchInputs {
	return &FetchInputs{f: f, query: query, mem: mem, locations: locations}
}

// FetchInputs reads a task's input partitions from map outputs anywhere in
// the cluster. It implements exec.StageInputs.
type FetchInputs struct {
	f         *Fetcher
	query     string
	mem       memory.Allocator
	locations map[int][]MapOutput
}

// Open implements exec.StageInputs: the operator reads partition partition
// from every map output of stage, several at once; batches come in no
// particular order. A map output that cannot be read fails it with a
// *FetchFailedError.
func (in *FetchInputs) Open(_ context.Context, stage, partition int, schema *arrow.Schema) (exec.Operator, error) {
	outs, ok := in.locations[stage]
	if !ok {
		return nil, fmt.Errorf("shuffle: no map output locations for stage %d of query %s", stage, in.query)
	}
	return &fetchOp{in: in, stage: stage, partition: partition, schema: schema, outs: interleave(outs)}, nil
}

var _ exec.StageInputs = (*FetchInputs)(nil)

// interleave orders outputs so that consecutive ones are at different
// addresses where possible, spreading concurrent fetches over workers.
func interleave(outs []MapOutput) []MapOutput {
	var order []string
	by := map[string][]MapOutput{}
	for _, o := range outs {
		if _, ok := by[o.Address]; !ok {
			order = append(order, o.Address)
		}
		by[o.Address] = append(by[o.Address], o)
	}
	res := make([]MapOutput, 0, len(outs))
	for len(res) < len(outs) {
		for _, a := range order {
			if q := by[a]; len(q) > 0 {
				res = append(res, q[0])
				by[a] = q[1:]
			}
		}
	}
	return res
}
