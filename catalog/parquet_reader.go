package catalog

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetReader reads some row groups and columns of one Parquet file
// through pqarrow, converting each batch to the table's types.
type parquetReader struct {
	path   string
	mem    memory.Allocator
	schema *arrow.Schema // output schema
	file   *file.Reader
	rr     pqarrow.RecordReader
	// pos[i] is the position in the pqarrow batch of output column i
	// (requested columns may repeat; each is read once).
	pos []int
}

// openParquetSplit opens a reader over rowGroups of f, for the table
// columns cols.
func openParquetSplit(ctx context.Context, tableSchema *arrow.Schema, f *parquetFile, rowGroups, cols []int, mem memory.Allocator, batchSize int) (r *parquetReader, err error) {
	r = &parquetReader{path: f.path, mem: mem, schema: projectSchema(tableSchema, cols)}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: corrupt Parquet file: %v", f.path, p)
		}
		if err != nil {
			r.Close()
			r = nil
		}
	}()
	props := parquet.NewReaderProperties(mem)
	// Stream pages through a small buffer rather than loading whole column
	// chunks: tasks read local files, where small reads are cheap, and a
	// wide row group would otherwise sit in memory at once.
	props.BufferedStreamEnabled = true
	props.BufferSize = 1 << 20
	r.file, err = file.OpenParquetFile(f.path, false, file.WithMetadata(f.meta), file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	fr, err := pqarrow.NewFileReader(r.file, pqarrow.ArrowReadProperties{
		BatchSize: int64(batchSize),
		// Tasks give the parallelism: one goroutine per column would
		// oversubscribe the cores.
		Parallel: false,
	}, mem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	var leaves []int
	seen := map[int]int{}
	r.pos = make([]int, len(cols))
	for i, c := range cols {
		p, ok := seen[c]
		if !ok {
			p = len(leaves)
			seen[c] = p
			leaves = append(leaves, f.leaves[c])
		}
		r.pos[i] = p
	}
	r.rr, err = fr.GetRecordReader(ctx, leaves, rowGroups)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.path, err)
	}
	return r, nil
}

// Next implements BatchReader.
func (r *parquetReader) Next(ctx context.Context) (rec arrow.RecordBatch, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.rr == nil {
		return nil, io.EOF
	}
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", r.path, p)
		}
	}()
	if !r.rr.Next() {
		if err := r.rr.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", r.path, err)
		}
		return nil, io.EOF
	}
	in := r.rr.RecordBatch()
	cols := make([]arrow.Array, len(r.pos))
	defer releaseAll(cols)
	for i, p := range r.pos {
		c, err := NormalizeArray(r.mem, in.Column(p), r.schema.Field(i).Type)
		if err != nil {
			return nil, fmt.Errorf("%s: column %s: %w", r.path, r.schema.Field(i).Name, err)
		}
		cols[i] = c
	}
	return array.NewRecordBatch(r.schema, cols, in.NumRows()), nil
}

// Close implements BatchReader.
func (r *parquetReader) Close() error {
	if r.rr != nil {
		r.rr.Release()
		r.rr = nil
	}
	if r.file != nil {
		err := r.file.Close()
		r.file = nil
		return err
	}
	return nil
}

// rowCountReader returns batches without columns that only carry row
// counts, for scans that need no column (count(*)).
type rowCountReader struct {
	rows      int64
	batchSize int64
}

var emptySchema = arrow.NewSchema(nil, nil)

// Next implements BatchReader.
func (r *rowCountReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.rows <= 0 {
		return nil, io.EOF
	}
	n := min(r.rows, r.batchSize)
	r.rows -= n
	return array.NewRecordBatch(emptySchema, nil, n), nil
}

// Close implements BatchReader.
func (r *rowCountReader) Close() error { r.rows = 0; return nil }
