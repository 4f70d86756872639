package exec

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// BatchSource is an Operator that returns batches it was given, in order.
// It retains them when built and releases them on Close, so the caller may
// release its own references at once. Used for in-memory data and in tests.
type BatchSource struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	next    int
}

// NewBatchSource returns a BatchSource over batches, all of schema.
func NewBatchSource(schema *arrow.Schema, batches []arrow.RecordBatch) *BatchSource {
	kept := make([]arrow.RecordBatch, 0, len(batches))
	for _, b := range batches {
		b.Retain()
		kept = append(kept, b)
	}
	return &BatchSource{schema: schema, batches: kept}
}

// Schema implements Operator.
func (s *BatchSource) Schema() *arrow.Schema { return s.schema }

// Open implements Operator.
func (s *BatchSource) Open(context.Context) error { return nil }

// Next implements Operator. Empty batches are skipped.
func (s *BatchSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for s.next < len(s.batches) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := s.batches[s.next]
		s.next++
		if b.NumRows() == 0 {
			continue
		}
		b.Retain()
		return b, nil
	}
	return nil, io.EOF
}

// Close implements Operator.
func (s *BatchSource) Close() error {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches = nil
	return nil
}

var _ Operator = (*BatchSource)(nil)
