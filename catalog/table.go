package catalog

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Table is a source of rows a query can read: a file or a set of files, or
// batches held in memory. A table is read in splits (a file's row groups, a
// byte range of a CSV file, one in-memory partition); each split is read by
// one task, so splits are what give a scan its parallelism.
type Table interface {
	// Schema is the table's full schema.
	Schema() *arrow.Schema
	// Statistics tells what is known of the table's size, for the optimizer.
	Statistics() Statistics
	// Splits plans a read: it returns the pieces to read, skipping those
	// that req.Predicates prove hold no matching row (for Parquet, row groups
	// whose min/max statistics exclude them). A split is plain data, so it
	// can travel to another process.
	Splits(ctx context.Context, req ScanRequest) ([]Split, error)
	// Open reads one split, returning batches of the columns req.Columns (in
	// that order) of at most batchSize rows, allocated from mem.
	Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error)
}

// Statistics is what a table knows of its size, for estimates only (a
// text file's row count is extrapolated from a sample). Unknown values are
// -1.
type Statistics struct {
	Rows  int64
	Bytes int64
}

// ScanRequest describes a read: the columns wanted (indexes into the
// table's schema, in output order; empty means none, only row counts) and
// simple predicates a source may use to skip data. Predicates are hints:
// the rows a reader returns are still filtered above it.
type ScanRequest struct {
	Columns    []int
	Predicates []ColumnPredicate
}

// CompareOp is the comparison of a ColumnPredicate.
type CompareOp int

// The comparisons a ColumnPredicate can make.
const (
	CmpEq CompareOp = iota
	CmpLt
	CmpLtEq
	CmpGt
	CmpGtEq
	CmpIsNull
	CmpIsNotNull
)

// ColumnPredicate is "table column Column <Op> Value", with Value in the Go
// representation of the column's type: int8..int64, float64, string, bool,
// decimal128.Num (unscaled, at the column's scale), arrow.Date32,
// arrow.Timestamp. Value is unused for CmpIsNull and CmpIsNotNull.
type ColumnPredicate struct {
	Column int
	Op     CompareOp
	Value  any
}

// Split is one piece of a table that one task reads. Which fields matter
// depends on the table: Path with RowGroups for Parquet, Path with Offset and
// Length for a byte range of a text file, Index for an in-memory partition.
type Split struct {
	Path      string
	RowGroups []int
	Offset    int64
	Length    int64 // -1: to the end of the file
	Index     int
	// Rows and Bytes estimate the split's size (-1 unknown).
	Rows  int64
	Bytes int64
}

// BatchReader streams record batches. Next returns io.EOF after the last
// batch; the caller owns each returned batch and must Release it. Close
// releases the reader's resources and is safe to call twice.
type BatchReader interface {
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}
