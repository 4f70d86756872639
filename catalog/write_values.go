package catalog

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/textfmt"
)

// The text of values in written CSV and NDJSON files and in partition
// directory names. It is the CLI's (internal/output): both render with
// internal/textfmt, with one difference made for reading back: a DOUBLE
// always has a point or an exponent (1.0, not 1), as Spark writes it, so
// that a file's DOUBLE column is not inferred as an integer one.
//
//	BOOLEAN            true, false
//	integers           -12
//	DOUBLE             1.0, 0.25, 1e+20, NaN, Infinity, -Infinity
//	DECIMAL            plain notation with exactly its scale: 12.30, -0.05
//	DATE               2024-02-29
//	TIMESTAMP          2024-02-29T10:00:00[.ffffff] (a space for the T in
//	                   directory names, as Spark writes them)
//	BINARY             \x followed by hex digits
//
// Each column gets a renderer once per batch (a typed closure over the
// array's raw values), so writing a row costs no type switch or allocation.

// textStyle is the flavour of text a renderer makes.
type textStyle uint8

const (
	styleCSV  textStyle = iota // bare text; the CSV writer quotes it
	styleJSON                  // JSON tokens: strings quoted and escaped
	stylePath                  // partition directory values (before escaping)
)

// textColumn renders the non-null values of one array.
type textColumn struct {
	arr arrow.Array
	// app appends the text of row i, which is not null.
	app textfmt.AppendFunc
	// text is true for strings, the only values CSV has more reasons to
	// quote than a delimiter inside.
	text bool
}

// newTextColumn returns the renderer of arr, or an error for a type the
// text formats do not write.
func newTextColumn(arr arrow.Array, style textStyle) (textColumn, error) {
	c := textColumn{arr: arr}
	opts := textfmt.Options{JSON: style == styleJSON, FloatPoint: true}
	if style == stylePath {
		opts.TimestampSep = ' '
	}
	app, kind, ok := textfmt.NewAppender(arr, opts)
	if !ok || !textWritable(arr.DataType()) {
		return c, fmt.Errorf("type %s cannot be written as text", arr.DataType())
	}
	c.app, c.text = app, kind == textfmt.KindText
	return c, nil
}

// textWritable reports whether newTextColumn renders type dt.
func textWritable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.STRING, arrow.BINARY, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}
