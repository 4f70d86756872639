package exec

import (
	"context"
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/size"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// sortOp sorts all of its input. On the first Next it reads the
// whole input, keeping each batch and the batch's evaluated key columns;
// it then encodes every row's keys once into a normalized key (see
// sort_keys.go), sorts the row indexes by those keys (sort_radix.go), and
// gathers the rows in order into batches of tc.BatchSize rows
// (sort_gather.go).
//
// Past tc.MemoryBudget bytes of input (when tc.TempDir is set) the rows
// held so far are sorted the same way and spilled as a sorted run, and Next
// merges the runs (sort_spill.go).
type sortOp struct {
	tc     *TaskContext
	input  Operator
	keys   []boundExpr
	specs  []keySpec
	loaded bool

	batches []arrow.RecordBatch
	keyCols [][]arrow.Array // keyCols[b][k]: key k of batches[b]
	locate  *rowLocator
	perm    []uint32 // rows in sorted order, numbered across batches
	next    int      // next position in perm to emit
	refs    []rowRef
	gather  *batchGatherer
	held    int64 // bytes of input and keys held, for the budget

	runs []*sortRun // spilled runs, in input order
	heap []*sortRun // runs with rows left, by current key
}

// NewSort sorts all input rows by keys (expressions over the input), in
// order of the keys, honouring each key's direction and NULL placement;
// rows with equal keys keep their input order. With fetch >= 0 it returns
// only the first fetch rows, keeping at most about that many in memory
// (a top-N, see topn.go) instead of sorting everything.
func NewSort(tc *TaskContext, input Operator, keys []planner.SortKey, fetch int64) (Operator, error) {
	if tc == nil || input == nil {
		return nil, errors.New("sort: nil task context or input")
	}
	exprs := make([]planner.Expr, len(keys))
	specs := make([]keySpec, len(keys))
	for i, k := range keys {
		if k.Expr == nil {
			return nil, fmt.Errorf("sort: key %d has no expression", i)
		}
		exprs[i] = k.Expr
		s, err := newKeySpec(k.Expr.Type(), k.Descending, k.NullsFirst)
		if err != nil {
			return nil, fmt.Errorf("sort: key %s: %w", k.Expr, err)
		}
		specs[i] = s
	}
	bound, err := bindExprsFor(tc, exprs, input.Schema())
	if err != nil {
		return nil, fmt.Errorf("sort: %w", err)
	}
	if fetch >= 0 {
		return newTopN(tc, input, bound, specs, fetch), nil
	}
	return &sortOp{tc: tc, input: input, keys: bound, specs: specs}, nil
}

// Schema implements Operator.
func (s *sortOp) Schema() *arrow.Schema { return s.input.Schema() }

// Open implements Operator.
func (s *sortOp) Open(ctx context.Context) error { return s.input.Open(ctx) }

// Next implements Operator.
func (s *sortOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.loaded {
		if err := s.load(ctx); err != nil {
			return nil, err
		}
		s.loaded = true
	}
	if s.runs != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.nextMerged(s.Schema())
		if err == io.EOF {
			s.release()
		}
		return b, err
	}
	if s.next >= len(s.perm) {
		s.release()
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := min(len(s.perm), s.next+max(s.tc.BatchSize, 1))
	s.refs = s.locate.refs(s.perm[s.next:end], s.refs)
	out, err := s.gather.gather(s.tc.Mem, s.refs)
	if err != nil {
		return nil, err
	}
	s.next = end
	return out, nil
}

// load reads the whole input and sorts it.
func (s *sortOp) load(ctx context.Context) error {
	total := 0
	for {
		// Spilling and merging runs is long work of the sort's own: stop
		// for a cancelled query whether or not the input noticed.
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.input.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		keys, err := evalAll(s.tc.Mem, s.keys, b)
		if err != nil {
			b.Release()
			return err
		}
		s.batches = append(s.batches, b)
		s.keyCols = append(s.keyCols, keys)
		total += int(b.NumRows())
		if total >= math.MaxUint32 {
			return fmt.Errorf("sort: more than %d rows in memory in one task", math.MaxUint32-1)
		}
		if s.tc.MemoryBudget > 0 && s.tc.TempDir != "" {
			s.held += size.Batch(b)
			for _, k := range keys {
				s.held += size.Data(k.Data())
			}
			if s.held > s.tc.MemoryBudget {
				if err := s.spill(ctx); err != nil {
					return err
				}
				total = 0
			}
		}
	}
	// The input is exhausted: free what it holds before sorting.
	s.input.Close()
	if s.runs != nil {
		if len(s.batches) > 0 {
			if err := s.spill(ctx); err != nil {
				return err
			}
		}
		return s.startMerge()
	}
	s.locate = newRowLocator(s.batches)
	s.gather = newBatchGatherer(s.Schema(), s.batches)
	s.perm = sortBatches(s.specs, s.keyCols)
	for _, ks := range s.keyCols {
		freeArrays(ks)
	}
	s.keyCols = nil
	return nil
}

// sortBatches returns the sorted order of the rows of key columns
// (keyCols[b][k]: key k of the b-th batch), rows numbered across batches.
func sortBatches(specs []keySpec, keyCols [][]arrow.Array) []uint32 {
	nk, _ := encodeBatches(specs, keyCols, 0)
	return sortKeys(&nk)
}

// encodeBatches encodes the normalized keys of key columns (see
// keyEncoder.encodeSplit). A key column without NULLs in any batch gets no
// NULL indicator byte.
func encodeBatches(specs []keySpec, keyCols [][]arrow.Array, split int) (normKeys, []int) {
	enc := keyEncoder{specs: append([]keySpec(nil), specs...)}
	for k := range enc.specs {
		if enc.specs[k].kind == kindNull {
			continue
		}
		nulls := false
		for _, ks := range keyCols {
			if ks[k].NullN() > 0 {
				nulls = true
				break
			}
		}
		enc.specs[k].nullByte = nulls
	}
	return enc.encodeSplit(keyCols, split)
}

func (s *sortOp) release() {
	s.releaseHeld()
	s.gather = nil
	s.perm = nil
	s.closeRuns()
}

// releaseHeld releases the input batches and keys held.
func (s *sortOp) releaseHeld() {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches = nil
	for _, ks := range s.keyCols {
		freeArrays(ks)
	}
	s.keyCols = nil
	s.held = 0
}

// Close implements Operator.
func (s *sortOp) Close() error {
	s.release()
	s.loaded = true
	return s.input.Close()
}

var _ Operator = (*sortOp)(nil)
