package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/planner"
)

// projectOp computes one output column per expression, batch by batch.
type projectOp struct {
	tc     *TaskContext
	input  Operator
	exprs  []boundExpr
	schema *arrow.Schema
}

// NewProject computes exprs (over input's schema) for every input row; the
// output columns are named names and typed as planner.NewProject types
// them. With no expressions it yields batches of rows without columns.
func NewProject(tc *TaskContext, input Operator, exprs []planner.Expr, names []string) (Operator, error) {
	if tc == nil || input == nil {
		return nil, errors.New("project: nil task context or input")
	}
	if len(exprs) != len(names) {
		return nil, fmt.Errorf("project: %d expressions but %d names", len(exprs), len(names))
	}
	xs, err := bindExprsFor(tc, exprs, input.Schema())
	if err != nil {
		return nil, fmt.Errorf("project: %w", err)
	}
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		fields[i] = arrow.Field{Name: names[i], Type: e.Type(), Nullable: e.Nullable()}
	}
	return &projectOp{tc: tc, input: input, exprs: xs, schema: arrow.NewSchema(fields, nil)}, nil
}

// Schema implements Operator.
func (p *projectOp) Schema() *arrow.Schema { return p.schema }

// Open implements Operator.
func (p *projectOp) Open(ctx context.Context) error { return p.input.Open(ctx) }

// Next implements Operator.
func (p *projectOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	b, err := p.input.Next(ctx)
	for err == nil && b.NumRows() == 0 { // never pass on an empty batch
		b.Release()
		b, err = p.input.Next(ctx)
	}
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, err
	}
	defer b.Release()
	cols, err := evalAll(p.tc.Mem, p.exprs, b)
	if err != nil {
		return nil, err
	}
	out := array.NewRecordBatch(p.schema, cols, b.NumRows())
	freeArrays(cols)
	return out, nil
}

// Close implements Operator.
func (p *projectOp) Close() error { return p.input.Close() }

var _ Operator = (*projectOp)(nil)
