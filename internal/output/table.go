package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/textfmt"
)

// DefaultTableRows is how many rows the table format keeps to align by
// default; it counts the rest and says it left them out.
const DefaultTableRows = 10000

// tableWriter renders a result as an aligned table, the way psql does:
//
//	 name  | total
//	-------+-------
//	 alice | 12.30
//	 bob   |  NULL
//	(2 rows)
//
// Numbers are right-aligned, everything else left-aligned. Control
// characters in strings are shown escaped (\n, \t) so each row stays on one
// line. It must see every row before it can align, so it keeps the text of
// the first maxRows rows and only counts the others.
type tableWriter struct {
	w       io.Writer
	maxRows int
	schema  *arrow.Schema
	right   []bool   // per column: right-aligned
	cells   []string // the kept rows' cells, row after row
	rows    int64    // every row seen
	cols    []column
	val     []byte
}

// NewTable returns a Writer of aligned tables that keeps at most maxRows
// rows (at least one).
func NewTable(w io.Writer, maxRows int) Writer {
	return &tableWriter{w: w, maxRows: max(maxRows, 1)}
}

// Begin notes the columns; nothing is written before End.
func (t *tableWriter) Begin(schema *arrow.Schema) error {
	t.schema, t.rows, t.cells = schema, 0, t.cells[:0]
	t.right = t.right[:0]
	for _, f := range schema.Fields() {
		t.right = append(t.right, numericType(f.Type))
	}
	return nil
}

// Write keeps the text of the batch's rows while fewer than maxRows are
// kept, and counts the rest.
func (t *tableWriter) Write(batch arrow.RecordBatch) error {
	if err := checkBatch(t.schema, batch); err != nil {
		return err
	}
	if t.schema.NumFields() == 0 {
		return nil
	}
	rows := int(batch.NumRows())
	keep := min(int64(rows), max(int64(t.maxRows)-t.rows, 0))
	t.rows += int64(rows)
	if keep == 0 {
		return nil
	}
	t.cols = newColumns(t.cols, batch, false)
	for i := 0; i < int(keep); i++ {
		for j := range t.cols {
			c := &t.cols[j]
			if c.null(i) {
				t.cells = append(t.cells, "NULL")
				continue
			}
			t.val = c.app(t.val[:0], i)
			if c.kind == textfmt.KindText {
				t.cells = append(t.cells, displayText(t.val))
			} else {
				t.cells = append(t.cells, string(t.val))
			}
		}
	}
	return nil
}

// End aligns and writes the table and the row count.
func (t *tableWriter) End() error {
	if t.schema == nil || t.schema.NumFields() == 0 {
		return nil
	}
	n := t.schema.NumFields()
	widths := make([]int, n)
	header := make([]string, n)
	for j, f := range t.schema.Fields() {
		header[j] = displayText([]byte(f.Name))
		widths[j] = utf8.RuneCountInString(header[j])
	}
	for k, c := range t.cells {
		widths[k%n] = max(widths[k%n], utf8.RuneCountInString(c))
	}
	bw := bufio.NewWriterSize(t.w, 64<<10)
	var line []byte
	writeRow := func(cells []string) {
		line = line[:0]
		for j, c := range cells {
			if j > 0 {
				line = append(line, " |"...)
			}
			line = append(line, ' ')
			pad := widths[j] - utf8.RuneCountInString(c)
			if t.right[j] {
				line = appendSpaces(line, pad)
				line = append(line, c...)
			} else {
				line = append(line, c...)
				line = appendSpaces(line, pad)
			}
		}
		line = append(trimRightSpaces(line), '\n')
		bw.Write(line)
	}
	writeRow(header)
	line = line[:0]
	for j, w := range widths {
		if j > 0 {
			line = append(line, '+')
		}
		line = append(line, strings.Repeat("-", w+2)...)
	}
	bw.Write(append(line, '\n'))
	for k := 0; k+n <= len(t.cells); k += n {
		writeRow(t.cells[k : k+n])
	}
	kept := int64(len(t.cells) / n)
	switch {
	case kept < t.rows:
		fmt.Fprintf(bw, "(%d rows, showing the first %d)\n", t.rows, kept)
	case t.rows == 1:
		bw.WriteString("(1 row)\n")
	default:
		fmt.Fprintf(bw, "(%d rows)\n", t.rows)
	}
	t.cells = t.cells[:0]
	return bw.Flush()
}

// numericType reports whether values of type dt are numbers, which tables
// right-align.
func numericType(dt arrow.DataType) bool {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		return numericType(d.ValueType)
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	}
	return false
}

// displayText returns s with control characters escaped (\n, \t, \r,
// \x1b) and invalid UTF-8 replaced, so that a cell is one line whose width
// is its rune count.
func displayText(s []byte) string {
	clean := true
	for _, b := range s {
		if b < 0x20 || b == 0x7f {
			clean = false
			break
		}
	}
	if clean && utf8.Valid(s) {
		return string(s)
	}
	var sb strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		switch {
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		default:
			sb.WriteRune(r) // RuneError for invalid bytes: U+FFFD
		}
		s = s[size:]
	}
	return sb.String()
}

func appendSpaces(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, ' ')
	}
	return dst
}

func trimRightSpaces(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
