package catalog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// csvScanner splits CSV text into records and fields (RFC 4180: fields
// may be quoted; a quote inside a quoted field is doubled; quoted fields
// may hold delimiters and line breaks). It appends the fields of many
// records to one buffer, so that a batch of records costs no allocation
// per record: field k of the batch is data[ends[k]+1 : ends[k+1]].
//
// A quote inside an unquoted field is taken literally, as Spark does;
// anything but a delimiter or a line end after a closing quote is an error.
// Empty lines are skipped. Lines end with \n or \r\n.
type csvScanner struct {
	lineReader
	delim byte
	quote byte // 0: no quoting
	path  string

	data   []byte
	ends   []int  // ends[0] = -1; one more per field
	quoted []bool // per field: was it quoted
	// recLine is the line on which the last record read started.
	recLine int64
}

func newCSVScanner(r io.Reader, path string, delim, quote byte) *csvScanner {
	return &csvScanner{lineReader: newLineReader(r), delim: delim, quote: quote, path: path, ends: []int{-1}}
}

// lineReader reads the lines of a text file, counting them.
type lineReader struct {
	r    *bufio.Reader
	line int64  // lines read so far
	long []byte // assembles a line longer than the bufio buffer
}

const textBufferSize = 256 << 10

func newLineReader(r io.Reader) lineReader {
	br := bufio.NewReaderSize(r, textBufferSize)
	// A UTF-8 byte order mark is not part of the text.
	if b, err := br.Peek(3); err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		_, _ = br.Discard(3)
	}
	return lineReader{r: br}
}

// reset empties the batch.
func (s *csvScanner) reset() {
	s.data = s.data[:0]
	s.ends = s.ends[:1]
	s.quoted = s.quoted[:0]
}

// field returns field k of the batch.
func (s *csvScanner) field(k int) []byte { return s.data[s.ends[k]+1 : s.ends[k+1]] }

// numFields is the number of fields in the batch.
func (s *csvScanner) numFields() int { return len(s.quoted) }

// readLine returns the next physical line without its line break, and
// the line break itself ("\n", "\r\n" or "" at the end of the input). The
// bytes are valid until the next read.
func (s *lineReader) readLine() (body, brk []byte, err error) {
	b, err := s.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		s.long = append(s.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = s.r.ReadSlice('\n')
			s.long = append(s.long, b...)
		}
		b = s.long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	if len(b) == 0 {
		return nil, nil, io.EOF
	}
	s.line++
	n := len(b)
	if b[n-1] == '\n' {
		n--
		if n > 0 && b[n-1] == '\r' {
			n--
		}
	}
	return b[:n], b[n:], nil
}

// next appends the next record to the batch and returns its number of
// fields, or io.EOF after the last record.
func (s *csvScanner) next() (int, error) {
	for {
		body, brk, err := s.readLine()
		if err != nil {
			return 0, err
		}
		if len(body) == 0 {
			continue // Spark skips empty lines
		}
		s.recLine = s.line
		if s.quote == 0 || bytes.IndexByte(body, s.quote) < 0 {
			return s.splitPlain(body), nil
		}
		return s.splitQuoted(body, brk)
	}
}

// splitPlain splits a line without quotes: the line is copied once and the
// delimiters stay in place as field separators.
func (s *csvScanner) splitPlain(body []byte) int {
	off := len(s.data)
	s.data = append(s.data, body...)
	s.data = append(s.data, '\n')
	n := 0
	for {
		j := bytes.IndexByte(body, s.delim)
		n++
		s.quoted = append(s.quoted, false)
		if j < 0 {
			s.ends = append(s.ends, off+len(body))
			return n
		}
		s.ends = append(s.ends, off+j)
		off += j + 1
		body = body[j+1:]
	}
}

// splitQuoted splits a record holding quotes, unescaping quoted fields and
// reading further lines while a quoted field is open.
func (s *csvScanner) splitQuoted(body, brk []byte) (int, error) {
	n := 0
	i := 0
	for {
		n++
		if i < len(body) && body[i] == s.quote {
			// Quoted field.
			i++
			for {
				j := bytes.IndexByte(body[i:], s.quote)
				if j < 0 {
					// The field goes on past the line break.
					s.data = append(s.data, body[i:]...)
					s.data = append(s.data, brk...)
					var err error
					if len(brk) == 0 {
						err = io.EOF
					} else {
						body, brk, err = s.readLine()
					}
					if errors.Is(err, io.EOF) {
						return 0, fmt.Errorf("%s: line %d: quoted field is not closed", s.path, s.recLine)
					}
					if err != nil {
						return 0, err
					}
					i = 0
					continue
				}
				s.data = append(s.data, body[i:i+j]...)
				i += j + 1
				if i < len(body) && body[i] == s.quote {
					s.data = append(s.data, s.quote) // "" is one quote
					i++
					continue
				}
				break
			}
			s.ends = append(s.ends, len(s.data))
			s.data = append(s.data, '\n')
			s.quoted = append(s.quoted, true)
			if i == len(body) {
				return n, nil
			}
			if body[i] != s.delim {
				return 0, fmt.Errorf("%s: line %d: unexpected %q after the closing quote of field %d", s.path, s.line, body[i], n)
			}
			i++
			if i == len(body) {
				// A trailing delimiter: one more, empty field.
				s.ends = append(s.ends, len(s.data))
				s.data = append(s.data, '\n')
				s.quoted = append(s.quoted, false)
				return n + 1, nil
			}
			continue
		}
		// Unquoted field: up to the next delimiter.
		j := bytes.IndexByte(body[i:], s.delim)
		end := len(body)
		if j >= 0 {
			end = i + j
		}
		s.data = append(s.data, body[i:end]...)
		s.ends = append(s.ends, len(s.data))
		s.data = append(s.data, '\n')
		s.quoted = append(s.quoted, false)
		if j < 0 {
			return n, nil
		}
		i = end + 1
		if i == len(body) {
			s.ends = append(s.ends, len(s.data))
			s.data = append(s.data, '\n')
			s.quoted = append(s.quoted, false)
			return n + 1, nil
		}
	}
}
