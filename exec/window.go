package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// windowOp evaluates window functions over all the rows of its task (the
// planner hash-partitions the input by PARTITION BY keys first, so every
// partition is whole here).
//
// The calls are grouped by their (PARTITION BY, ORDER BY) specification.
// For each group the rows are sorted once by the partition keys then the
// order keys (with the normalized keys and radix sort of the sort
// operator), partition and peer boundaries are found by comparing adjacent
// keys, and each call of the group is computed over the sorted rows in one
// pass (window_rank.go, window_agg.go). The output is the input columns
// then one column per call, rows in the order of the last group's sort;
// the results of the other groups are permuted into that order.
type windowOp struct {
	tc     *TaskContext
	input  Operator
	schema *arrow.Schema
	groups []*windowGroup
	calls  []*windowCall
	loaded bool

	batches []arrow.RecordBatch
	gather  *batchGatherer
	locate  *rowLocator
	order   []uint32        // output order of the input rows
	results []arrow.Array   // per call, n rows in output order
	layouts []*windowLayout // per group, while loading
	next    int
	refs    []rowRef
}

// windowGroup is the calls sharing one (PARTITION BY, ORDER BY).
type windowGroup struct {
	keys     []boundExpr // partition keys, then order keys
	specs    []keySpec
	nPart    int // number of partition keys
	hasOrder bool
	calls    []*windowCall
	keyCols  [][]arrow.Array // per batch, while loading
}

// windowCall is one window function being computed.
type windowCall struct {
	call  *planner.WindowCall
	index int // position among the operator's calls
	args  []boundExpr
	frame frameSpec
	// offset is lag/lead's row offset (positive: lead's direction).
	offset  int64
	argCols [][]arrow.Array // per batch, per arg, while loading
	group   int             // index of its group in windowOp.groups
}

// NewWindow appends to input's columns one column per window function,
// named by names (planner.NewWindow's schema).
func NewWindow(tc *TaskContext, input Operator, funcs []*planner.WindowCall, names []string) (Operator, error) {
	if tc == nil || input == nil {
		return nil, errors.New("window: nil task context or input")
	}
	if len(funcs) != len(names) {
		return nil, fmt.Errorf("window: %d functions but %d names", len(funcs), len(names))
	}
	in := input.Schema()
	fields := append([]arrow.Field(nil), in.Fields()...)
	w := &windowOp{tc: tc, input: input}
	byKey := map[string]*windowGroup{}
	var order []string
	for i, f := range funcs {
		if f == nil {
			return nil, fmt.Errorf("window: function %d is nil", i)
		}
		fields = append(fields, arrow.Field{Name: names[i], Type: f.Type(), Nullable: f.Nullable()})
		c, err := newWindowCall(f, i, in)
		if err != nil {
			return nil, fmt.Errorf("window: %s: %w", f, err)
		}
		w.calls = append(w.calls, c)
		key := windowSpecKey(f)
		g := byKey[key]
		if g == nil {
			if g, err = newWindowGroup(f, in); err != nil {
				return nil, fmt.Errorf("window: %s: %w", f, err)
			}
			byKey[key] = g
			order = append(order, key)
		}
		g.calls = append(g.calls, c)
	}
	for _, k := range order {
		w.groups = append(w.groups, byKey[k])
	}
	w.schema = arrow.NewSchema(fields, nil)
	return w, nil
}

// windowSpecKey identifies a call's (PARTITION BY, ORDER BY).
func windowSpecKey(f *planner.WindowCall) string {
	var sb strings.Builder
	for _, e := range f.PartitionBy {
		sb.WriteString(e.String())
		sb.WriteByte(0)
	}
	sb.WriteByte(1)
	for _, k := range f.OrderBy {
		sb.WriteString(k.String())
		sb.WriteByte(0)
	}
	return sb.String()
}

func newWindowGroup(f *planner.WindowCall, in *arrow.Schema) (*windowGroup, error) {
	g := &windowGroup{nPart: len(f.PartitionBy), hasOrder: len(f.OrderBy) > 0}
	exprs := append([]planner.Expr(nil), f.PartitionBy...)
	for _, e := range f.PartitionBy {
		// Partitions only need to be contiguous; any order will do.
		s, err := newKeySpec(e.Type(), false, true)
		if err != nil {
			return nil, fmt.Errorf("partition key %s: %w", e, err)
		}
		g.specs = append(g.specs, s)
	}
	for _, k := range f.OrderBy {
		s, err := newKeySpec(k.Expr.Type(), k.Descending, k.NullsFirst)
		if err != nil {
			return nil, fmt.Errorf("order key %s: %w", k.Expr, err)
		}
		g.specs = append(g.specs, s)
		exprs = append(exprs, k.Expr)
	}
	keys, err := bindExprs(exprs, in)
	if err != nil {
		return nil, err
	}
	g.keys = keys
	return g, nil
}

// Schema implements Operator.
func (w *windowOp) Schema() *arrow.Schema { return w.schema }

// Open implements Operator.
func (w *windowOp) Open(ctx context.Context) error { return w.input.Open(ctx) }

// Next implements Operator.
func (w *windowOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !w.loaded {
		err := w.load(ctx)
		w.loaded = true
		if err != nil {
			w.release()
			return nil, err
		}
	}
	if w.next >= len(w.order) {
		w.release()
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := min(len(w.order), w.next+max(w.tc.BatchSize, 1))
	w.refs = w.locate.refs(w.order[w.next:end], w.refs)
	in, err := w.gather.gather(w.tc.Mem, w.refs)
	if err != nil {
		return nil, err
	}
	cols := make([]arrow.Array, 0, w.schema.NumFields())
	cols = append(cols, in.Columns()...)
	for _, r := range w.results {
		cols = append(cols, sliceArray(r, w.next, end))
	}
	out := newBatch(w.schema, cols, end-w.next)
	for _, c := range cols[in.NumCols():] {
		c.Release()
	}
	in.Release()
	w.next = end
	return out, nil
}

// load reads all input, evaluating keys and arguments batch by batch, then
// computes every call.
func (w *windowOp) load(ctx context.Context) error {
	total := 0
	for {
		b, err := w.input.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		w.batches = append(w.batches, b)
		total += int(b.NumRows())
		if total >= math.MaxUint32 {
			return fmt.Errorf("window: more than %d rows in one task", math.MaxUint32-1)
		}
		for _, g := range w.groups {
			ks, err := evalAll(w.tc.Mem, g.keys, b)
			if err != nil {
				return err
			}
			g.keyCols = append(g.keyCols, ks)
		}
		for _, c := range w.calls {
			as, err := evalAll(w.tc.Mem, c.args, b)
			if err != nil {
				return err
			}
			c.argCols = append(c.argCols, as)
		}
	}
	w.input.Close()
	w.locate = newRowLocator(w.batches)
	w.gather = newBatchGatherer(w.input.Schema(), w.batches)
	n := w.locate.rows()
	w.results = make([]arrow.Array, len(w.calls))
	var last *windowLayout
	for gi, g := range w.groups {
		lay := g.layout(n, w.locate)
		g.freeKeys()
		for _, c := range g.calls {
			res, err := w.compute(c, lay)
			c.freeArgs()
			if err != nil {
				return err
			}
			w.results[c.index] = res
			c.group = gi
		}
		last = lay
		if gi < len(w.groups)-1 {
			lay.refs = nil // keep only perm for reorder
		}
		w.layouts = append(w.layouts, lay)
	}
	if last == nil { // no calls: keep input order
		last = &windowLayout{n: n, perm: identity(n)}
	}
	w.order = last.perm
	err := w.reorder()
	w.layouts = nil
	return err
}

// reorder permutes the results of every group but the last, computed in
// their group's sort order, into the output order (the last group's).
func (w *windowOp) reorder() error {
	if len(w.layouts) < 2 {
		return nil
	}
	out := w.layouts[len(w.layouts)-1]
	inv := make([]uint32, out.n)
	refs := make([]rowRef, out.n)
	for gi, lay := range w.layouts[:len(w.layouts)-1] {
		// Input row r sits at inv[r] in this group's order.
		for i, r := range lay.perm {
			inv[r] = uint32(i)
		}
		for j, r := range out.perm {
			refs[j] = rowRef(inv[r])
		}
		for _, c := range w.calls {
			if c.group != gi {
				continue
			}
			res := w.results[c.index]
			moved, err := gatherArray(w.tc.Mem, res.DataType(), []arrow.Array{res}, refs)
			if err != nil {
				return err
			}
			res.Release()
			w.results[c.index] = moved
		}
	}
	return nil
}

func identity(n int) []uint32 {
	p := make([]uint32, n)
	for i := range p {
		p[i] = uint32(i)
	}
	return p
}

func (g *windowGroup) freeKeys() {
	for _, ks := range g.keyCols {
		freeArrays(ks)
	}
	g.keyCols = nil
}

func (c *windowCall) freeArgs() {
	for _, as := range c.argCols {
		freeArrays(as)
	}
	c.argCols = nil
}

func (w *windowOp) release() {
	for _, b := range w.batches {
		b.Release()
	}
	w.batches = nil
	w.gather = nil
	for _, g := range w.groups {
		g.freeKeys()
	}
	for _, c := range w.calls {
		c.freeArgs()
	}
	freeArrays(w.results)
	w.results = nil
	w.order = nil
}

// Close implements Operator.
func (w *windowOp) Close() error {
	w.release()
	w.loaded = true
	return w.input.Close()
}

var _ Operator = (*windowOp)(nil)
