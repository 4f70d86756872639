package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// External sorting. When the input a sort holds passes tc.MemoryBudget, the
// rows held so far are sorted and written to a run: an Arrow IPC stream
// file (LZ4) in tc.TempDir whose batches carry, besides the input columns,
// each row's normalized key as a last binary column. The keys are encoded
// with a NULL indicator on every column, so that keys of different runs
// compare. At the end of the input the rest is written as a last run and
// the runs are merged k ways: a heap of run cursors ordered by their
// current key, ties broken by run (earlier runs hold earlier rows), which
// keeps the sort stable. Each run being merged holds one batch in memory
// and an open file, so whenever maxMergeWidth runs exist they are first
// merged into one (keys included), and the final merge reads at most that
// many.

// maxMergeWidth is the most runs merged at once.
const maxMergeWidth = 64

// sortKeyField names the key column of run files.
const sortKeyField = "__sort_key"

// sortRun is one spilled run being read back.
type sortRun struct {
	path  string
	f     *os.File
	r     *ipc.Reader
	cur   arrow.RecordBatch // retained; nil when exhausted
	keys  *array.Binary     // cur's key column
	row   int
	slot  int // index of cur among the sources of the batch being built, -1 if none
	index int // position among the runs (their input order)
}

// spill sorts the batches held and writes them as a run; it releases them.
func (s *sortOp) spill(ctx context.Context) error {
	enc := keyEncoder{specs: s.specs} // NULL indicator always on
	nk := enc.encode(s.keyCols)
	perm := sortKeys(&nk)
	f, err := os.CreateTemp(s.tc.TempDir, "ember-sort-*.arrow")
	if err != nil {
		return fmt.Errorf("sort: spilling: %w", err)
	}
	path := f.Name()
	err = s.writeRun(f, perm, &nk)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("sort: spilling: %w", err)
	}
	s.runs = append(s.runs, &sortRun{path: path, slot: -1, index: len(s.runs)})
	s.releaseHeld()
	if len(s.runs) >= maxMergeWidth {
		return s.mergeRuns(ctx)
	}
	return nil
}

// mergeRuns merges all the runs into one.
func (s *sortOp) mergeRuns(ctx context.Context) error {
	if err := s.startMerge(); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.tc.TempDir, "ember-sort-*.arrow")
	if err != nil {
		return fmt.Errorf("sort: spilling: %w", err)
	}
	path := f.Name()
	schema := s.runSchema()
	w := ipc.NewWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(s.tc.Mem), ipc.WithLZ4())
	for err == nil {
		if err = ctx.Err(); err != nil {
			break
		}
		var b arrow.RecordBatch
		if b, err = s.nextMerged(schema); err == nil {
			err = w.Write(b)
			b.Release()
		}
	}
	if err == io.EOF {
		err = nil
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	s.closeRuns()
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("sort: spilling: %w", err)
	}
	s.runs = []*sortRun{{path: path, slot: -1}}
	return nil
}

func (s *sortOp) runSchema() *arrow.Schema {
	fs := append(append([]arrow.Field(nil), s.Schema().Fields()...),
		arrow.Field{Name: sortKeyField, Type: arrow.BinaryTypes.Binary})
	return arrow.NewSchema(fs, nil)
}

func (s *sortOp) writeRun(f *os.File, perm []uint32, nk *normKeys) error {
	schema := s.runSchema()
	w := ipc.NewWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(s.tc.Mem), ipc.WithLZ4())
	loc := newRowLocator(s.batches)
	g := newBatchGatherer(s.Schema(), s.batches)
	var refs []rowRef
	bs := max(s.tc.BatchSize, 1)
	kb := array.NewBinaryBuilder(s.tc.Mem, arrow.BinaryTypes.Binary)
	defer kb.Release()
	for from := 0; from < len(perm); from += bs {
		chunk := perm[from:min(len(perm), from+bs)]
		refs = loc.refs(chunk, refs)
		b, err := g.gather(s.tc.Mem, refs)
		if err != nil {
			w.Close()
			return err
		}
		kb.Reserve(len(chunk))
		for _, r := range chunk {
			kb.Append(nk.key(int(r)))
		}
		keys := kb.NewArray()
		cols := append(append([]arrow.Array(nil), b.Columns()...), keys)
		rec := array.NewRecordBatch(schema, cols, int64(len(chunk)))
		keys.Release()
		b.Release()
		err = w.Write(rec)
		rec.Release()
		if err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// startMerge opens every run at its first batch.
func (s *sortOp) startMerge() error {
	s.heap = s.heap[:0]
	for _, r := range s.runs {
		f, err := os.Open(r.path)
		if err != nil {
			return fmt.Errorf("sort: reading a spilled run: %w", err)
		}
		r.f = f
		if r.r, err = ipc.NewReader(f, ipc.WithAllocator(s.tc.Mem)); err != nil {
			return fmt.Errorf("sort: reading a spilled run: %w", err)
		}
		if err := r.advance(); err != nil {
			return err
		}
		if r.cur != nil {
			s.heap = append(s.heap, r)
		}
	}
	for i := len(s.heap)/2 - 1; i >= 0; i-- {
		s.siftDown(i)
	}
	return nil
}

// advance moves r to its next batch (cur nil at the end of the run).
func (r *sortRun) advance() error {
	if r.cur != nil {
		r.cur.Release()
		r.cur, r.keys = nil, nil
	}
	r.row, r.slot = 0, -1
	for r.r.Next() {
		b := r.r.RecordBatch()
		if b.NumRows() == 0 {
			continue
		}
		b.Retain()
		r.cur = b
		r.keys = b.Column(int(b.NumCols()) - 1).(*array.Binary)
		return nil
	}
	if err := r.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("sort: reading a spilled run: %w", err)
	}
	return nil
}

// less orders the heap: by current key, then by run (input order).
func (s *sortOp) less(i, j int) bool {
	a, b := s.heap[i], s.heap[j]
	if c := bytes.Compare(a.keys.Value(a.row), b.keys.Value(b.row)); c != 0 {
		return c < 0
	}
	return a.index < b.index
}

func (s *sortOp) siftDown(i int) {
	n := len(s.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			return
		}
		s.heap[i], s.heap[m] = s.heap[m], s.heap[i]
		i = m
	}
}

// nextMerged builds the next batch of schema (the output's, or the runs'
// with their keys) from the runs.
func (s *sortOp) nextMerged(schema *arrow.Schema) (arrow.RecordBatch, error) {
	if len(s.heap) == 0 {
		return nil, io.EOF
	}
	bs := max(s.tc.BatchSize, 1)
	var srcs []arrow.RecordBatch
	defer func() {
		for _, b := range srcs {
			b.Release()
		}
	}()
	refs := s.refs[:0]
	for len(refs) < bs && len(s.heap) > 0 {
		r := s.heap[0]
		if r.slot < 0 {
			r.cur.Retain()
			srcs = append(srcs, r.cur)
			r.slot = len(srcs) - 1
		}
		refs = append(refs, makeRef(r.slot, r.row))
		r.row++
		if r.row == int(r.cur.NumRows()) {
			if err := r.advance(); err != nil {
				return nil, err
			}
			if r.cur == nil {
				last := len(s.heap) - 1
				s.heap[0] = s.heap[last]
				s.heap = s.heap[:last]
			}
		}
		if len(s.heap) > 0 {
			s.siftDown(0)
		}
	}
	s.refs = refs
	for _, r := range s.heap {
		r.slot = -1
	}
	return gatherBatch(s.tc.Mem, schema, srcs, refs)
}

// closeRuns closes and deletes every run file.
func (s *sortOp) closeRuns() {
	for _, r := range s.runs {
		if r.cur != nil {
			r.cur.Release()
			r.cur = nil
		}
		if r.r != nil {
			r.r.Release()
			r.r = nil
		}
		if r.f != nil {
			r.f.Close()
			r.f = nil
		}
		os.Remove(r.path)
	}
	s.runs, s.heap = nil, nil
}
