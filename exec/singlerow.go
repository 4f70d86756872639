package exec

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// ErrMoreThanOneRow is the error of a scalar subquery that returns more
// than one row.
var ErrMoreThanOneRow = errors.New("scalar subquery returned more than one row")

// singleRowOp implements planner.EnforceSingleRow.
type singleRowOp struct {
	tc     *TaskContext
	input  Operator
	schema *arrow.Schema
	done   bool
}

// NewEnforceSingleRow passes input through when it has exactly one row,
// produces one row of NULLs when it has none, and fails with
// ErrMoreThanOneRow when it has more. Every output column is nullable.
func NewEnforceSingleRow(tc *TaskContext, input Operator) (Operator, error) {
	if tc == nil || input == nil {
		return nil, errors.New("enforce single row: nil task context or input")
	}
	fs := append([]arrow.Field(nil), input.Schema().Fields()...)
	for i := range fs {
		fs[i].Nullable = true
	}
	return &singleRowOp{tc: tc, input: input, schema: arrow.NewSchema(fs, nil)}, nil
}

// Schema implements Operator.
func (s *singleRowOp) Schema() *arrow.Schema { return s.schema }

// Open implements Operator.
func (s *singleRowOp) Open(ctx context.Context) error { return s.input.Open(ctx) }

// Next implements Operator. It reads the whole input (at most two rows'
// worth of batches before failing) and returns its single row.
func (s *singleRowOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, io.EOF
	}
	var row arrow.RecordBatch
	for {
		b, err := s.input.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			freeBatch(row)
			return nil, err
		}
		if b.NumRows() == 0 {
			// Not a row: keeping it would count it as one, and its
			// zero-length columns would make a corrupt one-row batch.
			b.Release()
			continue
		}
		if row != nil || b.NumRows() > 1 {
			freeBatch(row)
			b.Release()
			return nil, ErrMoreThanOneRow
		}
		row = b
	}
	s.done = true
	if row == nil {
		return s.nullRow(), nil
	}
	out := array.NewRecordBatch(s.schema, row.Columns(), 1)
	row.Release()
	return out, nil
}

func (s *singleRowOp) nullRow() arrow.RecordBatch {
	cols := make([]arrow.Array, s.schema.NumFields())
	for i, f := range s.schema.Fields() {
		cols[i] = array.MakeArrayOfNull(s.tc.Mem, f.Type, 1)
	}
	out := array.NewRecordBatch(s.schema, cols, 1)
	freeArrays(cols)
	return out
}

// Close implements Operator.
func (s *singleRowOp) Close() error {
	s.done = true
	return s.input.Close()
}

var _ Operator = (*singleRowOp)(nil)
