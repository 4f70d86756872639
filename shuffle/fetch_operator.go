package shuffle

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/exec"
)

// fetchOp is the operator over one reduce partition: Open starts a bounded
// set of goroutines that fetch map outputs and hand their batches over a
// channel; Close stops them and frees what they had fetched.
type fetchOp struct {
	in        *FetchInputs
	stage     int
	partition int
	schema    *arrow.Schema
	outs      []MapOutput

	ch     chan fetched
	cancel context.CancelFunc
	err    error
	closed bool
}

type fetched struct {
	b   arrow.RecordBatch
	err error
}

// Schema implements exec.Operator.
func (op *fetchOp) Schema() *arrow.Schema { return op.schema }

// Open implements exec.Operator.
func (op *fetchOp) Open(ctx context.Context) error {
	if op.ch != nil || op.closed || len(op.outs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	workers := min(op.in.f.workers, len(op.outs))
	op.cancel = cancel
	op.ch = make(chan fetched, workers)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op.work(ctx, &next)
		}()
	}
	go func() {
		wg.Wait()
		close(op.ch)
	}()
	return nil
}

// work fetches map outputs until none are left, the context ends, or one
// fails.
func (op *fetchOp) work(ctx context.Context, next *atomic.Int64) {
	send := func(b arrow.RecordBatch) error {
		select {
		case op.ch <- fetched{b: b}:
			return nil
		case <-ctx.Done():
			b.Release()
			return ctx.Err()
		}
	}
	for {
		i := next.Add(1) - 1
		if i >= int64(len(op.outs)) || ctx.Err() != nil {
			return
		}
		o := op.outs[i]
		id := OutputID{Query: op.in.query, Stage: op.stage, MapTask: o.MapTask}
		err := op.in.f.Fetch(ctx, op.in.mem, id, op.partition, o.Address, send)
		if err != nil {
			if ctx.Err() == nil {
				select {
				case op.ch <- fetched{err: err}:
				case <-ctx.Done():
				}
			}
			return
		}
	}
}

// Next implements exec.Operator. The first fetch failure ends the stream.
func (op *fetchOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if op.err != nil {
		return nil, op.err
	}
	if op.ch == nil {
		return nil, io.EOF
	}
	select {
	case r, ok := <-op.ch:
		if !ok {
			return nil, io.EOF
		}
		if r.err != nil {
			op.err = r.err
			op.cancel()
			return nil, r.err
		}
		b, err := conform(r.b, op.schema)
		if err != nil {
			op.err = fmt.Errorf("shuffle: stage %d partition %d of query %s: %w", op.stage, op.partition, op.in.query, err)
			op.cancel()
			return nil, op.err
		}
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close implements exec.Operator: it stops the fetches and waits for them.
func (op *fetchOp) Close() error {
	if op.closed {
		return nil
	}
	op.closed = true
	if op.cancel != nil {
		op.cancel()
		for r := range op.ch {
			if r.b != nil {
				r.b.Release()
			}
		}
	}
	return nil
}

var _ exec.Operator = (*fetchOp)(nil)

// conform returns b with schema schema: the map side may name or mark
// nullability differently from the plan the reduce side was given, but the
// column types must agree. It takes ownership of b.
func conform(b arrow.RecordBatch, schema *arrow.Schema) (arrow.RecordBatch, error) {
	got := b.Schema()
	if got == schema || got.Equal(schema) {
		return b, nil
	}
	if int(b.NumCols()) != schema.NumFields() {
		b.Release()
		return nil, fmt.Errorf("fetched batch has %d columns, want %d", b.NumCols(), schema.NumFields())
	}
	for i, c := range b.Columns() {
		if !arrow.TypeEqual(c.DataType(), schema.Field(i).Type) {
			b.Release()
			return nil, fmt.Errorf("fetched column %d is %v, want %v", i, c.DataType(), schema.Field(i).Type)
		}
	}
	out := array.NewRecordBatch(schema, b.Columns(), b.NumRows())
	b.Release()
	return out, nil
}
