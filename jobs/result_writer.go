package jobs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// resultRowGroupRows is the row count of a result file's row groups: the
// writer buffers one row group (encoded and compressed) at a time.
const resultRowGroupRows = 128 << 10

// writeResult streams the batches next returns, until io.EOF, into a new
// Parquet file at path with the given schema, and returns the row count.
// Batches are written as they come, never collected. On an error the file
// is removed. Errors from next are returned as they are, the writer's
// wrapped.
func writeResult(ctx context.Context, path string, schema *arrow.Schema,
	next func(context.Context) (arrow.RecordBatch, error), mem memory.Allocator) (rows int64, err error) {
	w, err := createResult(path, schema, mem)
	if err != nil {
		return 0, err
	}
	closed := false
	defer func() {
		if err != nil && !closed {
			w.abort()
		}
	}()
	for {
		b, err := next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		err = w.write(b)
		b.Release()
		if err != nil {
			return 0, err
		}
	}
	closed = true
	if err := w.close(); err != nil {
		return 0, err
	}
	return w.rows, nil
}

// resultWriter writes one result file: zstd-compressed (results are kept
// for days), with the Arrow schema stored so that every type reads back as
// it was, in row groups of resultRowGroupRows.
type resultWriter struct {
	path   string
	f      *os.File
	bw     *bufio.Writer
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	rows   int64
}

func createResult(path string, schema *arrow.Schema, mem memory.Allocator) (*resultWriter, error) {
	// Field metadata (a Parquet field id of a scanned column) would make
	// the writer refuse batches whose fields lack it: the file's schema is
	// the bare names and types.
	fields := make([]arrow.Field, schema.NumFields())
	for i, f := range schema.Fields() {
		fields[i] = arrow.Field{Name: f.Name, Type: f.Type, Nullable: f.Nullable}
	}
	schema = arrow.NewSchema(fields, nil)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("writing the result: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(resultRowGroupRows),
		parquet.WithStats(true),
	)
	fw, err := pqarrow.NewFileWriter(schema, bw, props,
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("writing the result: %w", err)
	}
	return &resultWriter{path: path, f: f, bw: bw, fw: fw, schema: schema}, nil
}

// write appends b, whose columns must have the file's types.
func (w *resultWriter) write(b arrow.RecordBatch) error {
	if b.NumRows() == 0 {
		return nil
	}
	if int(b.NumCols()) != w.schema.NumFields() {
		return fmt.Errorf("writing the result: a batch of %d columns for a result of %d", b.NumCols(), w.schema.NumFields())
	}
	if !b.Schema().Equal(w.schema) {
		for i, c := range b.Columns() {
			if !arrow.TypeEqual(c.DataType(), w.schema.Field(i).Type) {
				return fmt.Errorf("writing the result: column %s is %s in a batch but %s in the result",
					w.schema.Field(i).Name, c.DataType(), w.schema.Field(i).Type)
			}
		}
		b = array.NewRecordBatch(w.schema, b.Columns(), b.NumRows())
		defer b.Release()
	}
	if err := w.fw.WriteBuffered(b); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	w.rows += b.NumRows()
	return nil
}

// close finishes the file and syncs it to disk.
func (w *resultWriter) close() error {
	err := w.fw.Close()
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(w.path)
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}

// abort frees the writer's buffers and removes the file.
func (w *resultWriter) abort() {
	_ = w.fw.Close()
	w.f.Close()
	os.Remove(w.path)
}
