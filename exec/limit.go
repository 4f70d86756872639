package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// limitOp skips offset rows, then passes at most count rows (count < 0:
// all). Once it has passed count rows it stops pulling and closes its input
// at once, so the work and memory upstream end early.
type limitOp struct {
	input         Operator
	offset, count int64
	skipped, sent int64
	done          bool
}

// NewLimit skips offset rows of input, then passes at most count rows
// (count < 0: unlimited). Batches are sliced, never copied.
func NewLimit(input Operator, offset, count int64) (Operator, error) {
	if input == nil {
		return nil, errors.New("limit: nil input")
	}
	if offset < 0 {
		return nil, fmt.Errorf("limit: negative offset %d", offset)
	}
	return &limitOp{input: input, offset: offset, count: count}, nil
}

// Schema implements Operator.
func (l *limitOp) Schema() *arrow.Schema { return l.input.Schema() }

// Open implements Operator.
func (l *limitOp) Open(ctx context.Context) error { return l.input.Open(ctx) }

// Next implements Operator.
func (l *limitOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for !l.done {
		if l.count >= 0 && l.sent >= l.count {
			l.finish()
			break
		}
		b, err := l.input.Next(ctx)
		if err == io.EOF {
			l.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		n := b.NumRows()
		start := int64(0)
		if l.skipped < l.offset {
			start = min(l.offset-l.skipped, n)
			l.skipped += start
		}
		take := n - start
		if l.count >= 0 {
			take = min(take, l.count-l.sent)
		}
		if take <= 0 {
			b.Release()
			continue
		}
		l.sent += take
		if start == 0 && take == n {
			return b, nil
		}
		out := b.NewSlice(start, start+take)
		b.Release()
		return out, nil
	}
	return nil, io.EOF
}

// finish closes the input early: nothing more will be pulled from it.
func (l *limitOp) finish() {
	l.done = true
	l.input.Close()
}

// Close implements Operator.
func (l *limitOp) Close() error {
	l.done = true
	return l.input.Close()
}

var _ Operator = (*limitOp)(nil)
