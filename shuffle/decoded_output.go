package shuffle

import (
	"context"
	"fmt"
	"github.com/ember-sql/ember/internal/size"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CommitBatches commits parts (per partition, its batches) as the output
// of map task id, replacing any earlier one. It does not take ownership of
// the batches. Within the memory budget the store keeps the batches
// themselves: a task on this worker reads them without encoding,
// compressing or copying anything, as in local mode, and only the
// partitions other workers fetch are encoded, as they ask. Past the
// budget the output is encoded and spilled like a MapWriter's.
func (s *WorkerStore) CommitBatches(id OutputID, schema *arrow.Schema, parts [][]arrow.RecordBatch) error {
	if err := checkOutputID(id); err != nil {
		return err
	}
	if len(parts) == 0 {
		return fmt.Errorf("shuffle: %v with no partitions", id)
	}
	if hasDictionary(schema) {
		return fmt.Errorf("shuffle: %v: dictionary-encoded columns are not supported", id)
	}
	var bytes int64
	rows := make([]int64, len(parts))
	for p, bs := range parts {
		for _, b := range bs {
			if !b.Schema().Equal(schema) {
				return fmt.Errorf("shuffle: %v: batch schema %v, want %v", id, b.Schema(), schema)
			}
			bytes += size.Batch(b)
			rows[p] += b.NumRows()
		}
	}
	keep, err := s.reserve(id.Query, bytes)
	if err != nil {
		return err
	}
	if !keep {
		return s.encodeBatches(id, schema, parts)
	}
	o := &output{store: s, arrowSchema: schema, rows: rows, memBytes: bytes, batches: make([][]arrow.RecordBatch, len(parts))}
	o.refs.Store(1)
	for p, bs := range parts {
		for _, b := range bs {
			if b.NumRows() > 0 {
				b.Retain()
				o.batches[p] = append(o.batches[p], b)
			}
		}
	}
	return s.install(id, o)
}

// encodeBatches commits parts through a MapWriter: encoded, and spilled
// when the budget is full.
func (s *WorkerStore) encodeBatches(id OutputID, schema *arrow.Schema, parts [][]arrow.RecordBatch) error {
	w, err := s.NewMapWriter(id, schema, len(parts))
	if err != nil {
		return err
	}
	for p, bs := range parts {
		for _, b := range bs {
			if err := w.Write(p, b); err != nil {
				w.Abort()
				return err
			}
		}
	}
	return w.Commit()
}

// readDecoded hands fn the batches of partition partition of output id
// when the store holds that output decoded; done is false when it does
// not (the caller decodes frames instead).
func (s *WorkerStore) readDecoded(ctx context.Context, id OutputID, partition int, fn func(arrow.RecordBatch) error) (done bool, err error) {
	o, err := s.acquire(id)
	if err != nil {
		return true, err
	}
	defer o.release()
	if o.batches == nil {
		return false, nil
	}
	if partition < 0 || partition >= len(o.batches) {
		return true, fmt.Errorf("shuffle: %v has %d partitions, not %d", id, len(o.batches), partition+1)
	}
	for _, b := range o.batches[partition] {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		b.Retain()
		if err := fn(b); err != nil {
			return true, err
		}
	}
	return true, nil
}

// batchFrames encodes a decoded output's partition into frames as they
// are read (Flight DoGet of another worker), one batch at a time, with the
// store's codec. It holds a reference to the output until closed.
type batchFrames struct {
	o       *output
	batches []arrow.RecordBatch
	pos     int
	sink    *frameSink
	w       *ipc.Writer
	// queue holds encoded frames not yet returned; cur the frame returned
	// last, freed on the next call.
	queue      []*memory.Buffer
	cur        *memory.Buffer
	schemaSent bool
	closed     bool
}

func newBatchFrames(o *output, partition int) (*batchFrames, error) {
	s := o.store
	sink := newFrameSink(s.mem, 1)
	opts := []ipc.Option{ipc.WithSchema(o.arrowSchema), ipc.WithAllocator(s.mem)}
	if c, ok := s.codec.option(); ok {
		opts = append(opts, c)
	}
	return &batchFrames{o: o, batches: o.batches[partition], sink: sink, w: ipc.NewWriterWithPayloadWriter(sink, opts...)}, nil
}

// next implements frameSource.
func (f *batchFrames) next() ([]byte, bool, error) {
	if f.closed {
		return nil, false, nil
	}
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
	if !f.schemaSent {
		// The writer emits the schema with its first batch, or on Close
		// when there is none.
		if f.sink.schema == nil {
			if err := f.encodeNext(); err != nil {
				return nil, false, err
			}
		}
		if f.sink.schema == nil {
			return nil, false, fmt.Errorf("shuffle: encoding %d batches gave no schema", len(f.batches))
		}
		f.schemaSent = true
		return f.sink.schema.Bytes(), true, nil
	}
	for len(f.queue) == 0 {
		if f.pos >= len(f.batches) {
			return nil, false, nil
		}
		if err := f.encodeNext(); err != nil {
			return nil, false, err
		}
	}
	f.cur, f.queue = f.queue[0], f.queue[1:]
	return f.cur.Bytes(), true, nil
}

// encodeNext encodes the next batch (or, with none left, closes the
// writer) and queues its frames.
func (f *batchFrames) encodeNext() error {
	var err error
	if f.pos < len(f.batches) {
		b := f.batches[f.pos]
		f.pos++
		err = writeSliced(f.w, b, size.Batch(b), maxFrameBytes)
	} else {
		err = f.w.Close()
	}
	f.queue = append(f.queue, f.sink.parts[0]...)
	f.sink.parts[0] = nil
	f.sink.bytes = 0
	return err
}

// close implements frameSource.
func (f *batchFrames) close() {
	if f.closed {
		return
	}
	f.closed = true
	_ = f.w.Close()
	if f.cur != nil {
		f.cur.Release()
		f.cur = nil
	}
	for _, b := range f.queue {
		b.Release()
	}
	f.queue = nil
	f.sink.release()
	f.o.release()
}
