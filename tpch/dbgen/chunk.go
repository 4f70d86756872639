package dbgen

// kind is how a column is typed and stored.
type kind uint8

const (
	kindInt32 kind = iota // INT32
	kindInt64             // INT64
	kindMoney             // DECIMAL(15,2), as INT64 hundredths
	kindDate              // DATE, as INT32 days since 1970-01-01
	kindText              // UTF-8 text
	kindEnum              // UTF-8 text, one of a short list, as its index
)

// column holds one column of a chunk: ints for INT64 and money, ints32 for
// INT32, dates and enum codes (with enum the list of values), and for text either text and ends (the end offset of
// each value in text), or, for a comment column, pool and the starts and
// ends of each value in the text pool: comments are not copied, the
// writers read them from the pool.
type column struct {
	kind   kind
	ints   []int64
	ints32 []int32
	text   []byte
	ends   []int32
	pool   []byte
	starts []int32
	enum   []string
}

// chunk is a run of generated rows, the unit of generation and of a
// Parquet row group. A worker keeps one and refills it, so generating does
// not allocate once the buffers have grown.
type chunk struct {
	rows int
	cols []column
}

// reset empties c and shapes it for the columns of t.
func (c *chunk) reset(t *table) {
	if len(c.cols) != len(t.columns) {
		c.cols = make([]column, len(t.columns))
	}
	for i := range c.cols {
		col := &c.cols[i]
		col.kind, col.enum = t.columns[i].kind, t.columns[i].enum
		col.ints, col.ints32, col.text, col.ends = col.ints[:0], col.ints32[:0], col.text[:0], col.ends[:0]
		col.pool, col.starts = nil, col.starts[:0]
	}
	c.rows = 0
}

// Appenders, one per kind.

func (c *column) addInt(v int64)   { c.ints = append(c.ints, v) }
func (c *column) addInt32(v int32) { c.ints32 = append(c.ints32, v) }
func (c *column) addCode(code int) { c.ints32 = append(c.ints32, int32(code)) }
func (c *column) addText(b []byte) { c.text = append(c.text, b...); c.endText() }

// addPooled appends the value pool[start:end] of the text pool.
func (c *column) addPooled(pool []byte, start, end int32) {
	c.pool = pool
	c.starts = append(c.starts, start)
	c.ends = append(c.ends, end)
}
func (c *column) addString(s string) {
	c.text = append(c.text, s...)
	c.endText()
}

// endText closes a value appended to c.text directly.
func (c *column) endText() { c.ends = append(c.ends, int32(len(c.text))) }

// value returns text value i.
func (c *column) value(i int) []byte {
	if c.pool != nil {
		return c.pool[c.starts[i]:c.ends[i]:c.ends[i]]
	}
	start := int32(0)
	if i > 0 {
		start = c.ends[i-1]
	}
	return c.text[start:c.ends[i]:c.ends[i]]
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v >= 10 || width > 1 {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	i--
	buf[i] = byte('0' + v)
	return append(dst, buf[i:]...)
}

// appendKeyName appends prefix and key as nine digits: "Customer#000000001".
func appendKeyName(dst []byte, prefix string, key int64) []byte {
	return appendPadded(append(dst, prefix...), key, 9)
}
