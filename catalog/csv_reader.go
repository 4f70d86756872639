package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// csvReader reads one CSV file in batches: it splits batchSize records into
// fields, then converts each requested column with a typed loop.
type csvReader struct {
	path      string
	closer    io.Closer
	sc        *csvScanner
	table     *arrow.Schema
	ncols     int
	cols      []int
	schema    *arrow.Schema // output
	nullValue string
	mem       memory.Allocator
	batchSize int
	lines     []int64 // first line of each record of the batch
	done      bool
}

func newCSVReader(t *CSVTable, path string, cols []int, mem memory.Allocator, batchSize int) (*csvReader, error) {
	in, closer, err := openTextFile(path)
	if err != nil {
		return nil, err
	}
	r := &csvReader{
		path:      path,
		closer:    closer,
		sc:        newCSVScanner(in, path, t.opts.delim, t.opts.quote),
		table:     t.schema,
		ncols:     t.schema.NumFields(),
		cols:      cols,
		schema:    projectSchema(t.schema, cols),
		nullValue: t.opts.nullValue,
		mem:       mem,
		batchSize: batchSize,
	}
	// Size the batch buffers once, rather than by doubling in each file.
	fields := min(batchSize*r.ncols, 1<<20)
	r.sc.data = make([]byte, 0, 1<<20)
	r.sc.ends = make([]int, 1, fields+1)
	r.sc.ends[0] = -1
	r.sc.quoted = make([]bool, 0, fields)
	r.lines = make([]int64, 0, min(batchSize, 1<<20))
	if t.opts.header {
		if _, err := r.sc.next(); err != nil {
			if !errors.Is(err, io.EOF) {
				r.Close()
				return nil, err
			}
			r.done = true
		}
		r.sc.reset()
	}
	return r, nil
}

// Next implements BatchReader.
func (r *csvReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.done {
		return nil, io.EOF
	}
	r.sc.reset()
	r.lines = r.lines[:0]
	for len(r.lines) < r.batchSize {
		n, err := r.sc.next()
		if errors.Is(err, io.EOF) {
			r.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		if n != r.ncols {
			return nil, fmt.Errorf("%s: line %d: expected %d fields, got %d", r.path, r.sc.recLine, r.ncols, n)
		}
		r.lines = append(r.lines, r.sc.recLine)
	}
	rows := len(r.lines)
	if rows == 0 {
		return nil, io.EOF
	}
	out := make([]arrow.Array, len(r.cols))
	defer releaseAll(out)
	for i, c := range r.cols {
		a, err := r.column(c, rows)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return array.NewRecordBatch(r.schema, out, int64(rows)), nil
}

// Close implements BatchReader.
func (r *csvReader) Close() error {
	r.done = true
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// column converts column c of the batch's records.
func (r *csvReader) column(c, rows int) (arrow.Array, error) {
	dt := r.table.Field(c).Type
	switch dt.ID() {
	case arrow.STRING:
		return r.stringColumn(c, rows)
	case arrow.INT32:
		return csvFixedColumn(r, c, rows, dt, parseInt32)
	case arrow.INT64:
		return csvFixedColumn(r, c, rows, dt, parseInt64)
	case arrow.FLOAT64:
		return csvFixedColumn(r, c, rows, dt, parseFloat64)
	case arrow.DATE32:
		return csvFixedColumn(r, c, rows, dt, func(b []byte) (arrow.Date32, bool) {
			d, ok := parseDate(b)
			return arrow.Date32(d), ok
		})
	case arrow.TIMESTAMP:
		return csvFixedColumn(r, c, rows, dt, func(b []byte) (arrow.Timestamp, bool) {
			v, ok := parseTimestamp(b)
			return arrow.Timestamp(v), ok
		})
	case arrow.BOOL:
		return r.boolColumn(c, rows)
	}
	return nil, fmt.Errorf("%s: column %s: type %s cannot be read from CSV", r.path, r.table.Field(c).Name, dt)
}

// valueError reports a value that does not parse as its column's type.
func (r *csvReader) valueError(row, c int, f []byte) error {
	v := string(f)
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	field := r.table.Field(c)
	return fmt.Errorf("%s: line %d: column %s: cannot read %q as %s", r.path, r.lines[row], field.Name, v, sqlTypeName(field.Type))
}

// nonStringNull reports whether a field of a non-string column is NULL:
// the null value, or empty (quoted or not), which no type but a string has.
func (r *csvReader) nonStringNull(k int) bool {
	f := r.sc.field(k)
	return len(f) == 0 || csvIsNull(f, r.sc.quoted[k], r.nullValue)
}

// newValidity allocates a cleared validity bitmap for n values.
func newValidity(mem memory.Allocator, n int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(int(bitutil.BytesForBits(int64(n))))
	clear(b.Bytes())
	return b
}

// csvFixedColumn parses a column of a fixed-width type.
func csvFixedColumn[T any](r *csvReader, c, rows int, dt arrow.DataType, parse func([]byte) (T, bool)) (arrow.Array, error) {
	var zero T
	values := memory.NewResizableBuffer(r.mem)
	values.Resize(rows * int(unsafe.Sizeof(zero)))
	dst := castBytes[T](values.Bytes(), rows)
	validity := newValidity(r.mem, rows)
	bits := validity.Bytes()
	nulls := 0
	for row, k := 0, c; row < rows; row, k = row+1, k+r.ncols {
		if r.nonStringNull(k) {
			dst[row] = zero
			nulls++
			continue
		}
		f := r.sc.field(k)
		v, ok := parse(f)
		if !ok {
			values.Release()
			validity.Release()
			return nil, r.valueError(row, c, f)
		}
		dst[row] = v
		bitutil.SetBit(bits, row)
	}
	if nulls == 0 {
		validity.Release()
		validity = nil
	}
	return newFixedArray(dt, rows, nulls, validity, values), nil
}

// boolColumn parses a BOOLEAN column.
func (r *csvReader) boolColumn(c, rows int) (arrow.Array, error) {
	b := array.NewBooleanBuilder(r.mem)
	defer b.Release()
	b.Reserve(rows)
	for row, k := 0, c; row < rows; row, k = row+1, k+r.ncols {
		if r.nonStringNull(k) {
			b.UnsafeAppendBoolToBitmap(false)
			continue
		}
		f := r.sc.field(k)
		v, ok := parseBool(f)
		if !ok {
			return nil, r.valueError(row, c, f)
		}
		b.UnsafeAppend(v)
	}
	return b.NewArray(), nil
}

// stringColumn copies a VARCHAR column. An unquoted field equal to the
// null value is NULL; an unquoted empty field is NULL when the null value is
// empty, else an empty string; a quoted field is always its text.
func (r *csvReader) stringColumn(c, rows int) (arrow.Array, error) {
	total := 0
	for k := c; k < rows*r.ncols; k += r.ncols {
		total += r.sc.ends[k+1] - r.sc.ends[k] - 1
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("%s: column %s: more than 2 GiB of text in one batch", r.path, r.table.Field(c).Name)
	}
	offsets := memory.NewResizableBuffer(r.mem)
	offsets.Resize((rows + 1) * 4)
	offs := castBytes[int32](offsets.Bytes(), rows+1)
	data := memory.NewResizableBuffer(r.mem)
	data.Resize(total)
	dst := data.Bytes()
	validity := newValidity(r.mem, rows)
	bits := validity.Bytes()
	nulls, pos := 0, 0
	for row, k := 0, c; row < rows; row, k = row+1, k+r.ncols {
		offs[row] = int32(pos)
		f := r.sc.field(k)
		if csvIsNull(f, r.sc.quoted[k], r.nullValue) {
			nulls++
			continue
		}
		pos += copy(dst[pos:], f)
		bitutil.SetBit(bits, row)
	}
	offs[rows] = int32(pos)
	data.Resize(pos)
	if nulls == 0 {
		validity.Release()
		validity = nil
	}
	arrData := array.NewData(arrow.BinaryTypes.String, rows, []*memory.Buffer{validity, offsets, data}, nil, nulls, 0)
	if validity != nil {
		validity.Release()
	}
	offsets.Release()
	data.Release()
	defer arrData.Release()
	return array.MakeFromData(arrData), nil
}
