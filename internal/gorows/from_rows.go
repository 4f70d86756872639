package gorows

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchRows is the most rows a batch built from Go values holds.
const BatchRows = 64 << 10

// FromRows builds record batches from rows of Go values, one value per
// column named by columns, inferring each column's type from its values
// (see the package documentation). A row of the wrong length, a value of
// an unsupported Go type, values of types that do not mix, and a column
// with no value but nil (its type cannot be inferred: use
// FromRowsWithSchema) are errors naming the row or the column. The caller
// releases the batches.
func FromRows(mem memory.Allocator, rows [][]any, columns []string) (*arrow.Schema, []arrow.RecordBatch, error) {
	if err := checkLengths(rows, len(columns)); err != nil {
		return nil, nil, err
	}
	infer := make([]inferrer, len(columns))
	for r, row := range rows {
		for c, v := range row {
			nv, err := normalize(v)
			if err == nil {
				err = infer[c].add(nv)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("row %d, column %q: %w", r, columns[c], err)
			}
		}
	}
	fields := make([]arrow.Field, len(columns))
	for c, name := range columns {
		if infer[c].dt == nil {
			return nil, nil, fmt.Errorf("column %q holds only nil values: its type cannot be inferred; give a schema", name)
		}
		fields[c] = arrow.Field{Name: name, Type: infer[c].dt, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	batches, err := build(mem, schema, len(rows), func(r, c int) any { return rows[r][c] })
	if err != nil {
		return nil, nil, err
	}
	return schema, batches, nil
}

// FromRowsWithSchema builds record batches of schema from rows of Go
// values, converting each value to its column's type: integers to any
// numeric type that holds them, numbers and numeric strings to numbers,
// 'YYYY-MM-DD' to DATE, time.Time, Date and timestamp strings to
// TIMESTAMP, and so on. A value that does not convert, a nil in a
// non-nullable column, or a row of the wrong length is an error naming the
// row and the column. Supported column types: boolean, the integer and
// floating-point types, utf8, large_utf8, binary, large_binary, date32,
// date64, timestamp and decimal128.
func FromRowsWithSchema(mem memory.Allocator, rows [][]any, schema *arrow.Schema) ([]arrow.RecordBatch, error) {
	if schema == nil {
		return nil, errors.New("FromRowsWithSchema: nil schema")
	}
	if err := checkLengths(rows, schema.NumFields()); err != nil {
		return nil, err
	}
	return build(mem, schema, len(rows), func(r, c int) any { return rows[r][c] })
}

// checkLengths checks that every row has n values.
func checkLengths(rows [][]any, n int) error {
	for r, row := range rows {
		if len(row) != n {
			return fmt.Errorf("row %d has %d values, expected %d (one per column)", r, len(row), n)
		}
	}
	return nil
}

// build makes batches of schema from n rows, value(r, c) giving the Go
// value of row r, column c. On error nothing stays allocated.
func build(mem memory.Allocator, schema *arrow.Schema, n int, value func(r, c int) any) ([]arrow.RecordBatch, error) {
	for _, f := range schema.Fields() {
		if !supported(f.Type) {
			return nil, fmt.Errorf("column %q: type %s is not supported for Go values", f.Name, f.Type)
		}
	}
	var out []arrow.RecordBatch
	fail := func(err error) ([]arrow.RecordBatch, error) {
		for _, b := range out {
			b.Release()
		}
		return nil, err
	}
	for start := 0; start < n; start += BatchRows {
		end := min(start+BatchRows, n)
		b, err := buildBatch(mem, schema, start, end, value)
		if err != nil {
			return fail(err)
		}
		out = append(out, b)
	}
	return out, nil
}

// buildBatch makes the batch of rows start..end-1.
func buildBatch(mem memory.Allocator, schema *arrow.Schema, start, end int, value func(r, c int) any) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, 0, schema.NumFields())
	defer func() {
		for _, a := range cols {
			a.Release()
		}
	}()
	for c, f := range schema.Fields() {
		a, err := buildColumn(mem, f, c, start, end, value)
		if err != nil {
			return nil, err
		}
		cols = append(cols, a)
	}
	return array.NewRecordBatch(schema, cols, int64(end-start)), nil
}

func buildColumn(mem memory.Allocator, f arrow.Field, c, start, end int, value func(r, c int) any) (arrow.Array, error) {
	b := array.NewBuilder(mem, f.Type)
	defer b.Release()
	b.Reserve(end - start)
	for r := start; r < end; r++ {
		v, err := normalize(value(r, c))
		if err == nil {
			switch {
			case v == nil && !f.Nullable:
				err = errors.New("nil in a column that is not nullable")
			case v == nil:
				b.AppendNull()
			case f.Type.ID() == arrow.NULL:
				err = fmt.Errorf("%s in a column of type null", describe(v))
			default:
				err = appendValue(b, v)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("row %d, column %q: %w", r, f.Name, err)
		}
	}
	return b.NewArray(), nil
}
