package dbgen

import (
	"bufio"
	"bytes"
)

// csvWriter writes chunks as CSV: a header line, then a line per row;
// dates as YYYY-MM-DD, money in plain notation (-12.34), text quoted when
// it holds a comma (comments and addresses do) or a quote.
type csvWriter struct {
	w    *bufio.Writer
	line []byte
}

func newCSVWriter(w *bufio.Writer, t *table) (*csvWriter, error) {
	cw := &csvWriter{w: w}
	for i, c := range t.columns {
		if i > 0 {
			cw.line = append(cw.line, ',')
		}
		cw.line = append(cw.line, c.name...)
	}
	cw.line = append(cw.line, '\n')
	_, err := w.Write(cw.line)
	return cw, err
}

func (cw *csvWriter) writeChunk(c *chunk) error {
	for r := 0; r < c.rows; r++ {
		line := cw.line[:0]
		for i := range c.cols {
			if i > 0 {
				line = append(line, ',')
			}
			col := &c.cols[i]
			switch col.kind {
			case kindInt64:
				line = appendInt(line, col.ints[r])
			case kindInt32:
				line = appendInt(line, int64(col.ints32[r]))
			case kindMoney:
				line = appendMoney(line, col.ints[r])
			case kindDate:
				line = appendDate(line, col.ints32[r])
			case kindText:
				line = appendCSVText(line, col.value(r))
			case kindEnum: // no enum value needs quoting
				line = append(line, col.enum[col.ints32[r]]...)
			}
		}
		line = append(line, '\n')
		cw.line = line
		if _, err := cw.w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

func (cw *csvWriter) close() error { return nil }

// appendInt appends v in decimal.
func appendInt(dst []byte, v int64) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	return appendPadded(dst, v, 1)
}

// appendMoney appends hundredths as a decimal with two places.
func appendMoney(dst []byte, cents int64) []byte {
	if cents < 0 {
		dst = append(dst, '-')
		cents = -cents
	}
	dst = appendPadded(dst, cents/100, 1)
	dst = append(dst, '.')
	return appendPadded(dst, cents%100, 2)
}

// appendCSVText appends b, quoted if it needs to be.
func appendCSVText(dst, b []byte) []byte {
	if bytes.IndexAny(b, ",\"\n\r") < 0 {
		return append(dst, b...)
	}
	dst = append(dst, '"')
	for _, ch := range b {
		if ch == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, ch)
	}
	return append(dst, '"')
}
