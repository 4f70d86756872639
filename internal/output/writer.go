package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Writer renders one result. Call Begin with the result's schema, Write for
// each batch, and End after the last. Write does not keep or release the
// batch: the caller still owns it. A result whose schema has no columns (a
// statement like CREATE or DROP) writes nothing in any format.
//
// A Writer can render several results one after the other: Begin starts
// afresh.
type Writer interface {
	// Begin starts a result with the given schema; the text formats write
	// their header here.
	Begin(schema *arrow.Schema) error
	// Write renders the rows of batch, whose columns must match the schema
	// given to Begin.
	Write(batch arrow.RecordBatch) error
	// End finishes the result and flushes everything written.
	End() error
}

// The names of the formats New knows.
const (
	FormatTable  = "table"
	FormatCSV    = "csv"
	FormatTSV    = "tsv"
	FormatJSON   = "json"
	FormatNDJSON = "ndjson"
)

// Formats lists the formats New accepts, in the order help texts show them.
func Formats() []string {
	return []string{FormatTable, FormatCSV, FormatTSV, FormatJSON, FormatNDJSON}
}

// New returns a Writer of the named format writing to w. Format names are
// case-insensitive; an unknown one is an error that lists the valid ones.
func New(format string, w io.Writer) (Writer, error) {
	switch strings.ToLower(format) {
	case FormatTable:
		return NewTable(w, DefaultTableRows), nil
	case FormatCSV:
		return newDelimited(w, ','), nil
	case FormatTSV:
		return newDelimited(w, '\t'), nil
	case FormatJSON:
		return newJSON(w, false), nil
	case FormatNDJSON:
		return newJSON(w, true), nil
	}
	return nil, fmt.Errorf("unknown output format %q (valid formats: %s)", format, strings.Join(Formats(), ", "))
}

// checkBatch verifies that batch has as many columns as the schema the
// writer began with, so a mismatch is an error rather than an index panic.
func checkBatch(schema *arrow.Schema, batch arrow.RecordBatch) error {
	if schema == nil {
		return fmt.Errorf("output: Write called before Begin")
	}
	if int(batch.NumCols()) != schema.NumFields() {
		return fmt.Errorf("output: batch has %d columns, the result's schema %d", batch.NumCols(), schema.NumFields())
	}
	return nil
}
