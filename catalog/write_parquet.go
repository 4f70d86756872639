package catalog

import (
	"bufio"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetRowGroupRows is the row count of a written row group: large
// enough for good compression and cheap footers, small enough that
// statistics prune something and readers can split a file across cores
// (the Parquet reader groups row groups into splits of up to 1M rows).
const parquetRowGroupRows = 128 << 10

// parquetFileWriter writes one Parquet file. Rows are buffered into row
// groups of parquetRowGroupRows (WriteBuffered: Write would start a row
// group per batch), with min/max statistics, and the Arrow schema is stored
// so that types Parquet has no exact name for (int8, int16) read back as
// they were written.
type parquetFileWriter struct {
	f  *os.File
	w  *bufio.Writer
	fw *pqarrow.FileWriter
}

// parquetCodec maps the compression option to a codec.
func parquetCodec(name string) (compress.Compression, bool) {
	switch name {
	case "", "snappy":
		return compress.Codecs.Snappy, true
	case "zstd":
		return compress.Codecs.Zstd, true
	case "none", "uncompressed":
		return compress.Codecs.Uncompressed, true
	}
	return compress.Codecs.Uncompressed, false
}

func newParquetFileWriter(path string, schema *arrow.Schema, cfg *writeConfig, mem memory.Allocator) (*parquetFileWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	// The bufio.Writer is not an io.Closer, so the Parquet writer's Close
	// leaves the file to finish, which syncs it first.
	w := bufio.NewWriterSize(f, 1<<20)
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(cfg.codec),
		parquet.WithMaxRowGroupLength(parquetRowGroupRows),
		parquet.WithStats(true),
		// A column of many distinct values (ids) gives up dictionary
		// encoding once its dictionary passes this size; at the default
		// 1 MB, growing the dictionary's hash table cost more than half the
		// time of writing a 1M-row table.
		parquet.WithDictionaryPageSizeLimit(256<<10),
	)
	arrowProps := pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem))
	fw, err := pqarrow.NewFileWriter(schema, w, props, arrowProps)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &parquetFileWriter{f: f, w: w, fw: fw}, nil
}

func (p *parquetFileWriter) write(batch arrow.RecordBatch) error { return p.fw.WriteBuffered(batch) }

func (p *parquetFileWriter) finish() error {
	err := p.fw.Close()
	if err == nil {
		err = p.w.Flush()
	}
	if err == nil {
		err = p.f.Sync()
	}
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// abort closes the writer to free its buffers; the file is deleted with
// the temporary directory.
func (p *parquetFileWriter) abort() {
	_ = p.fw.Close()
	p.f.Close()
}
