package shuffle

import (
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/size"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Batches reach the writer as one piece per input batch and partition, so
// with many partitions the pieces are small; each IPC message costs a few
// hundred bytes of metadata and a compression call per buffer. The writer
// gathers a partition's pieces until they make a batch this large.
const (
	coalesceRows  = 8192
	coalesceBytes = 4 << 20
	// pendingLimit bounds the decoded bytes waiting to be coalesced over
	// all partitions; past it every partition is flushed.
	pendingLimit = 64 << 20
	// maxFrameBytes is where a single batch is cut into slices, so that
	// IPC messages stay well below the gRPC message limit.
	maxFrameBytes = 32 << 20
)

// MapWriter writes the output of one map task: Write each partition's
// batches, then Commit, or Abort if the task failed. Until the commit the
// output is invisible; the encoded output is buffered in memory (accounted
// to the store's allocator) until then. Not safe for concurrent use.
type MapWriter struct {
	store  *WorkerStore
	id     OutputID
	schema *arrow.Schema
	sink   *frameSink
	w      *ipc.Writer
	rows   []int64

	pending      [][]arrow.RecordBatch
	pendingRows  []int64
	pendingBytes []int64
	pendingTotal int64
	frameLimit   int64 // maxFrameBytes; smaller in tests

	done bool
}

// NewMapWriter starts the output of map task id, split into partitions
// partitions of batches of schema.
func (s *WorkerStore) NewMapWriter(id OutputID, schema *arrow.Schema, partitions int) (*MapWriter, error) {
	if err := checkOutputID(id); err != nil {
		return nil, err
	}
	if partitions <= 0 {
		return nil, fmt.Errorf("shuffle: %v with %d partitions", id, partitions)
	}
	if hasDictionary(schema) {
		// One IPC writer serves every partition, and it would send each
		// dictionary only to the first partition that needs it. The engine
		// decodes dictionaries at the sources, so none should get here.
		return nil, fmt.Errorf("shuffle: %v: dictionary-encoded columns are not supported", id)
	}
	s.mu.Lock()
	err := s.writableLocked(id.Query)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	sink := newFrameSink(s.mem, partitions)
	opts := []ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(s.mem)}
	if c, ok := s.codec.option(); ok {
		opts = append(opts, c)
	}
	return &MapWriter{
		store:        s,
		id:           id,
		schema:       schema,
		sink:         sink,
		w:            ipc.NewWriterWithPayloadWriter(sink, opts...),
		rows:         make([]int64, partitions),
		pending:      make([][]arrow.RecordBatch, partitions),
		pendingRows:  make([]int64, partitions),
		pendingBytes: make([]int64, partitions),
		frameLimit:   maxFrameBytes,
	}, nil
}

func hasDictionary(s *arrow.Schema) bool {
	var visit func(arrow.DataType) bool
	visit = func(dt arrow.DataType) bool {
		if dt.ID() == arrow.DICTIONARY {
			return true
		}
		if n, ok := dt.(arrow.NestedType); ok {
			for _, f := range n.Fields() {
				if visit(f.Type) {
					return true
				}
			}
		}
		return false
	}
	for _, f := range s.Fields() {
		if visit(f.Type) {
			return true
		}
	}
	return false
}

// Write adds b to partition partition. It does not take ownership of b.
func (w *MapWriter) Write(partition int, b arrow.RecordBatch) error {
	if w.done {
		return errors.New("shuffle: write after commit or abort")
	}
	if partition < 0 || partition >= len(w.pending) {
		return fmt.Errorf("shuffle: %v has %d partitions, not %d", w.id, len(w.pending), partition+1)
	}
	n := b.NumRows()
	if n == 0 {
		return nil
	}
	if !b.Schema().Equal(w.schema) {
		return fmt.Errorf("shuffle: %v: batch schema %v, want %v", w.id, b.Schema(), w.schema)
	}
	bytes := size.Batch(b)
	if n >= coalesceRows && len(w.pending[partition]) == 0 {
		w.rows[partition] += n
		return w.encode(partition, b, bytes)
	}
	b.Retain()
	w.pending[partition] = append(w.pending[partition], b)
	w.pendingRows[partition] += n
	w.pendingBytes[partition] += bytes
	w.pendingTotal += bytes
	if w.pendingRows[partition] >= coalesceRows || w.pendingBytes[partition] >= coalesceBytes {
		if err := w.flush(partition); err != nil {
			return err
		}
	}
	if w.pendingTotal > pendingLimit {
		return w.flushAll()
	}
	return nil
}

// flush encodes the pieces waiting in partition p as one batch.
func (w *MapWriter) flush(p int) error {
	pieces := w.pending[p]
	if len(pieces) == 0 {
		return nil
	}
	rows, bytes := w.pendingRows[p], w.pendingBytes[p]
	w.pending[p] = nil
	w.pendingRows[p], w.pendingBytes[p] = 0, 0
	w.pendingTotal -= bytes
	w.rows[p] += rows
	defer func() {
		for _, b := range pieces {
			b.Release()
		}
	}()
	if len(pieces) == 1 {
		return w.encode(p, pieces[0], bytes)
	}
	joined, err := concatBatches(w.store.mem, w.schema, pieces, rows)
	if err != nil {
		// Not worth failing the task: send the pieces as they are.
		for _, b := range pieces {
			if err := w.encode(p, b, size.Batch(b)); err != nil {
				return err
			}
		}
		return nil
	}
	defer joined.Release()
	return w.encode(p, joined, bytes)
}

func (w *MapWriter) flushAll() error {
	for p := range w.pending {
		if err := w.flush(p); err != nil {
			return err
		}
	}
	return nil
}

// encode writes b to partition p, in slices if it is very large.
func (w *MapWriter) encode(p int, b arrow.RecordBatch, size int64) error {
	w.sink.current = p
	return writeSliced(w.w, b, size, w.frameLimit)
}

// writeSliced writes b (of size bytes) to w, cut into slices of at most
// about limit bytes, so that IPC messages stay below gRPC's limit.
func writeSliced(w *ipc.Writer, b arrow.RecordBatch, size, limit int64) error {
	n := b.NumRows()
	if size <= limit || n < 2 {
		return w.Write(b)
	}
	step := max(1, n*limit/size)
	for lo := int64(0); lo < n; lo += step {
		s := b.NewSlice(lo, min(n, lo+step))
		err := w.Write(s)
		s.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// Commit makes the output visible, replacing the output of an earlier
// attempt of the same task. The writer is finished either way.
func (w *MapWriter) Commit() error {
	if w.done {
		return errors.New("shuffle: commit after commit or abort")
	}
	err := w.flushAll()
	if cerr := w.w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = w.store.commit(w.id, w.sink, w.rows)
	}
	w.finish()
	return err
}

// Abort discards what was written. Safe after Commit (it does nothing).
func (w *MapWriter) Abort() {
	if w.done {
		return
	}
	_ = w.w.Close()
	w.finish()
}

func (w *MapWriter) finish() {
	w.done = true
	for p, bs := range w.pending {
		for _, b := range bs {
			b.Release()
		}
		w.pending[p] = nil
	}
	w.sink.release()
}

// concatBatches joins batches of schema into one of rows rows.
func concatBatches(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, rows int64) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	parts := make([]arrow.Array, len(batches))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	for i := range cols {
		for j, b := range batches {
			parts[j] = b.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			release()
			return nil, err
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(schema, cols, rows)
	release()
	return out, nil
}
