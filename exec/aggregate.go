package exec

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/exec/hashing"
	"github.com/ember-sql/ember/planner"
)

// AggregateMode says what a hash aggregation reads and writes, for
// aggregating in one step or in two (partial aggregates per input
// partition, shuffled by group key, then merged).
type AggregateMode int

const (
	// AggSingle turns raw rows into final values.
	AggSingle AggregateMode = iota
	// AggPartial turns raw rows into partial states (PartialSchema).
	AggPartial
	// AggFinal merges partial states into final values.
	AggFinal
)

func (m AggregateMode) String() string {
	switch m {
	case AggSingle:
		return "single"
	case AggPartial:
		return "partial"
	case AggFinal:
		return "final"
	}
	return fmt.Sprintf("AggregateMode(%d)", int(m))
}

var errDistinctMerge = errors.New("DISTINCT aggregates run in one step (AggSingle) only")

// hashAggregate groups its whole input in a hash table at the first Next,
// then returns one row per group in batches of tc.BatchSize rows.
type hashAggregate struct {
	tc     *TaskContext
	input  Operator
	mode   AggregateMode
	schema *arrow.Schema

	keys  []boundExpr // group keys over the input (AggFinal: its first columns)
	args  []boundExpr // the distinct argument expressions of all aggregates
	calls []*planner.AggregateCall
	// argOf[i] lists, for aggregate i, its inputs: indexes into args, or
	// (AggFinal) the input columns holding its state.
	argOf [][]int
	aggs  []aggregator

	table  *hashing.Table // nil without GROUP BY: every row is in group 0
	groups []uint32
	n      int // groups found
	next   int // next group to output
	built  bool
	closed bool
}

// NewHashAggregate groups input. groupBy and aggs are expressions over the
// input schema. In AggFinal mode the input is AggPartial's output: group
// keys are its first len(groupBy) columns, followed by each aggregate's
// state columns in order, and groupBy and aggs only give types and
// functions. The output is the group columns then one column per aggregate
// (AggPartial: its state columns), named by names in AggSingle and
// AggFinal mode. Without groupBy, AggSingle and AggFinal output exactly
// one row even for an empty input (counts 0, other aggregates NULL).
//
// DISTINCT aggregates need AggSingle. The hash table and the aggregate
// states live in Go memory; output arrays come from tc.Mem.
func NewHashAggregate(tc *TaskContext, input Operator, mode AggregateMode, groupBy []planner.Expr, aggs []*planner.AggregateCall, names []string) (Operator, error) {
	if tc == nil || input == nil {
		return nil, errors.New("hash aggregate: nil task context or input")
	}
	if mode < AggSingle || mode > AggFinal {
		return nil, fmt.Errorf("hash aggregate: unknown mode %d", mode)
	}
	for i, g := range groupBy {
		if g == nil {
			return nil, fmt.Errorf("hash aggregate: group key %d is nil", i)
		}
	}
	for i, c := range aggs {
		if c == nil {
			return nil, fmt.Errorf("hash aggregate: aggregate %d is nil", i)
		}
	}
	a := &hashAggregate{tc: tc, input: input, mode: mode, calls: aggs}
	switch mode {
	case AggPartial:
		a.schema = PartialSchema(groupBy, aggs)
	default:
		if len(names) != len(groupBy)+len(aggs) {
			return nil, fmt.Errorf("hash aggregate: %d names for %d columns", len(names), len(groupBy)+len(aggs))
		}
		fields := make([]arrow.Field, 0, len(names))
		for i, g := range groupBy {
			fields = append(fields, arrow.Field{Name: names[i], Type: g.Type(), Nullable: g.Nullable()})
		}
		for i, c := range aggs {
			fields = append(fields, arrow.Field{Name: names[len(groupBy)+i], Type: c.DataType, Nullable: c.Nullable()})
		}
		a.schema = arrow.NewSchema(fields, nil)
	}
	in := input.Schema()
	if mode == AggFinal {
		if err := a.bindFinal(in, groupBy); err != nil {
			return nil, err
		}
	} else {
		var err error
		if a.keys, err = bindExprsFor(tc, groupBy, in); err != nil {
			return nil, fmt.Errorf("hash aggregate: group key: %w", err)
		}
		if err := a.bindArgs(in); err != nil {
			return nil, err
		}
	}
	for _, c := range aggs {
		agg, err := newAggregator(tc, c)
		if err != nil {
			return nil, fmt.Errorf("hash aggregate: %w", err)
		}
		if c.Distinct && mode != AggSingle {
			return nil, fmt.Errorf("hash aggregate: %s in %s mode: %w", c, mode, errDistinctMerge)
		}
		a.aggs = append(a.aggs, agg)
	}
	if len(groupBy) > 0 {
		types := make([]arrow.DataType, len(groupBy))
		for i, g := range groupBy {
			types[i] = g.Type()
		}
		t, err := hashing.NewTable(types, nil)
		if err != nil {
			return nil, fmt.Errorf("hash aggregate: %w", err)
		}
		a.table = t
	}
	return a, nil
}

// bindArgs compiles the aggregates' arguments, each distinct expression
// once (sum(x) and avg(x) read x once per batch).
func (a *hashAggregate) bindArgs(in *arrow.Schema) error {
	seen := map[string]int{}
	var exprs []planner.Expr
	for _, c := range a.calls {
		if err := checkArity(c); err != nil {
			return err
		}
		idx := make([]int, len(c.Args))
		for j, arg := range c.Args {
			key := arg.String() + "\x00" + arg.Type().String()
			k, ok := seen[key]
			if !ok {
				k = len(exprs)
				seen[key] = k
				exprs = append(exprs, arg)
			}
			idx[j] = k
		}
		a.argOf = append(a.argOf, idx)
	}
	var err error
	if a.args, err = bindExprsFor(a.tc, exprs, in); err != nil {
		return fmt.Errorf("hash aggregate: argument: %w", err)
	}
	return nil
}

// bindFinal checks that the input is the partial output for these keys and
// aggregates and records where each aggregate's state columns are.
func (a *hashAggregate) bindFinal(in *arrow.Schema, groupBy []planner.Expr) error {
	want := PartialSchema(groupBy, a.calls)
	if in.NumFields() != want.NumFields() {
		return fmt.Errorf("hash aggregate: final input has %d columns, partial states have %d", in.NumFields(), want.NumFields())
	}
	for i, f := range want.Fields() {
		if got := in.Field(i).Type; !arrow.TypeEqual(got, f.Type) {
			return fmt.Errorf("hash aggregate: final input column %d is %s, partial state %s is %s", i, planner.TypeName(got), f.Name, planner.TypeName(f.Type))
		}
	}
	keys := make([]planner.Expr, len(groupBy))
	for i, g := range groupBy {
		keys[i] = &planner.Column{Index: i, Name: in.Field(i).Name, DataType: g.Type(), Null: true}
	}
	var err error
	if a.keys, err = bindExprs(keys, in); err != nil {
		return fmt.Errorf("hash aggregate: %w", err)
	}
	col := len(groupBy)
	for _, c := range a.calls {
		if err := checkArity(c); err != nil {
			return err
		}
		n := len(aggStateTypes(c))
		idx := make([]int, n)
		for j := range idx {
			idx[j] = col + j
		}
		col += n
		a.argOf = append(a.argOf, idx)
	}
	return nil
}

// checkArity rejects aggregate calls with the wrong number of arguments.
func checkArity(c *planner.AggregateCall) error {
	switch {
	case c.Func == planner.AggCountStar && len(c.Args) != 0:
		return fmt.Errorf("hash aggregate: %s takes no arguments", c)
	case c.Func == planner.AggCount && len(c.Args) == 0:
		return fmt.Errorf("hash aggregate: %s needs an argument", c)
	case c.Func != planner.AggCountStar && c.Func != planner.AggCount && len(c.Args) != 1:
		return fmt.Errorf("hash aggregate: %s takes one argument", c)
	}
	return nil
}

// Schema implements Operator.
func (a *hashAggregate) Schema() *arrow.Schema { return a.schema }

// Open implements Operator.
func (a *hashAggregate) Open(ctx context.Context) error { return a.input.Open(ctx) }

// Next implements Operator.
func (a *hashAggregate) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if a.closed {
		return nil, io.EOF
	}
	if !a.built {
		if err := a.consume(ctx); err != nil {
			return nil, err
		}
		a.built = true
	}
	if a.next >= a.n {
		a.release()
		return nil, io.EOF
	}
	from := a.next
	to := min(a.n, from+max(1, a.tc.BatchSize))
	out, err := a.output(from, to)
	if err != nil {
		return nil, err
	}
	a.next = to
	return out, nil
}

// consume reads the whole input into the hash table and the states.
// Without GROUP BY there is exactly one group, even for an empty input; a
// partial aggregate then yields its row too, which merges as nothing.
func (a *hashAggregate) consume(ctx context.Context) error {
	if a.table == nil {
		a.n = 1
		a.growStates()
	}
	for {
		b, err := a.input.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		err = a.add(b)
		b.Release()
		if err != nil {
			return err
		}
	}
}

func (a *hashAggregate) growStates() {
	for _, agg := range a.aggs {
		agg.grow(a.n)
	}
}

// add folds one input batch into the groups.
func (a *hashAggregate) add(b arrow.RecordBatch) error {
	rows := int(b.NumRows())
	if rows == 0 {
		return nil
	}
	a.groups = aggGrowSlice(a.groups[:0], rows)
	groups := a.groups
	if a.table != nil {
		keys, err := evalAll(a.tc.Mem, a.keys, b)
		if err != nil {
			return err
		}
		err = a.table.Insert(keys, groups)
		freeArrays(keys)
		if err != nil {
			return fmt.Errorf("hash aggregate: %w", err)
		}
		a.n = a.table.Len()
		a.growStates()
	} else {
		clear(groups)
	}
	if a.mode == AggFinal {
		cols := b.Columns()
		for i, agg := range a.aggs {
			states := make([]arrow.Array, len(a.argOf[i]))
			for j, c := range a.argOf[i] {
				states[j] = cols[c]
			}
			if err := agg.merge(states, groups); err != nil {
				return err
			}
		}
		return nil
	}
	vals, err := evalAll(a.tc.Mem, a.args, b)
	if err != nil {
		return err
	}
	defer freeArrays(vals)
	for i, agg := range a.aggs {
		args := make([]arrow.Array, len(a.argOf[i]))
		for j, k := range a.argOf[i] {
			args[j] = vals[k]
		}
		if err := agg.update(args, groups); err != nil {
			return err
		}
	}
	return nil
}

// output builds the rows of groups [from, to).
func (a *hashAggregate) output(from, to int) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, 0, a.schema.NumFields())
	fail := func(err error) (arrow.RecordBatch, error) {
		freeArrays(cols)
		return nil, err
	}
	if a.table != nil {
		keys, err := a.table.Keys(a.tc.Mem, from, to)
		if err != nil {
			return fail(err)
		}
		cols = append(cols, keys...)
	}
	for _, agg := range a.aggs {
		if a.mode == AggPartial {
			states, err := agg.partial(a.tc.Mem, from, to)
			if err != nil {
				return fail(err)
			}
			cols = append(cols, states...)
			continue
		}
		v, err := agg.final(a.tc.Mem, from, to)
		if err != nil {
			return fail(err)
		}
		cols = append(cols, v)
	}
	out := array.NewRecordBatch(a.schema, cols, int64(to-from))
	freeArrays(cols)
	return out, nil
}

// release drops the hash table and states once all groups are out.
func (a *hashAggregate) release() {
	a.table = nil
	a.aggs = nil
	a.groups = nil
	a.n, a.next = 0, 0
}

// Close implements Operator.
func (a *hashAggregate) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	a.release()
	return a.input.Close()
}

// MemSize is the number of bytes of Go memory the hash table and states
// hold (Arrow output memory is accounted by tc.Mem).
func (a *hashAggregate) MemSize() int {
	n := 4 * cap(a.groups)
	if a.table != nil {
		n += a.table.Size()
	}
	for _, agg := range a.aggs {
		n += agg.size()
	}
	return n
}

var _ Operator = (*hashAggregate)(nil)
