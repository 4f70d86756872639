package output

import (
	"bufio"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/textfmt"
)

// jsonWriter writes JSON (one array of objects, one object per line between
// the brackets) or NDJSON (one object per line). Keys are the column
// names; numbers and decimals are JSON numbers (decimals keep their scale,
// 12.30); dates, timestamps and intervals are strings; NULL is null. The
// opening bracket waits for the first batch (or End), so that a statement
// failing before its first row leaves no output.
type jsonWriter struct {
	w       *bufio.Writer
	ndjson  bool
	schema  *arrow.Schema
	keys    [][]byte // `"name":` per column, escaped once
	cols    []column
	opened  bool // the opening bracket is written
	started bool // a row has been written (JSON: a comma goes before the next)
}

func newJSON(w io.Writer, ndjson bool) *jsonWriter {
	return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10), ndjson: ndjson}
}

// Begin prepares the keys.
func (j *jsonWriter) Begin(schema *arrow.Schema) error {
	j.schema, j.opened, j.started = schema, false, false
	j.keys = j.keys[:0]
	for _, f := range schema.Fields() {
		k := textfmt.AppendJSONString(nil, f.Name)
		j.keys = append(j.keys, append(k, ':'))
	}
	return nil
}

// open writes the opening bracket of JSON once.
func (j *jsonWriter) open() error {
	if j.opened || j.ndjson || j.schema == nil || j.schema.NumFields() == 0 {
		return nil
	}
	j.opened = true
	return j.w.WriteByte('[')
}

// Write writes one object per row, then flushes.
func (j *jsonWriter) Write(batch arrow.RecordBatch) error {
	if err := checkBatch(j.schema, batch); err != nil {
		return err
	}
	if j.schema.NumFields() == 0 {
		return nil
	}
	if err := j.open(); err != nil {
		return err
	}
	j.cols = newColumns(j.cols, batch, true)
	rows := int(batch.NumRows())
	for i := 0; i < rows; i++ {
		line := j.w.AvailableBuffer()
		if !j.ndjson {
			if j.started {
				line = append(line, ',')
			}
			line = append(line, '\n')
		}
		j.started = true
		line = append(line, '{')
		for k := range j.cols {
			if k > 0 {
				line = append(line, ',')
			}
			line = append(line, j.keys[k]...)
			c := &j.cols[k]
			if c.null(i) {
				line = append(line, "null"...)
				continue
			}
			line = c.app(line, i)
		}
		line = append(line, '}')
		if j.ndjson {
			line = append(line, '\n')
		}
		if _, err := j.w.Write(line); err != nil {
			return err
		}
	}
	return j.w.Flush()
}

// End closes the array (JSON) and flushes.
func (j *jsonWriter) End() error {
	if err := j.open(); err != nil {
		return err
	}
	if j.opened {
		if j.started {
			j.w.WriteByte('\n')
		}
		j.w.WriteString("]\n")
		j.opened = false
	}
	return j.w.Flush()
}
