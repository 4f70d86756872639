package shuffle

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// memFrames yields a partition's frames from memory. It holds a reference
// to the output until closed.
type memFrames struct {
	o      *output
	frames []*memory.Buffer
	pos    int // -1: the schema frame is next
	closed bool
}

// next implements frameSource.
func (m *memFrames) next() ([]byte, bool, error) {
	if m.closed {
		return nil, false, nil
	}
	if m.pos < 0 {
		m.pos = 0
		return m.o.schema, true, nil
	}
	if m.pos >= len(m.frames) {
		return nil, false, nil
	}
	f := m.frames[m.pos]
	m.pos++
	return f.Bytes(), true, nil
}

// close implements frameSource.
func (m *memFrames) close() {
	if !m.closed {
		m.closed = true
		m.o.release()
	}
}

// fileFrames yields a partition's frames from its spill file. It holds a
// reference to the output (so the file is not deleted) until closed.
type fileFrames struct {
	o       *output
	f       *os.File
	r       *bufio.Reader
	left    int64 // bytes of the partition not yet read
	schema  bool  // the schema frame was returned
	scratch []byte
	closed  bool
}

func openFileFrames(o *output, partition int) (*fileFrames, error) {
	f, err := os.Open(o.path)
	if err != nil {
		return nil, fmt.Errorf("shuffle: opening spill file: %w", err)
	}
	off, end := o.offsets[partition], o.offsets[partition+1]
	sec := io.NewSectionReader(f, off, end-off)
	return &fileFrames{o: o, f: f, r: bufio.NewReaderSize(sec, 256<<10), left: end - off}, nil
}

// next implements frameSource.
func (r *fileFrames) next() ([]byte, bool, error) {
	if r.closed {
		return nil, false, nil
	}
	if !r.schema {
		r.schema = true
		return r.o.schema, true, nil
	}
	if r.left == 0 {
		return nil, false, nil
	}
	if r.left < frameHeaderLen {
		return nil, false, fmt.Errorf("shuffle: spill file %s: %d stray bytes", r.o.path, r.left)
	}
	var h [frameHeaderLen]byte
	if _, err := io.ReadFull(r.r, h[:]); err != nil {
		return nil, false, fmt.Errorf("shuffle: reading spill file %s: %w", r.o.path, err)
	}
	n := frameLen(h[:])
	if n > r.left {
		return nil, false, fmt.Errorf("shuffle: spill file %s: frame of %d bytes, %d left", r.o.path, n, r.left)
	}
	if int64(cap(r.scratch)) < n {
		r.scratch = make([]byte, n)
	}
	buf := r.scratch[:n]
	copy(buf, h[:])
	if _, err := io.ReadFull(r.r, buf[frameHeaderLen:]); err != nil {
		return nil, false, fmt.Errorf("shuffle: reading spill file %s: %w", r.o.path, err)
	}
	r.left -= n
	return buf, true, nil
}

// close implements frameSource.
func (r *fileFrames) close() {
	if !r.closed {
		r.closed = true
		r.f.Close()
		r.o.release()
	}
}
