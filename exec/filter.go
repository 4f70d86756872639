package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
)

// filterOp keeps the rows for which its predicate is TRUE (not FALSE, not
// NULL), skipping batches left empty.
type filterOp struct {
	tc    *TaskContext
	input Operator
	pred  boundExpr
	// constant is set for a literal predicate: TRUE passes every batch,
	// FALSE or NULL ends at once without reading the input.
	constant *bool
	done     bool
}

// NewFilter keeps the rows of input for which predicate (a BOOLEAN
// expression over input's schema) is TRUE.
func NewFilter(tc *TaskContext, input Operator, predicate planner.Expr) (Operator, error) {
	if tc == nil || input == nil || predicate == nil {
		return nil, errors.New("filter: nil task context, input or predicate")
	}
	f := &filterOp{tc: tc, input: input}
	if l, ok := predicate.(*planner.Literal); ok {
		v, isBool := l.Value.(bool)
		if l.Value != nil && !isBool {
			return nil, fmt.Errorf("filter: predicate %s is %s, not BOOLEAN", l, planner.TypeName(l.DataType))
		}
		f.constant = &v // NULL keeps v false
		return f, nil
	}
	if predicate.Type().ID() == arrow.NULL { // always NULL: no row passes
		f.constant = new(bool)
		return f, nil
	}
	if id := predicate.Type().ID(); id != arrow.BOOL {
		return nil, fmt.Errorf("filter: predicate %s is %s, not BOOLEAN", predicate, planner.TypeName(predicate.Type()))
	}
	xs, err := bindExprsFor(tc, []planner.Expr{predicate}, input.Schema())
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	f.pred = xs[0]
	return f, nil
}

// Schema implements Operator.
func (f *filterOp) Schema() *arrow.Schema { return f.input.Schema() }

// Open implements Operator.
func (f *filterOp) Open(ctx context.Context) error { return f.input.Open(ctx) }

// Next implements Operator.
func (f *filterOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if f.done || (f.constant != nil && !*f.constant) {
		return nil, io.EOF
	}
	for {
		b, err := f.input.Next(ctx)
		if err == io.EOF {
			f.done = true
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		if f.constant != nil {
			return b, nil
		}
		out, err := f.apply(b)
		b.Release()
		if err != nil {
			return nil, err
		}
		if out.NumRows() > 0 {
			return out, nil
		}
		out.Release()
	}
}

// apply returns the rows of b that pass (possibly b itself, retained).
func (f *filterOp) apply(b arrow.RecordBatch) (arrow.RecordBatch, error) {
	m, err := f.pred.eval(f.tc.Mem, b)
	if err != nil {
		return nil, err
	}
	defer m.Release()
	mask, ok := m.(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("filter: predicate evaluated to %s", m.DataType())
	}
	return eval.Filter(f.tc.Mem, b, mask)
}

// Close implements Operator.
func (f *filterOp) Close() error {
	f.done = true
	return f.input.Close()
}

var _ Operator = (*filterOp)(nil)
