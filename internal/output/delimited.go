package output

import (
	"bufio"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/textfmt"
)

// delimited writes CSV (sep ',') or TSV (sep '\t'): a header line of
// column names, then one line per row, flushed after every batch. The
// header waits for the first batch (or End), so that a statement failing
// before its first row leaves no output.
//
// CSV quotes as RFC 4180 says, and also a field with leading or trailing
// whitespace (which readers trim) and the empty string (so that it differs
// from NULL, an empty field). TSV never quotes: it escapes backslash, tab,
// newline and carriage return as \\ \t \n \r, so every row is one line.
type delimited struct {
	w       *bufio.Writer
	sep     byte
	schema  *arrow.Schema
	started bool // the header is written
	cols    []column
	val     []byte
}

func newDelimited(w io.Writer, sep byte) *delimited {
	return &delimited{w: bufio.NewWriterSize(w, 64<<10), sep: sep}
}

// Begin notes the schema; the header is written with the first rows.
func (d *delimited) Begin(schema *arrow.Schema) error {
	d.schema, d.started = schema, false
	return nil
}

// header writes the header line once.
func (d *delimited) header() error {
	if d.started || d.schema == nil || d.schema.NumFields() == 0 {
		return nil
	}
	d.started = true
	line := d.w.AvailableBuffer()
	for j, f := range d.schema.Fields() {
		if j > 0 {
			line = append(line, d.sep)
		}
		line = d.appendText(line, []byte(f.Name))
	}
	line = append(line, '\n')
	_, err := d.w.Write(line)
	return err
}

// Write writes one line per row of batch, then flushes.
func (d *delimited) Write(batch arrow.RecordBatch) error {
	if err := checkBatch(d.schema, batch); err != nil {
		return err
	}
	if d.schema.NumFields() == 0 {
		return nil
	}
	if err := d.header(); err != nil {
		return err
	}
	d.cols = newColumns(d.cols, batch, false)
	rows := int(batch.NumRows())
	for i := 0; i < rows; i++ {
		line := d.w.AvailableBuffer()
		for j := range d.cols {
			c := &d.cols[j]
			if j > 0 {
				line = append(line, d.sep)
			}
			if c.null(i) {
				continue
			}
			if c.kind != textfmt.KindText {
				line = c.app(line, i)
				continue
			}
			d.val = c.app(d.val[:0], i)
			line = d.appendText(line, d.val)
		}
		line = append(line, '\n')
		if _, err := d.w.Write(line); err != nil {
			return err
		}
	}
	return d.w.Flush()
}

// End writes the header if no batch did, and flushes.
func (d *delimited) End() error {
	if err := d.header(); err != nil {
		return err
	}
	return d.w.Flush()
}

// appendText appends a text field, quoted (CSV) or escaped (TSV).
func (d *delimited) appendText(dst, s []byte) []byte {
	if d.sep == '\t' {
		return textfmt.AppendTSVEscaped(dst, s)
	}
	if !textfmt.CSVNeedsQuotes(s, d.sep) {
		return append(dst, s...)
	}
	return textfmt.AppendCSVQuoted(dst, s)
}
