package exec

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
)

// scanOp reads the splits of one scan partition, one after another.
type scanOp struct {
	tc     *TaskContext
	table  catalog.Table
	splits []catalog.Split
	req    catalog.ScanRequest
	schema *arrow.Schema
	limit  int64 // < 0: none

	next   int
	reader catalog.BatchReader
	rows   int64
}

// NewScan reads splits of table: the columns of req, in batches of about
// tc.BatchSize rows, stopping after limit rows when limit >= 0.
func NewScan(tc *TaskContext, table catalog.Table, splits []catalog.Split, req catalog.ScanRequest, schema *arrow.Schema, limit int64) Operator {
	return &scanOp{tc: tc, table: table, splits: splits, req: req, schema: schema, limit: limit}
}

// Schema implements Operator.
func (s *scanOp) Schema() *arrow.Schema { return s.schema }

// Open implements Operator.
func (s *scanOp) Open(context.Context) error { return nil }

// Next implements Operator.
func (s *scanOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if s.limit >= 0 && s.rows >= s.limit {
			return nil, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.tc.MemoryCheck != nil {
			if err := s.tc.MemoryCheck(); err != nil {
				return nil, err
			}
		}
		if s.reader == nil {
			if s.next >= len(s.splits) {
				return nil, io.EOF
			}
			r, err := s.table.Open(ctx, s.splits[s.next], s.req, s.tc.Mem, s.tc.BatchSize)
			if err != nil {
				return nil, err
			}
			s.next++
			s.reader = r
		}
		b, err := s.reader.Next(ctx)
		if errors.Is(err, io.EOF) {
			err = s.reader.Close()
			s.reader = nil
			if err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		if s.limit >= 0 && s.rows+b.NumRows() > s.limit {
			cut := b.NewSlice(0, s.limit-s.rows)
			b.Release()
			b = cut
		}
		s.rows += b.NumRows()
		return b, nil
	}
}

// Close implements Operator.
func (s *scanOp) Close() error {
	if s.reader != nil {
		err := s.reader.Close()
		s.reader = nil
		return err
	}
	return nil
}

var _ Operator = (*scanOp)(nil)
