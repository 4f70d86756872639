package exec

import (
	"bytes"
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// topNOp returns the first fetch rows of its input in sort order without
// sorting, or even keeping, all of it.
//
// It holds the best rows seen so far (top, sorted, at most fetch rows, with
// their normalized keys) and a pending list of candidates. Once top is full,
// the key of its last row is a threshold: an incoming row enters pending
// only if its key is strictly below it (a row equal to the threshold came
// later than it, so a stable sort would rank it after). When pending holds
// max(fetch, BatchSize) rows, top and pending are sorted together and the
// first fetch rows become the new top. Memory stays within about twice
// max(fetch, BatchSize) rows, and most rows of a large input cost one
// key comparison.
type topNOp struct {
	tc     *TaskContext
	input  Operator
	keys   []boundExpr
	enc    keyEncoder
	fetch  int
	loaded bool

	top      arrow.RecordBatch // sorted; nil until the first compaction
	topKeys  normKeys
	pend     []arrow.RecordBatch
	pendKeys normKeys
	pendRows int
	next     int // next row of top to emit
}

func newTopN(tc *TaskContext, input Operator, keys []boundExpr, specs []keySpec, fetch int64) *topNOp {
	// The layout of keys must not change between batches, so the NULL
	// indicator is always written.
	enc := keyEncoder{specs: specs}
	width := enc.fixedWidth()
	return &topNOp{
		tc: tc, input: input, keys: keys, enc: enc,
		fetch:    int(min(fetch, int64(^uint32(0)>>1))),
		topKeys:  normKeys{width: width},
		pendKeys: normKeys{width: width},
	}
}

// Schema implements Operator.
func (t *topNOp) Schema() *arrow.Schema { return t.input.Schema() }

// Open implements Operator.
func (t *topNOp) Open(ctx context.Context) error { return t.input.Open(ctx) }

// Next implements Operator.
func (t *topNOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !t.loaded {
		if err := t.load(ctx); err != nil {
			return nil, err
		}
		t.loaded = true
	}
	if t.top == nil || t.next >= int(t.top.NumRows()) {
		t.release()
		return nil, io.EOF
	}
	end := min(int(t.top.NumRows()), t.next+max(t.tc.BatchSize, 1))
	out := t.top.NewSlice(int64(t.next), int64(end))
	t.next = end
	return out, nil
}

func (t *topNOp) load(ctx context.Context) error {
	if t.fetch == 0 {
		t.input.Close()
		return nil
	}
	for {
		b, err := t.input.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := t.add(b); err != nil {
			return err
		}
		if t.pendRows >= max(t.fetch, t.tc.BatchSize) {
			if err := t.compact(); err != nil {
				return err
			}
		}
	}
	t.input.Close()
	if t.pendRows > 0 {
		return t.compact()
	}
	return nil
}

// add keeps the rows of b that may belong to the result; it takes b.
func (t *topNOp) add(b arrow.RecordBatch) error {
	keys, err := evalAll(t.tc.Mem, t.keys, b)
	if err != nil {
		b.Release()
		return err
	}
	bk := t.enc.encode([][]arrow.Array{keys})
	freeArrays(keys)
	n := int(b.NumRows())
	var sel []rowRef
	if t.top != nil && int(t.top.NumRows()) == t.fetch {
		threshold := t.topKeys.key(t.fetch - 1)
		for i := 0; i < n; i++ {
			if bytes.Compare(bk.key(i), threshold) < 0 {
				sel = append(sel, makeRef(0, i))
			}
		}
		if len(sel) == 0 {
			b.Release()
			return nil
		}
	}
	if sel == nil || len(sel) == n {
		t.pend = append(t.pend, b)
		for i := 0; i < n; i++ {
			t.pendKeys.appendKey(bk.key(i))
		}
		t.pendRows += n
		return nil
	}
	kept, err := gatherBatch(t.tc.Mem, b.Schema(), []arrow.RecordBatch{b}, sel)
	b.Release()
	if err != nil {
		return err
	}
	t.pend = append(t.pend, kept)
	for _, r := range sel {
		t.pendKeys.appendKey(bk.key(r.row()))
	}
	t.pendRows += len(sel)
	return nil
}

// compact sorts top and pending together and keeps the first fetch rows.
func (t *topNOp) compact() error {
	srcs := t.pend
	all := &t.pendKeys
	if t.top != nil {
		srcs = append([]arrow.RecordBatch{t.top}, t.pend...)
		merged := normKeys{width: t.topKeys.width}
		for i := 0; i < t.topKeys.n; i++ {
			merged.appendKey(t.topKeys.key(i))
		}
		for i := 0; i < t.pendKeys.n; i++ {
			merged.appendKey(t.pendKeys.key(i))
		}
		all = &merged
	}
	perm := sortKeys(all)
	keep := perm[:min(len(perm), t.fetch)]
	refs := newRowLocator(srcs).refs(keep, nil)
	top, err := gatherBatch(t.tc.Mem, t.Schema(), srcs, refs)
	if err != nil {
		return err
	}
	newKeys := normKeys{width: t.topKeys.width}
	for _, g := range keep {
		newKeys.appendKey(all.key(int(g)))
	}
	for _, b := range srcs {
		b.Release()
	}
	t.top, t.topKeys = top, newKeys
	t.pend = t.pend[:0]
	t.pendKeys.reset()
	t.pendRows = 0
	return nil
}

func (t *topNOp) release() {
	freeBatch(t.top)
	t.top = nil
	for _, b := range t.pend {
		b.Release()
	}
	t.pend = nil
	t.pendRows = 0
}

// Close implements Operator.
func (t *topNOp) Close() error {
	t.release()
	t.loaded = true
	return t.input.Close()
}

var _ Operator = (*topNOp)(nil)
