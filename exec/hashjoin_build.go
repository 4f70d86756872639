package exec

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/hashing"
)

// buildSide is the materialized right input of a join and its hash table.
// The rows of key group g are byGroup[start[g]:start[g+1]], in input order
// (one contiguous run per key, which probing reads without chasing links).
type buildSide struct {
	batch       arrow.RecordBatch // every build row; nil when there are none
	rows        int
	table       *hashing.Table
	start       []int32
	byGroup     []int32
	nullKeyRows []int32 // rows with a NULL in a key that is not null-safe
	all         []int32 // 0 .. rows-1, made when some probe row needs them all
	matched     []bool  // Right and Full joins: build rows that matched
}

func (b *buildSide) release() {
	if b.batch != nil {
		b.batch.Release()
	}
	*b = buildSide{}
}

func (b *buildSide) size() int {
	n := 4 * (cap(b.start) + cap(b.byGroup) + cap(b.nullKeyRows) + cap(b.all))
	n += cap(b.matched)
	if b.table != nil {
		n += b.table.Size()
	}
	return n
}

// allRows returns 0 .. rows-1.
func (b *buildSide) allRows() []int32 {
	if len(b.all) != b.rows {
		b.all = make([]int32, b.rows)
		for i := range b.all {
			b.all[i] = int32(i)
		}
	}
	return b.all
}

// candidates are the build rows whose keys equal those of group g.
func (b *buildSide) candidates(g uint32) []int32 {
	if g == hashing.NoGroup {
		return nil
	}
	return b.byGroup[b.start[g]:b.start[g+1]]
}

// buildTable reads the whole right input into b and indexes it by key.
func (j *hashJoin) buildTable(ctx context.Context, b *buildSide) error {
	batch, err := joinReadAll(ctx, j.tc.Mem, j.right)
	if err != nil {
		return err
	}
	b.batch = batch
	if batch != nil {
		b.rows = int(batch.NumRows())
	}
	if b.rows > 1<<31-1 {
		return fmt.Errorf("join: %d build rows exceed the limit of 2^31-1", b.rows)
	}
	types := make([]arrow.DataType, len(j.rightKeys))
	for i, k := range j.rightKeys {
		types[i] = k.typ
	}
	nullIsKey := make([]bool, len(types))
	copy(nullIsKey, j.nullSafe)
	if b.table, err = hashing.NewTable(types, nullIsKey); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if j.keepsBuildRows() {
		b.matched = make([]bool, b.rows)
	}
	if b.rows == 0 {
		b.start = []int32{0}
		return nil
	}
	keys, err := evalAll(j.tc.Mem, j.rightKeys, batch)
	if err != nil {
		return err
	}
	groups := make([]uint32, b.rows)
	b.table.Reserve(b.rows)
	err = b.table.Insert(keys, groups)
	freeArrays(keys)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	// Counting sort of the rows by group.
	n := b.table.Len()
	b.start = make([]int32, n+1)
	for r, g := range groups {
		if g == hashing.NoGroup {
			b.nullKeyRows = append(b.nullKeyRows, int32(r))
			continue
		}
		b.start[g+1]++
	}
	for g := 0; g < n; g++ {
		b.start[g+1] += b.start[g]
	}
	b.byGroup = make([]int32, int(b.start[n]))
	fill := make([]int32, n)
	copy(fill, b.start[:n])
	for r, g := range groups {
		if g != hashing.NoGroup {
			b.byGroup[fill[g]] = int32(r)
			fill[g]++
		}
	}
	return nil
}

// joinReadAll reads every batch of op into one batch (nil when op has no
// rows), allocated from mem.
func joinReadAll(ctx context.Context, mem memory.Allocator, op Operator) (arrow.RecordBatch, error) {
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	for {
		b, err := op.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		batches = append(batches, b)
	}
	switch len(batches) {
	case 0:
		return nil, nil
	case 1:
		b := batches[0]
		b.Retain()
		return b, nil
	}
	schema := op.Schema()
	cols := make([]arrow.Array, schema.NumFields())
	defer freeArrays(cols)
	parts := make([]arrow.Array, len(batches))
	rows := int64(0)
	for _, b := range batches {
		rows += b.NumRows()
	}
	for c := range cols {
		for i, b := range batches {
			parts[i] = b.Column(c)
		}
		col, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, fmt.Errorf("join: concatenating build rows: %w", err)
		}
		cols[c] = col
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}
