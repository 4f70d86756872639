package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

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
	rb := array.NewRecordBuilder(v.tc.Mem, v.schema)
	defer rb.Release()
	for c := range v.schema.Fields() {
		fb := rb.Field(c)
		fb.Reserve(len(rows))
		for _, row := range rows {
			if err := appendLiteral(fb, row[c]); err != nil {
				return nil, fmt.Errorf("values: column %s: %w", v.schema.Field(c).Name, err)
			}
		}
	}
	return rb.NewRecordBatch(), nil
}

// Close implements Operator.
func (v *valuesOp) Close() error {
	v.next = len(v.rows)
	return nil
}

// appendLiteral appends a value in planner.Literal's Go representation.
func appendLiteral(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	ok := true
	switch b := b.(type) {
	case *array.BooleanBuilder:
		var x bool
		if x, ok = v.(bool); ok {
			b.Append(x)
		}
	case *array.Int8Builder:
		var x int8
		if x, ok = v.(int8); ok {
			b.Append(x)
		}
	case *array.Int16Builder:
		var x int16
		if x, ok = v.(int16); ok {
			b.Append(x)
		}
	case *array.Int32Builder:
		var x int32
		if x, ok = v.(int32); ok {
			b.Append(x)
		}
	case *array.Int64Builder:
		var x int64
		if x, ok = v.(int64); ok {
			b.Append(x)
		}
	case *array.Float32Builder:
		var x float32
		if x, ok = v.(float32); ok {
			b.Append(x)
		}
	case *array.Float64Builder:
		var x float64
		if x, ok = v.(float64); ok {
			b.Append(x)
		}
	case *array.Decimal128Builder:
		var x decimal128.Num
		if x, ok = v.(decimal128.Num); ok {
			b.Append(x)
		}
	case *array.StringBuilder:
		var x string
		if x, ok = v.(string); ok {
			b.Append(x)
		}
	case *array.LargeStringBuilder:
		var x string
		if x, ok = v.(string); ok {
			b.Append(x)
		}
	case *array.Date32Builder:
		var x arrow.Date32
		if x, ok = v.(arrow.Date32); ok {
			b.Append(x)
		}
	case *array.TimestampBuilder:
		var x arrow.Timestamp
		if x, ok = v.(arrow.Timestamp); ok {
			b.Append(x)
		}
	case *array.MonthDayNanoIntervalBuilder:
		var x arrow.MonthDayNanoInterval
		if x, ok = v.(arrow.MonthDayNanoInterval); ok {
			b.Append(x)
		}
	default:
		return fmt.Errorf("unsupported type %s", b.Type())
	}
	if !ok {
		return fmt.Errorf("value %v (%T) does not fit %s", v, v, planner.TypeName(b.Type()))
	}
	return nil
}

var _ Operator = (*valuesOp)(nil)
