package catalog

import (
	"context"
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/size"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// MemTable is a table of record batches held in memory, cut into a fixed
// number of partitions, each one split. Append adds batches (INSERT INTO)
// while readers run: a reader sees the batches its partition held when it
// was opened.
type MemTable struct {
	schema *arrow.Schema

	mu       sync.RWMutex
	parts    [][]arrow.RecordBatch
	partRows []int64
	rows     int64
	bytes    int64
	released bool
}

var _ Table = (*MemTable)(nil)

// NewMemTable holds batches (retained; Release frees them), all of schema,
// spread over partitions splits (at least one) of about the same number of
// rows: batches are sliced, without copying, where a partition fills up.
func NewMemTable(schema *arrow.Schema, batches []arrow.RecordBatch, partitions int) *MemTable {
	partitions = max(partitions, 1)
	t := &MemTable{
		schema:   schema,
		parts:    make([][]arrow.RecordBatch, partitions),
		partRows: make([]int64, partitions),
	}
	var total int64
	for _, b := range batches {
		total += b.NumRows()
	}
	per := (total + int64(partitions) - 1) / int64(partitions)
	p := 0
	for _, b := range batches {
		t.bytes += size.Batch(b)
		for off := int64(0); off < b.NumRows(); {
			for p < partitions-1 && t.partRows[p] >= per {
				p++
			}
			n := b.NumRows() - off
			if p < partitions-1 {
				n = min(n, per-t.partRows[p])
			}
			var piece arrow.RecordBatch
			if off == 0 && n == b.NumRows() {
				b.Retain()
				piece = b
			} else {
				piece = b.NewSlice(off, off+n)
			}
			t.parts[p] = append(t.parts[p], piece)
			t.partRows[p] += n
			off += n
		}
	}
	t.rows = total
	return t
}

// Append adds batches to the table, retaining them; each goes to the
// partition with the fewest rows. Their columns must have the table's types.
func (t *MemTable) Append(batches ...arrow.RecordBatch) error {
	for _, b := range batches {
		if err := t.checkBatch(b); err != nil {
			return err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.released {
		return errors.New("table was released")
	}
	for _, b := range batches {
		if b.NumRows() == 0 {
			continue
		}
		p := 0
		for i, r := range t.partRows {
			if r < t.partRows[p] {
				p = i
			}
		}
		b.Retain()
		t.parts[p] = append(t.parts[p], b)
		t.partRows[p] += b.NumRows()
		t.rows += b.NumRows()
		t.bytes += size.Batch(b)
	}
	return nil
}

func (t *MemTable) checkBatch(b arrow.RecordBatch) error {
	if int(b.NumCols()) != t.schema.NumFields() {
		return fmt.Errorf("batch has %d columns, table has %d", b.NumCols(), t.schema.NumFields())
	}
	for i, f := range t.schema.Fields() {
		if got := b.Column(i).DataType(); !arrow.TypeEqual(got, f.Type) {
			return fmt.Errorf("column %s: batch has type %s, table has %s", f.Name, got, f.Type)
		}
	}
	return nil
}

// Release frees the table's batches; readers already open keep theirs.
func (t *MemTable) Release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range t.parts {
		for _, b := range p {
			b.Release()
		}
	}
	t.parts = make([][]arrow.RecordBatch, len(t.parts))
	clear(t.partRows)
	t.rows, t.bytes = 0, 0
	t.released = true
}

// Schema implements Table.
func (t *MemTable) Schema() *arrow.Schema { return t.schema }

// Statistics implements Table: exact rows and Arrow buffer bytes.
func (t *MemTable) Statistics() Statistics {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return Statistics{Rows: t.rows, Bytes: t.bytes}
}

// String describes the table for plans.
func (t *MemTable) String() string { return fmt.Sprintf("memory:%d partitions", len(t.partRows)) }

// Splits implements Table: one split per partition that holds rows.
func (t *MemTable) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []Split
	for i := range t.parts {
		if t.partRows[i] == 0 {
			continue
		}
		// Slices share buffers, so a partition's size is estimated from
		// its share of the rows.
		bytes := t.bytes * t.partRows[i] / max(t.rows, 1)
		out = append(out, Split{Index: i, Length: -1, Rows: t.partRows[i], Bytes: bytes})
	}
	return out, nil
}

// Open implements Table: it reads the batches partition split.Index holds
// now, projected to req.Columns and cut to batchSize rows.
func (t *MemTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	if err := checkColumns(req.Columns, t.schema); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if split.Index < 0 || split.Index >= len(t.parts) {
		return nil, fmt.Errorf("memory table has no partition %d", split.Index)
	}
	p := t.parts[split.Index]
	r := &memReader{
		batches:   make([]arrow.RecordBatch, len(p)),
		cols:      req.Columns,
		schema:    projectSchema(t.schema, req.Columns),
		batchSize: int64(batchSize),
	}
	for i, b := range p {
		b.Retain()
		r.batches[i] = b
	}
	return r, nil
}

// memReader returns projected slices of a snapshot of a partition.
type memReader struct {
	batches   []arrow.RecordBatch
	next      int
	off       int64 // rows of batches[next] already returned
	cols      []int
	schema    *arrow.Schema
	batchSize int64
}

// Next implements BatchReader. The columns are shared with the table.
func (r *memReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for r.next < len(r.batches) && r.off >= r.batches[r.next].NumRows() {
		r.batches[r.next].Release()
		r.batches[r.next] = nil
		r.next++
		r.off = 0
	}
	if r.next >= len(r.batches) {
		return nil, io.EOF
	}
	b := r.batches[r.next]
	n := min(r.batchSize, b.NumRows()-r.off)
	cols := make([]arrow.Array, len(r.cols))
	whole := r.off == 0 && n == b.NumRows()
	for i, c := range r.cols {
		if whole {
			cols[i] = b.Column(c)
			cols[i].Retain()
		} else {
			cols[i] = array.NewSlice(b.Column(c), r.off, r.off+n)
		}
	}
	r.off += n
	defer releaseAll(cols)
	return array.NewRecordBatch(r.schema, cols, n), nil
}

// Close implements BatchReader.
func (r *memReader) Close() error {
	for i := r.next; i < len(r.batches); i++ {
		if r.batches[i] != nil {
			r.batches[i].Release()
		}
	}
	r.batches = nil
	return nil
}
