package catalog

import (
	"bufio"
	"bytes"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/textfmt"
)

// CSV and NDJSON data files, in the text of write_values.go.
//
// CSV: a header line of the column names (unless header is false), then
// one line per row. NULL is an empty unquoted field (or nullValue); a
// field is quoted, RFC 4180 style, when it holds the delimiter, a quote or
// a line break, starts or ends with a space or tab, is the empty string
// (which would otherwise read as NULL) or equals nullValue. A file of one
// column cannot hold a NULL row with the default nullValue: its line would
// be empty, and readers skip empty lines.
//
// NDJSON: one object per line, every column a key in schema order, NULL
// as null; numbers and decimals are JSON numbers, dates and timestamps
// strings.

// textFileWriter is the part of the CSV and NDJSON writers they share: a
// buffered file and the per-batch renderers.
type textFileWriter struct {
	f     *os.File
	w     *bufio.Writer
	cols  []textColumn
	style textStyle
}

func createTextFile(path string, style textStyle) (textFileWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return textFileWriter{}, err
	}
	return textFileWriter{f: f, w: bufio.NewWriterSize(f, 256<<10), style: style}, nil
}

// renderers prepares the renderers of batch's columns.
func (t *textFileWriter) renderers(batch arrow.RecordBatch) error {
	t.cols = t.cols[:0]
	for _, arr := range batch.Columns() {
		c, err := newTextColumn(arr, t.style)
		if err != nil {
			return err
		}
		t.cols = append(t.cols, c)
	}
	return nil
}

// finish flushes, syncs and closes the file: the commit that follows
// must not rename a file whose bytes are not on disk.
func (t *textFileWriter) finish() error {
	err := t.w.Flush()
	if err == nil {
		err = t.f.Sync()
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (t *textFileWriter) abort() { t.f.Close() }

// csvFileWriter writes one CSV file.
type csvFileWriter struct {
	textFileWriter
	delim     byte
	nullValue string
	val       []byte
}

func newCSVFileWriter(path string, schema *arrow.Schema, cfg *writeConfig) (*csvFileWriter, error) {
	t, err := createTextFile(path, styleCSV)
	if err != nil {
		return nil, err
	}
	w := &csvFileWriter{textFileWriter: t, delim: cfg.delimiter, nullValue: cfg.nullValue}
	if cfg.header && schema.NumFields() > 0 {
		line := w.w.AvailableBuffer()
		for j, f := range schema.Fields() {
			if j > 0 {
				line = append(line, w.delim)
			}
			line = w.appendField(line, []byte(f.Name), true)
		}
		line = append(line, '\n')
		if _, err := w.w.Write(line); err != nil {
			w.abort()
			return nil, err
		}
	}
	return w, nil
}

func (w *csvFileWriter) write(batch arrow.RecordBatch) error {
	if err := w.renderers(batch); err != nil {
		return err
	}
	rows := int(batch.NumRows())
	for i := range rows {
		line := w.w.AvailableBuffer()
		for j := range w.cols {
			c := &w.cols[j]
			if j > 0 {
				line = append(line, w.delim)
			}
			if c.arr.IsNull(i) {
				line = append(line, w.nullValue...)
				continue
			}
			w.val = c.app(w.val[:0], i)
			line = w.appendField(line, w.val, c.text)
		}
		line = append(line, '\n')
		if _, err := w.w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// appendField appends one field, quoted when reading it back needs it.
// Only strings can be empty, hold quotes, line breaks or edge spaces, or
// equal nullValue; any value may hold an unusual delimiter (a '-' splits
// dates).
func (w *csvFileWriter) appendField(dst, s []byte, text bool) []byte {
	var quote bool
	if text {
		quote = textfmt.CSVNeedsQuotes(s, w.delim) || (w.nullValue != "" && string(s) == w.nullValue)
	} else {
		quote = bytes.IndexByte(s, w.delim) >= 0
	}
	if !quote {
		return append(dst, s...)
	}
	return textfmt.AppendCSVQuoted(dst, s)
}

// jsonFileWriter writes one NDJSON file.
type jsonFileWriter struct {
	textFileWriter
	keys [][]byte // `"name":`, escaped once
}

func newJSONFileWriter(path string, schema *arrow.Schema) (*jsonFileWriter, error) {
	t, err := createTextFile(path, styleJSON)
	if err != nil {
		return nil, err
	}
	w := &jsonFileWriter{textFileWriter: t}
	for _, f := range schema.Fields() {
		w.keys = append(w.keys, append(textfmt.AppendJSONString(nil, f.Name), ':'))
	}
	return w, nil
}

func (w *jsonFileWriter) write(batch arrow.RecordBatch) error {
	if err := w.renderers(batch); err != nil {
		return err
	}
	if len(w.cols) != len(w.keys) {
		return fmt.Errorf("batch has %d columns, the file %d", len(w.cols), len(w.keys))
	}
	rows := int(batch.NumRows())
	for i := range rows {
		line := append(w.w.AvailableBuffer(), '{')
		for j := range w.cols {
			if j > 0 {
				line = append(line, ',')
			}
			line = append(line, w.keys[j]...)
			c := &w.cols[j]
			if c.arr.IsNull(i) {
				line = append(line, "null"...)
				continue
			}
			line = c.app(line, i)
		}
		line = append(line, '}', '\n')
		if _, err := w.w.Write(line); err != nil {
			return err
		}
	}
	return nil
}
