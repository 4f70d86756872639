package ember

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/gorows"
)

// Rows iterates over a query's rows one at a time, with typed getters, in
// the manner of database/sql:
//
//	rows, err := df.Rows(ctx)
//	if err != nil { ... }
//	defer rows.Close()
//	for rows.Next() {
//		name, _ := rows.String(0)
//		age, _ := rows.Int64(1)
//	}
//	if err := rows.Err(); err != nil { ... }
type Rows struct {
	ctx   context.Context
	res   *Result
	batch arrow.RecordBatch
	row   int
	err   error
}

// Rows runs the query and returns an iterator over its rows; close it.
func (df *DataFrame) Rows(ctx context.Context) (*Rows, error) {
	res, err := df.Execute(ctx)
	if err != nil {
		return nil, err
	}
	return &Rows{ctx: ctx, res: res, row: -1}, nil
}

// Next advances to the next row; false at the end or on an error (see
// Err).
func (r *Rows) Next() bool {
	if r.err != nil || r.res == nil {
		return false
	}
	r.row++
	for r.batch == nil || r.row >= int(r.batch.NumRows()) {
		if r.batch != nil {
			r.batch.Release()
			r.batch = nil
		}
		b, err := r.res.Next(r.ctx)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.err = err
			}
			r.Close()
			return false
		}
		r.batch, r.row = b, 0
	}
	return true
}

// Err is the error that ended the iteration, if any.
func (r *Rows) Err() error { return r.err }

// Close stops the query and releases what the iterator holds; safe to call
// twice.
func (r *Rows) Close() error {
	if r.batch != nil {
		r.batch.Release()
		r.batch = nil
	}
	if r.res == nil {
		return nil
	}
	err := r.res.Close()
	r.res = nil
	return err
}

// Schema is the schema of the rows.
func (r *Rows) Schema() *arrow.Schema {
	if r.res == nil {
		return nil
	}
	return r.res.Schema()
}

// column returns column i of the current row's batch.
func (r *Rows) column(i int) (arrow.Array, error) {
	if r.batch == nil {
		return nil, fmt.Errorf("no current row: call Next first")
	}
	if i < 0 || i >= int(r.batch.NumCols()) {
		return nil, fmt.Errorf("column %d out of range: the rows have %d columns", i, r.batch.NumCols())
	}
	return r.batch.Column(i), nil
}

// IsNull reports whether column i of the current row is NULL.
func (r *Rows) IsNull(i int) bool {
	c, err := r.column(i)
	return err == nil && c.IsNull(r.row)
}

// Value is column i of the current row as a Go value (see Row.Get).
func (r *Rows) Value(i int) (any, error) {
	c, err := r.column(i)
	if err != nil {
		return nil, err
	}
	return gorows.Value(c, r.row), nil
}

// Int64 is column i as an int64 (any integer column; NULL is an error).
func (r *Rows) Int64(i int) (int64, error) {
	c, err := r.column(i)
	if err != nil {
		return 0, err
	}
	return gorows.Int64(c, r.row)
}

// Float64 is column i as a float64 (any numeric column).
func (r *Rows) Float64(i int) (float64, error) {
	c, err := r.column(i)
	if err != nil {
		return 0, err
	}
	return gorows.Float64(c, r.row)
}

// String is column i as a string.
func (r *Rows) String(i int) (string, error) {
	c, err := r.column(i)
	if err != nil {
		return "", err
	}
	return gorows.String(c, r.row)
}

// Bool is column i as a bool.
func (r *Rows) Bool(i int) (bool, error) {
	c, err := r.column(i)
	if err != nil {
		return false, err
	}
	return gorows.Bool(c, r.row)
}

// Time is a DATE or TIMESTAMP column i as a time.Time in UTC.
func (r *Rows) Time(i int) (time.Time, error) {
	c, err := r.column(i)
	if err != nil {
		return time.Time{}, err
	}
	return gorows.Time(c, r.row)
}

// Scan copies the current row's columns into dest, as database/sql's
// Rows.Scan does (*int64, *int, *float64, *string, *bool, *time.Time,
// *any; a pointer to a pointer takes NULLs).
func (r *Rows) Scan(dest ...any) error {
	if r.batch == nil {
		return fmt.Errorf("no current row: call Next first")
	}
	return gorows.Scan(r.batch, r.row, dest...)
}

// Row returns the current row as Go values.
func (r *Rows) Row() Row {
	if r.batch == nil {
		return Row{}
	}
	vals := make([]any, r.batch.NumCols())
	for i := range vals {
		vals[i] = gorows.Value(r.batch.Column(i), r.row)
	}
	return Row{schema: r.batch.Schema(), values: vals}
}

// Row is one row of a result as Go values: int64, int32, float64, string,
// bool, time.Time for dates and timestamps, a decimal value with String,
// or nil for NULL.
type Row struct {
	schema *arrow.Schema
	values []any
}

// Len is the number of columns.
func (r Row) Len() int { return len(r.values) }

// Values returns the row's values.
func (r Row) Values() []any { return append([]any(nil), r.values...) }

// Schema is the schema of the row's columns.
func (r Row) Schema() *arrow.Schema { return r.schema }

// Get is column i's value (nil for NULL or out of range).
func (r Row) Get(i int) any {
	if i < 0 || i >= len(r.values) {
		return nil
	}
	return r.values[i]
}

// GetAs is the value of the column named name (nil when absent).
func (r Row) GetAs(name string) any {
	if r.schema == nil {
		return nil
	}
	idx := r.schema.FieldIndices(name)
	if len(idx) == 0 {
		return nil
	}
	return r.values[idx[0]]
}

func (r Row) check(i int) error {
	if i < 0 || i >= len(r.values) {
		return fmt.Errorf("column %d out of range: the row has %d columns", i, len(r.values))
	}
	return nil
}

// Int64 is column i as an int64.
func (r Row) Int64(i int) (int64, error) {
	if err := r.check(i); err != nil {
		return 0, err
	}
	return asInt64(r.values[i], i)
}

// Float64 is column i as a float64.
func (r Row) Float64(i int) (float64, error) {
	if err := r.check(i); err != nil {
		return 0, err
	}
	return asFloat64(r.values[i], i)
}

// String is column i as a string (any value in its text form).
func (r Row) String(i int) (string, error) {
	if err := r.check(i); err != nil {
		return "", err
	}
	if r.values[i] == nil {
		return "", fmt.Errorf("column %d is NULL", i)
	}
	return fmt.Sprint(r.values[i]), nil
}

// asInt64 converts an integer value of a Row.
func asInt64(v any, i int) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case nil:
		return 0, fmt.Errorf("column %d is NULL", i)
	}
	return 0, fmt.Errorf("column %d is a %T, not an integer", i, v)
}

// asFloat64 converts a numeric value of a Row.
func asFloat64(v any, i int) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case gorows.Decimal:
		return x.Float64(), nil
	}
	n, err := asInt64(v, i)
	if err != nil {
		return 0, fmt.Errorf("column %d is a %T, not a number", i, v)
	}
	return float64(n), nil
}
