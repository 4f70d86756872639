package cluster

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// EncodeBatch writes b as a self-contained Arrow IPC stream (its schema,
// then the batch), LZ4-compressed: how result batches travel in gRPC
// messages.
func EncodeBatch(b arrow.RecordBatch, mem memory.Allocator) ([]byte, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(b.Schema()), ipc.WithAllocator(mem), ipc.WithLZ4())
	if err := w.Write(b); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeBatch reads the one batch of a stream written by EncodeBatch,
// allocated from mem; the caller releases it.
func DecodeBatch(data []byte, mem memory.Allocator) (arrow.RecordBatch, error) {
	r, err := ipc.NewReader(bytes.NewReader(data), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("decoding a result batch: %w", err)
	}
	defer r.Release()
	if !r.Next() {
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("decoding a result batch: %w", err)
		}
		return nil, fmt.Errorf("decoding a result batch: the message holds no batch")
	}
	b := r.RecordBatch()
	b.Retain()
	return b, nil
}
