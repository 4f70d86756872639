package tpch

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// Drain reads r to its end and returns how many rows it held. With keep it
// also returns the batches, which the caller then releases, so that a
// timed run can turn them into cells after its clock has stopped; without,
// each batch is released as it comes. On an error nothing is returned to
// release.
func Drain(ctx context.Context, r BatchReader, keep bool) (int64, []arrow.RecordBatch, error) {
	var rows int64
	var kept []arrow.RecordBatch
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, kept, nil
		}
		if err != nil {
			ReleaseAll(kept)
			return 0, nil, err
		}
		rows += b.NumRows()
		if keep {
			kept = append(kept, b)
		} else {
			b.Release()
		}
	}
}

// TableOf returns the cells of batches, which have the given schema. It
// does not release them.
func TableOf(schema *arrow.Schema, batches []arrow.RecordBatch) (Table, error) {
	t := NewTable(schema)
	for _, b := range batches {
		if err := t.AppendBatch(b); err != nil {
			return Table{}, err
		}
	}
	return t, nil
}

// ReleaseAll releases every batch of bs.
func ReleaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}
