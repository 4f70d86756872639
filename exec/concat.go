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

// concatOp runs its inputs one after another (UNION ALL inside one task).
// Each input is opened when its turn comes and closed as soon as it is
// exhausted, so at most one input holds resources at a time.
type concatOp struct {
	inputs []Operator
	schema *arrow.Schema
	cur    int
	opened bool // whether inputs[cur] is open
}

// NewConcat returns the rows of inputs in order. The inputs must have the
// same number of columns with the same types; the output takes the first
// input's names, and a column is nullable if it is in any input (as
// planner.NewUnion).
func NewConcat(inputs ...Operator) (Operator, error) {
	if len(inputs) == 0 {
		return nil, errors.New("concat: no inputs")
	}
	for _, in := range inputs {
		if in == nil {
			return nil, errors.New("concat: nil input")
		}
	}
	first := inputs[0].Schema()
	fields := append([]arrow.Field(nil), first.Fields()...)
	for i, in := range inputs[1:] {
		s := in.Schema()
		if s.NumFields() != len(fields) {
			return nil, fmt.Errorf("concat: input %d has %d columns, input 0 has %d", i+1, s.NumFields(), len(fields))
		}
		for j, f := range s.Fields() {
			if !arrow.TypeEqual(f.Type, fields[j].Type) {
				return nil, fmt.Errorf("concat: column %d of input %d is %s, input 0 has %s",
					j, i+1, planner.TypeName(f.Type), planner.TypeName(fields[j].Type))
			}
			fields[j].Nullable = fields[j].Nullable || f.Nullable
		}
	}
	return &concatOp{inputs: inputs, schema: arrow.NewSchema(fields, nil)}, nil
}

// Schema implements Operator.
func (c *concatOp) Schema() *arrow.Schema { return c.schema }

// Open implements Operator: it opens the first input only.
func (c *concatOp) Open(ctx context.Context) error {
	c.cur = 0
	c.opened = true
	return c.inputs[0].Open(ctx)
}

// Next implements Operator.
func (c *concatOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for c.cur < len(c.inputs) {
		if !c.opened {
			if err := c.inputs[c.cur].Open(ctx); err != nil {
				return nil, err
			}
			c.opened = true
		}
		b, err := c.inputs[c.cur].Next(ctx)
		if err == io.EOF {
			c.inputs[c.cur].Close()
			c.cur++
			c.opened = false
			continue
		}
		if err != nil {
			return nil, err
		}
		if b.NumRows() == 0 { // never pass on an empty batch
			b.Release()
			continue
		}
		if b.Schema().Equal(c.schema) {
			return b, nil
		}
		// Same types, other names or nullability: relabel without copying.
		out := array.NewRecordBatch(c.schema, b.Columns(), b.NumRows())
		b.Release()
		return out, nil
	}
	return nil, io.EOF
}

// Close implements Operator.
func (c *concatOp) Close() error {
	var first error
	for _, in := range c.inputs {
		if err := in.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.cur = len(c.inputs)
	return first
}

var _ Operator = (*concatOp)(nil)
