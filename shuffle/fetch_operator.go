package shuffle

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/exec"
)

// fetchOp is the operator over one reduce partition: Open starts fetching
// the map outputs, a bounded number at a time, and Next returns their
// batches in map task order (as the in-memory store does), so that a
// partition gathered from ordered map outputs stays ordered; Close stops
// the fetches and frees what they had fetched.
type fetchOp struct {
	in        *FetchInputs
	stage     int
	partition int
	schema    *arrow.Schema
	outs      []MapOutput

	// results[i] carries map output i's batches, then is closed.
	results []chan fetched
	cur     int
	cancel  context.CancelFunc
	err     error
	closed  bool
}

type fetched struct {
	b   arrow.RecordBatch
	err error
}

// Schema implements exec.Operator.
func (op *fetchOp) Schema() *arrow.Schema { return op.schema }

// Open implements exec.Operator.
func (op *fetchOp) Open(ctx context.Context) error {
	if op.results != nil || op.closed || len(op.outs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	op.cancel = cancel
	op.results = make([]chan fetched, len(op.outs))
	for i := range op.results {
		op.results[i] = make(chan fetched, 16)
	}
	slots := make(chan struct{}, min(op.in.f.workers, len(op.outs)))
	go func() {
		// Fetches start in map order; output i waits for a slot, so the
		// one being read has always started.
		for i := range op.outs {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				for _, ch := range op.results[i:] {
					close(ch)
				}
				return
			}
			go func(i int) {
				defer func() { <-slots }()
				defer close(op.results[i])
				op.fetch(ctx, i)
			}(i)
		}
	}()
	return nil
}

// fetch reads map output i into its channel.
func (op *fetchOp) fetch(ctx context.Context, i int) {
	ch := op.results[i]
	o := op.outs[i]
	id := OutputID{Query: op.in.query, Stage: op.stage, MapTask: o.MapTask}
	err := op.in.f.Fetch(ctx, op.in.mem, id, op.partition, o.Address, func(b arrow.RecordBatch) error {
		select {
		case ch <- fetched{b: b}:
			return nil
		case <-ctx.Done():
			b.Release()
			return ctx.Err()
		}
	})
	if err != nil && ctx.Err() == nil {
		select {
		case ch <- fetched{err: err}:
		case <-ctx.Done():
		}
	}
}

// Next implements exec.Operator. The first fetch failure ends the stream.
func (op *fetchOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if op.err != nil {
		return nil, op.err
	}
	for op.results != nil && op.cur < len(op.results) {
		select {
		case r, ok := <-op.results[op.cur]:
			if !ok {
				op.cur++
				continue
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
	return nil, io.EOF
}

// Close implements exec.Operator: it stops the fetches and waits for them.
func (op *fetchOp) Close() error {
	if op.closed {
		return nil
	}
	op.closed = true
	if op.cancel != nil {
		op.cancel()
		for _, ch := range op.results {
			for r := range ch {
				if r.b != nil {
					r.b.Release()
				}
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
