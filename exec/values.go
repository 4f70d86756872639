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

// valuesOp produces literal rows. The constants are folded when it is
// built; Arrow memory is allocated only batch by batch in Next.
type valuesOp struct {
	tc     *TaskContext
	schema *arrow.Schema
	rows   [][]any // planner.Literal values, nil for NULL
	next   int
}

// NewValues produces rows, each a list of constant expressions (no column
// references), one per field of schema and of that field's type (a NULL
// literal of the NULL type fits any field). A single row over an empty
// schema is the input of SELECT without FROM.
func NewValues(tc *TaskContext, schema *arrow.Schema, rows [][]planner.Expr) (Operator, error) {
	if tc == nil || schema == nil {
		return nil, errors.New("values: nil task context or schema")
	}
	vals := make([][]any, len(rows))
	for r, row := range rows {
		if len(row) != schema.NumFields() {
			return nil, fmt.Errorf("values: row %d has %d values, expected %d", r+1, len(row), schema.NumFields())
		}
		vals[r] = make([]any, len(row))
		for c, e := range row {
			l, ok := e.(*planner.Literal)
			if !ok {
				var err error
				if l, err = eval.EvalConstant(e); err != nil {
					return nil, fmt.Errorf("values: row %d, column %s: %w", r+1, schema.Field(c).Name, err)
				}
			}
			want := schema.Field(c).Type
			if l.Value != nil && !arrow.TypeEqual(l.DataType, want) {
				return nil, fmt.Errorf("values: row %d, column %s: %s is %s, expected %s", r+1, schema.Field(c).Name,
					l, planner.TypeName(l.DataType), planner.TypeName(want))
			}
			vals[r][c] = l.Value
		}
	}
	return &valuesOp{tc: tc, schema: schema, rows: vals}, nil
}

// Schema implements Operator.
func (v *valuesOp) Schema() *arrow.Schema { return v.schema }

// Open implements Operator.
func (v *valuesOp) Open(context.Context) error { v.next = 0; return nil }

// Next implements Operator.
func (v *valuesOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if v.next >= len(v.rows) {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := min(len(v.rows), v.next+max(v.tc.BatchSize, 1))
	rows := v.rows[v.next:end]
	v.next = end
	if v.schema.NumFields() == 0 {
		return array.NewRecordBatch(v.schema, nil, int64(len(rows))), nil
	}
	// Each cell becomes a one-row array of its column's type (eval knows
	// how to make any literal into an array), and each column the
	// concatenation of its cells: VALUES lists are short.
	cols := make([]arrow.Array, 0, v.schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	cells := make([]arrow.Array, 0, len(rows))
	for c, f := range v.schema.Fields() {
		cells = cells[:0]
		var err error
		for _, row := range rows {
			var cell arrow.Array
			if cell, err = eval.LiteralArray(v.tc.Mem, &planner.Literal{Value: row[c], DataType: f.Type}, 1); err != nil {
				break
			}
			cells = append(cells, cell)
		}
		var col arrow.Array
		if err == nil {
			col, err = array.Concatenate(cells, v.tc.Mem)
		}
		for _, cell := range cells {
			cell.Release()
		}
		if err != nil {
			return nil, fmt.Errorf("values: column %s: %w", f.Name, err)
		}
		cols = append(cols, col)
	}
	return array.NewRecordBatch(v.schema, cols, int64(len(rows))), nil
}

// Close implements Operator.
func (v *valuesOp) Close() error {
	v.next = len(v.rows)
	return nil
}
