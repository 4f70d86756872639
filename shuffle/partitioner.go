package shuffle

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/exec/hashing"
	"github.com/ember-sql/ember/planner/physical"
)

// Partitioner splits batches by a partitioning.
type Partitioner struct {
	part  physical.Partitioning
	keys  []*eval.Evaluator
	next  int // round robin position
	hash  []uint64
	index [][]int32
}

// NewPartitioner prepares to split batches of schema by part.
func NewPartitioner(part physical.Partitioning, schema *arrow.Schema) (*Partitioner, error) {
	p := &Partitioner{part: part}
	if part.Kind == physical.Hash {
		if part.N <= 0 {
			return nil, fmt.Errorf("hash partitioning into %d partitions", part.N)
		}
		keys, err := eval.CompileAll(part.Keys, schema)
		if err != nil {
			return nil, err
		}
		p.keys = keys
		p.index = make([][]int32, part.N)
	}
	return p, nil
}

// Partitions is the number of output partitions.
func (p *Partitioner) Partitions() int {
	if p.part.Kind == physical.Hash || p.part.Kind == physical.RoundRobin {
		return p.part.N
	}
	return 1
}

// Split calls emit with each non-empty piece of b and its partition. emit
// takes ownership of the piece.
func (p *Partitioner) Split(mem memory.Allocator, b arrow.RecordBatch, emit func(partition int, piece arrow.RecordBatch)) error {
	switch p.part.Kind {
	case physical.Hash:
	case physical.RoundRobin:
		b.Retain()
		emit(p.next%p.part.N, b)
		p.next++
		return nil
	default:
		b.Retain()
		emit(0, b)
		return nil
	}
	n := int(b.NumRows())
	cols := make([]arrow.Array, len(p.keys))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, k := range p.keys {
		c, err := k.Eval(mem, b)
		if err != nil {
			return err
		}
		cols[i] = c
	}
	if cap(p.hash) < n {
		p.hash = make([]uint64, n)
	}
	h := p.hash[:n]
	hashing.HashArrays(cols, h)
	for i := range p.index {
		p.index[i] = p.index[i][:0]
	}
	parts := uint64(p.part.N)
	for row, v := range h {
		// Mix the high bits in: hash tables downstream use the low ones.
		dst := (v >> 32) % parts
		p.index[dst] = append(p.index[dst], int32(row))
	}
	for dst, idx := range p.index {
		switch len(idx) {
		case 0:
			continue
		case n:
			b.Retain()
			emit(dst, b)
			continue
		}
		piece, err := eval.TakeBatch(mem, b, idx)
		if err != nil {
			return err
		}
		emit(dst, piece)
	}
	return nil
}
