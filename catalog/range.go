package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// RangeTable is the table of Spark's range(start, end, step, partitions):
// one BIGINT column id holding start, start+step, ... up to end
// (exclusive). Nothing is stored: each split is a contiguous run of the
// sequence, generated batch by batch as it is read, so a range of billions
// of rows costs no memory until a query reads it.
type RangeTable struct {
	start, step int64
	rows        int64
	partitions  int
}

var _ Table = (*RangeTable)(nil)

var rangeSchema = arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)

// NewRangeTable returns the rows start, start+step, ... that are below end
// (step > 0) or above it (step < 0), as a column id, cut into partitions
// splits of contiguous runs whose sizes differ by at most one. A step of
// zero, fewer than one partition, or more rows than an int64 counts are
// errors. An empty range (start past end) is a table of no rows.
func NewRangeTable(start, end, step int64, partitions int) (Table, error) {
	if step == 0 {
		return nil, errors.New("range: step must not be 0")
	}
	if partitions < 1 {
		return nil, fmt.Errorf("range: the number of partitions must be at least 1, got %d", partitions)
	}
	// The count is computed in uint64: end-start may not fit in an int64
	// (range(-2^63, 2^63-1)).
	var n uint64
	switch {
	case step > 0 && start < end:
		n = (uint64(end)-uint64(start)-1)/uint64(step) + 1
	case step < 0 && start > end:
		n = (uint64(start)-uint64(end)-1)/(0-uint64(step)) + 1
	}
	if n > math.MaxInt64 {
		return nil, fmt.Errorf("range(%d, %d, %d) has more than %d rows", start, end, step, int64(math.MaxInt64))
	}
	return &RangeTable{start: start, step: step, rows: int64(n), partitions: partitions}, nil
}

// Schema implements Table: one non-nullable BIGINT column, id.
func (t *RangeTable) Schema() *arrow.Schema { return rangeSchema }

// Statistics implements Table: the exact row count, 8 bytes a row.
func (t *RangeTable) Statistics() Statistics {
	return Statistics{Rows: t.rows, Bytes: 8 * t.rows}
}

// String describes the table for plans.
func (t *RangeTable) String() string {
	return fmt.Sprintf("range:%d rows from %d step %d, %d partitions", t.rows, t.start, t.step, t.partitions)
}

// Splits implements Table: split i (Index i) is the i-th run of the
// sequence, Offset its first position and Length its row count. Empty
// splits (more partitions than rows) are left out; they are always the
// last ones, so the splits returned keep the indexes 0, 1, ... in order.
// A split whose ids the predicates on id exclude is left out too.
func (t *RangeTable) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	var out []Split
	for i := range t.partitions {
		off, n := t.partition(i)
		if n == 0 {
			break
		}
		if t.excluded(off, n, req.Predicates) {
			continue
		}
		out = append(out, Split{Index: i, Offset: off, Length: n, Rows: n, Bytes: 8 * n})
	}
	return out, nil
}

// partition returns the first position and the row count of partition i:
// the first rows%partitions partitions hold one row more than the others.
func (t *RangeTable) partition(i int) (off, n int64) {
	p := int64(t.partitions)
	per, extra := t.rows/p, t.rows%p
	k := int64(i)
	off = k*per + min(k, extra)
	n = per
	if k < extra {
		n++
	}
	return off, n
}

// value is the id at position pos; the arithmetic wraps in uint64, which
// is exact because every id of the range fits in an int64.
func (t *RangeTable) value(pos int64) int64 {
	return int64(uint64(t.start) + uint64(pos)*uint64(t.step))
}

// excluded reports whether predicates on id prove that the n ids from
// position off hold none that matches.
func (t *RangeTable) excluded(off, n int64, preds []ColumnPredicate) bool {
	lo, hi := t.value(off), t.value(off+n-1)
	if lo > hi {
		lo, hi = hi, lo
	}
	for _, p := range preds {
		if p.Column != 0 {
			continue
		}
		if p.Op == CmpIsNull {
			return true
		}
		v, ok := p.Value.(int64)
		if !ok {
			continue
		}
		switch p.Op {
		case CmpEq:
			if v < lo || v > hi {
				return true
			}
		case CmpLt:
			if lo >= v {
				return true
			}
		case CmpLtEq:
			if lo > v {
				return true
			}
		case CmpGt:
			if hi <= v {
				return true
			}
		case CmpGtEq:
			if hi < v {
				return true
			}
		}
	}
	return false
}

// Open implements Table: it generates the ids of split (Offset and Length,
// checked against the table) in batches of batchSize rows.
func (t *RangeTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	if err := checkColumns(req.Columns, rangeSchema); err != nil {
		return nil, err
	}
	if split.Offset < 0 || split.Length < 0 || split.Offset > t.rows || split.Length > t.rows-split.Offset {
		return nil, fmt.Errorf("range split %d: rows %d..%d are outside the table's %d rows",
			split.Index, split.Offset, split.Offset+split.Length, t.rows)
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	return &rangeReader{
		t: t, mem: mem, cols: len(req.Columns), schema: projectSchema(rangeSchema, req.Columns),
		next: split.Offset, end: split.Offset + split.Length, batchSize: int64(batchSize),
	}, nil
}

// rangeReader generates one split's ids.
type rangeReader struct {
	t         *RangeTable
	mem       memory.Allocator
	cols      int // times id is projected (0: row counts only)
	schema    *arrow.Schema
	next, end int64 // positions still to generate
	batchSize int64
}

// Next implements BatchReader.
func (r *rangeReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.next >= r.end {
		return nil, io.EOF
	}
	n := min(r.batchSize, r.end-r.next)
	first := r.t.value(r.next)
	r.next += n
	if r.cols == 0 {
		return array.NewRecordBatch(r.schema, nil, n), nil
	}
	buf := memory.NewResizableBuffer(r.mem)
	buf.Resize(int(n) * 8)
	ids := arrow.Int64Traits.CastFromBytes(buf.Bytes())
	v, step := uint64(first), uint64(r.t.step)
	for i := range ids {
		ids[i] = int64(v)
		v += step
	}
	data := array.NewData(arrow.PrimitiveTypes.Int64, int(n), []*memory.Buffer{nil, buf}, nil, 0, 0)
	buf.Release()
	col := array.MakeFromData(data)
	data.Release()
	cols := make([]arrow.Array, r.cols)
	for i := range cols {
		cols[i] = col // the same column projected more than once
	}
	out := array.NewRecordBatch(r.schema, cols, n)
	col.Release()
	return out, nil
}

// Close implements BatchReader; it holds nothing.
func (r *rangeReader) Close() error {
	r.next = r.end
	return nil
}
