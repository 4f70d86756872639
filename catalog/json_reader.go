package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// jsonReader reads one NDJSON file in batches. For each line it records,
// per requested column, the value's kind and text (strings unescaped for
// VARCHAR columns) in one buffer; each column is then converted with a
// typed loop.
type jsonReader struct {
	path   string
	closer io.Closer
	lr     lineReader
	sc     jsonScanner
	table  *arrow.Schema
	schema *arrow.Schema // output
	mem    memory.Allocator
	size   int // batch size
	done   bool

	slotOf   map[string]int // key → slot (one per distinct requested column)
	slotCol  []int          // slot → table column
	outSlot  []int          // output column → slot
	isString []bool         // per slot: VARCHAR column
	emit     func(key []byte, kind jsonKind, raw []byte) error

	// The batch: value k = row*len(slotCol)+slot.
	row          int
	data         []byte
	kinds        []jsonKind
	starts, ends []int
	lines        []int64
}

func newJSONReader(t *JSONTable, path string, cols []int, mem memory.Allocator, batchSize int) (*jsonReader, error) {
	in, closer, err := openTextFile(path)
	if err != nil {
		return nil, err
	}
	r := &jsonReader{
		path:   path,
		closer: closer,
		lr:     newLineReader(in),
		table:  t.schema,
		schema: projectSchema(t.schema, cols),
		mem:    mem,
		size:   batchSize,
		slotOf: map[string]int{},
	}
	for _, c := range cols {
		name := t.schema.Field(c).Name
		slot, ok := r.slotOf[name]
		if !ok {
			slot = len(r.slotCol)
			r.slotOf[name] = slot
			r.slotCol = append(r.slotCol, c)
			r.isString = append(r.isString, t.schema.Field(c).Type.ID() == arrow.STRING)
		}
		r.outSlot = append(r.outSlot, slot)
	}
	r.emit = r.store
	return r, nil
}

// store records one member of the current line, if its column is wanted.
func (r *jsonReader) store(key []byte, kind jsonKind, raw []byte) error {
	slot, ok := r.slotOf[string(key)]
	if !ok {
		return nil
	}
	k := r.row*len(r.slotCol) + slot
	r.kinds[k] = kind
	r.starts[k] = len(r.data)
	if kind == jsonString && r.isString[slot] {
		r.data = appendUnescaped(r.data, raw)
	} else {
		r.data = append(r.data, raw...)
	}
	r.ends[k] = len(r.data)
	return nil
}

// Next implements BatchReader.
func (r *jsonReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.done {
		return nil, io.EOF
	}
	nslots := len(r.slotCol)
	if r.kinds == nil {
		r.kinds = make([]jsonKind, r.size*nslots)
		r.starts = make([]int, r.size*nslots)
		r.ends = make([]int, r.size*nslots)
	}
	clear(r.kinds)
	r.data = r.data[:0]
	r.lines = r.lines[:0]
	for r.row = 0; r.row < r.size; {
		line, _, err := r.lr.readLine()
		if errors.Is(err, io.EOF) {
			r.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		if jsonBlank(line) {
			continue
		}
		if err := r.sc.scanObject(line, r.emit); err != nil {
			return nil, fmt.Errorf("%s: line %d: malformed JSON: %w", r.path, r.lr.line, err)
		}
		r.lines = append(r.lines, r.lr.line)
		r.row++
	}
	rows := r.row
	if rows == 0 {
		return nil, io.EOF
	}
	slots := make([]arrow.Array, nslots)
	defer releaseAll(slots)
	for s := range slots {
		a, err := r.column(s, rows)
		if err != nil {
			return nil, err
		}
		slots[s] = a
	}
	out := make([]arrow.Array, len(r.outSlot))
	for i, s := range r.outSlot {
		out[i] = slots[s]
	}
	return array.NewRecordBatch(r.schema, out, int64(rows)), nil
}

// Close implements BatchReader.
func (r *jsonReader) Close() error {
	r.done = true
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

func (r *jsonReader) valueError(row, slot int, k int) error {
	v := string(r.data[r.starts[k]:r.ends[k]])
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	f := r.table.Field(r.slotCol[slot])
	return fmt.Errorf("%s: line %d: column %s: cannot read %s as %s", r.path, r.lines[row], f.Name, v, sqlTypeName(f.Type))
}

// column converts the values of one slot.
func (r *jsonReader) column(slot, rows int) (arrow.Array, error) {
	dt := r.table.Field(r.slotCol[slot]).Type
	switch dt.ID() {
	case arrow.INT64:
		return jsonFixedColumn(r, slot, rows, dt, func(kind jsonKind, b []byte) (int64, bool) {
			if kind != jsonInt {
				return 0, false
			}
			return parseInt64(b)
		})
	case arrow.FLOAT64:
		return jsonFixedColumn(r, slot, rows, dt, func(kind jsonKind, b []byte) (float64, bool) {
			if kind != jsonInt && kind != jsonFloat {
				return 0, false
			}
			v, err := strconv.ParseFloat(bytesStr(b), 64)
			return v, err == nil
		})
	case arrow.BOOL:
		return r.boolColumn(slot, rows)
	case arrow.STRING:
		return r.stringColumn(slot, rows)
	}
	return nil, fmt.Errorf("%s: type %s cannot be read from JSON", r.path, dt)
}

func jsonFixedColumn[T any](r *jsonReader, slot, rows int, dt arrow.DataType, parse func(jsonKind, []byte) (T, bool)) (arrow.Array, error) {
	var zero T
	nslots := len(r.slotCol)
	values := memory.NewResizableBuffer(r.mem)
	values.Resize(rows * int(sizeOf(zero)))
	dst := castBytes[T](values.Bytes(), rows)
	validity := newValidity(r.mem, rows)
	bits := validity.Bytes()
	nulls := 0
	for row, k := 0, slot; row < rows; row, k = row+1, k+nslots {
		kind := r.kinds[k]
		if kind == jsonMissing || kind == jsonNull {
			dst[row] = zero
			nulls++
			continue
		}
		v, ok := parse(kind, r.data[r.starts[k]:r.ends[k]])
		if !ok {
			values.Release()
			validity.Release()
			return nil, r.valueError(row, slot, k)
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

func (r *jsonReader) boolColumn(slot, rows int) (arrow.Array, error) {
	nslots := len(r.slotCol)
	b := array.NewBooleanBuilder(r.mem)
	defer b.Release()
	b.Reserve(rows)
	for row, k := 0, slot; row < rows; row, k = row+1, k+nslots {
		switch r.kinds[k] {
		case jsonMissing, jsonNull:
			b.UnsafeAppendBoolToBitmap(false)
		case jsonTrue:
			b.UnsafeAppend(true)
		case jsonFalse:
			b.UnsafeAppend(false)
		default:
			return nil, r.valueError(row, slot, k)
		}
	}
	return b.NewArray(), nil
}

// stringColumn builds a VARCHAR column: strings unescaped, other values as
// their JSON text.
func (r *jsonReader) stringColumn(slot, rows int) (arrow.Array, error) {
	nslots := len(r.slotCol)
	total := 0
	for row, k := 0, slot; row < rows; row, k = row+1, k+nslots {
		if r.kinds[k] > jsonNull {
			total += r.ends[k] - r.starts[k]
		}
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("%s: more than 2 GiB of text in one batch", r.path)
	}
	b := array.NewStringBuilder(r.mem)
	defer b.Release()
	b.Reserve(rows)
	b.ReserveData(total)
	for row, k := 0, slot; row < rows; row, k = row+1, k+nslots {
		if r.kinds[k] <= jsonNull {
			b.AppendNull()
			continue
		}
		b.BinaryBuilder.Append(r.data[r.starts[k]:r.ends[k]])
	}
	return b.NewArray(), nil
}
