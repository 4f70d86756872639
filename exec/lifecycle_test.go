package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// failingSource returns the batches of its inner source, then fails with
// errInjected after failAfter batches (failAfter < 0: never). It counts
// Opens and Closes.
type failingSource struct {
	inner     Operator
	failAfter int
	sent      int
	closes    int
}

var errInjected = errors.New("injected failure")

func (f *failingSource) Schema() *arrow.Schema          { return f.inner.Schema() }
func (f *failingSource) Open(ctx context.Context) error { return f.inner.Open(ctx) }
func (f *failingSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if f.failAfter >= 0 && f.sent >= f.failAfter {
		return nil, errInjected
	}
	b, err := f.inner.Next(ctx)
	if err == nil {
		f.sent++
	}
	return b, err
}
func (f *failingSource) Close() error { f.closes++; return f.inner.Close() }

// lcSchema is the input of the operators lcOps builds.
var lcSchema = testSchema("k", planner.TypeInt, "s", planner.TypeString, "v", planner.TypeBigInt)

// lcRows makes n rows of lcSchema with repeated and NULL keys.
func lcRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		var k any = i % 5
		if i%7 == 3 {
			k = nil
		}
		rows[i] = []any{k, fmt.Sprintf("s%d", i%11), i}
	}
	return rows
}

// lcOp builds one operator over inputs of lcSchema.
type lcOp struct {
	name   string
	inputs int
	build  func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error)
}

// lcOps lists an instance of every operator over lcSchema inputs.
func lcOps() []lcOp {
	k, v := colRef(lcSchema, 0), colRef(lcSchema, 2)
	pair := arrow.NewSchema(append(append([]arrow.Field(nil), lcSchema.Fields()...), lcSchema.Fields()...), nil)
	gt := &planner.Binary{Op: planner.OpGt, DataType: planner.TypeBoolean, Left: colRef(pair, 2), Right: colRef(pair, 5)}
	ops := []lcOp{
		{"filter", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewFilter(tc, in[0], &planner.Binary{Op: planner.OpGt, DataType: planner.TypeBoolean, Left: v, Right: lit(int64(3), planner.TypeBigInt)})
		}},
		{"project", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewProject(tc, in[0], []planner.Expr{v, k}, []string{"a", "b"})
		}},
		{"limit", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) { return NewLimit(in[0], 3, 20) }},
		{"single row", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewEnforceSingleRow(tc, in[0])
		}},
		{"concat", 2, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) { return NewConcat(in...) }},
		{"sort", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewSort(tc, in[0], []planner.SortKey{{Expr: k}, {Expr: v, Descending: true}}, -1)
		}},
		{"sort spill", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			tc.MemoryBudget = 64
			return NewSort(tc, in[0], []planner.SortKey{{Expr: k}, {Expr: v, Descending: true}}, -1)
		}},
		{"topn", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewSort(tc, in[0], []planner.SortKey{{Expr: v, Descending: true}}, 10)
		}},
		{"aggregate", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashAggregate(tc, in[0], AggSingle, []planner.Expr{k}, []*planner.AggregateCall{
				aggCall(t, planner.AggSum, false, v), aggCall(t, planner.AggMin, false, colRef(lcSchema, 1)),
				aggCall(t, planner.AggCount, true, v)}, aggNames(4))
		}},
		{"window", 1, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return buildWindow(
				winCall(t, planner.WinRowNumber, nil, []planner.Expr{k}, []planner.SortKey{{Expr: v}}, nil),
				winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{v}, nil, []planner.SortKey{{Expr: v, Descending: true}}, rowsFrame(-2, 0, false, false)),
			)(tc, in[0])
		}},
		{"nested loop", 2, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewNestedLoopJoin(tc, in[0], in[1], planner.JoinLeft, gt)
		}},
	}
	for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinLeft, planner.JoinFull, planner.JoinSemi,
		planner.JoinAnti, planner.JoinMark, planner.JoinNullAwareAnti, planner.JoinRightSemi} {
		ops = append(ops, lcOp{"hash join " + typ.String(), 2, func(t *testing.T, tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashJoin(tc, in[0], in[1], HashJoinSpec{Type: typ, LeftKeys: []planner.Expr{k}, RightKeys: []planner.Expr{k}, Filter: gt})
		}})
	}
	return ops
}

// TestLifecycle runs every operator with an input that fails after
// some batches, and closes every operator after reading a part of its
// output: no memory may be left, every input must be closed.
func TestLifecycle(t *testing.T) {
	rows := lcRows(60)
	for _, op := range lcOps() {
		for failIn := -1; failIn < op.inputs; failIn++ {
			for _, failAfter := range []int{0, 1, 4} {
				for _, readBatches := range []int{0, 1, 2, 1000} {
					name := fmt.Sprintf("%s/fail=%d@%d/read=%d", op.name, failIn, failAfter, readBatches)
					if failIn < 0 && failAfter > 0 {
						continue
					}
					t.Run(name, func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						tc := &TaskContext{Mem: mem, BatchSize: 7, TempDir: t.TempDir()}
						srcs := make([]*failingSource, op.inputs)
						ins := make([]Operator, op.inputs)
						for i := range ins {
							fa := -1
							if i == failIn {
								fa = failAfter
							}
							srcs[i] = &failingSource{inner: sourceOf(t, mem, lcSchema, rows, 5), failAfter: fa}
							ins[i] = srcs[i]
						}
						o, err := op.build(t, tc, ins)
						if err != nil {
							t.Fatal(err)
						}
						ctx := context.Background()
						if err := o.Open(ctx); err != nil {
							t.Fatal(err)
						}
						for i := 0; i < readBatches; i++ {
							b, err := o.Next(ctx)
							if err == io.EOF {
								break
							}
							if err != nil {
								if !errors.Is(err, errInjected) && !errors.Is(err, ErrMoreThanOneRow) && !errors.Is(err, errScalarSubquery) {
									t.Errorf("unexpected error %v", err)
								}
								break
							}
							b.Release()
						}
						if err := o.Close(); err != nil {
							t.Errorf("Close: %v", err)
						}
						if err := o.Close(); err != nil {
							t.Errorf("second Close: %v", err)
						}
						for i, s := range srcs {
							if s.closes == 0 {
								t.Errorf("input %d never closed", i)
							}
						}
					})
				}
			}
		}
	}
}

// emptiesSource returns an empty batch (a zero-length slice) before and
// after every batch of its inner source.
type emptiesSource struct {
	Operator
	pending arrow.RecordBatch
	emitted bool
}

func (e *emptiesSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if e.pending != nil {
		b := e.pending
		e.pending = nil
		return b, nil
	}
	if !e.emitted {
		e.emitted = true
		b, err := e.Operator.Next(ctx)
		if err != nil {
			return nil, err
		}
		e.pending = b
		out := b.NewSlice(0, 0)
		return out, nil
	}
	e.emitted = false
	b, err := e.Operator.Next(ctx)
	if err != nil {
		return nil, err
	}
	e.pending = b
	return b.NewSlice(b.NumRows(), b.NumRows()), nil
}

func (e *emptiesSource) Close() error {
	freeBatch(e.pending)
	e.pending = nil
	return e.Operator.Close()
}

// TestEmptyBatches feeds every operator inputs interleaved with
// empty batches: the output must be what it is without them.
func TestEmptyBatches(t *testing.T) {
	for _, n := range []int{1, 60} {
		rows := lcRows(n)
		for _, op := range lcOps() {
			t.Run(fmt.Sprintf("%s/%d rows", op.name, n), func(t *testing.T) {
				run := func(empties bool) ([][]any, error) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					tc := &TaskContext{Mem: mem, BatchSize: 7, TempDir: t.TempDir()}
					ins := make([]Operator, op.inputs)
					for i := range ins {
						ins[i] = sourceOf(t, mem, lcSchema, rows, 5)
						if empties {
							ins[i] = &emptiesSource{Operator: ins[i]}
						}
					}
					o, err := op.build(t, tc, ins)
					if err != nil {
						t.Fatal(err)
					}
					got, err := drain(t, tc, o, false)
					o.Close()
					return got, err
				}
				want, werr := run(false)
				got, gerr := run(true)
				if (werr == nil) != (gerr == nil) {
					t.Fatalf("error %v with empty batches, %v without", gerr, werr)
				}
				if werr == nil {
					if len(got) != len(want) {
						t.Fatalf("got %d rows with empty batches, %d without", len(got), len(want))
					}
					for i := range got {
						if !rowsEqual(got[i], want[i]) {
							t.Fatalf("row %d = %v with empty batches, %v without", i, got[i], want[i])
						}
					}
				}
			})
		}
	}
}

// TestNextAfterError calls Next again after an operator failed (a
// caller is not supposed to, but nothing may leak or panic if it does).
func TestNextAfterError(t *testing.T) {
	big := lit(int64(1<<62), planner.TypeBigInt)
	over := &planner.Binary{Op: planner.OpAdd, DataType: planner.TypeBigInt,
		Left: &planner.Binary{Op: planner.OpAdd, DataType: planner.TypeBigInt, Left: colRef(lcSchema, 2), Right: big}, Right: big}
	builds := map[string]func(tc *TaskContext, in []Operator) (Operator, error){
		"hash join build key": func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashJoin(tc, in[0], in[1], HashJoinSpec{Type: planner.JoinInner, LeftKeys: []planner.Expr{colRef(lcSchema, 2)}, RightKeys: []planner.Expr{over}})
		},
		"hash join probe key": func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashJoin(tc, in[0], in[1], HashJoinSpec{Type: planner.JoinInner, LeftKeys: []planner.Expr{over}, RightKeys: []planner.Expr{colRef(lcSchema, 2)}})
		},
		"aggregate": func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashAggregate(tc, in[0], AggSingle, []planner.Expr{over}, nil, aggNames(1))
		},
		"sort": func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewSort(tc, in[0], []planner.SortKey{{Expr: over}}, -1)
		},
		"topn": func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewSort(tc, in[0], []planner.SortKey{{Expr: over}}, 3)
		},
		"window": func(tc *TaskContext, in []Operator) (Operator, error) {
			return buildWindow(winCall(t, planner.WinRowNumber, nil, nil, []planner.SortKey{{Expr: over}}, nil))(tc, in[0])
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tc := &TaskContext{Mem: mem, BatchSize: 7, TempDir: t.TempDir()}
			rows := lcRows(30)
			ins := []Operator{sourceOf(t, mem, lcSchema, rows, 5), sourceOf(t, mem, lcSchema, rows, 5)}
			defer ins[1].Close() // unused by one-input operators
			op, err := build(tc, ins)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := op.Open(ctx); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				b, err := op.Next(ctx)
				if err == nil {
					b.Release()
				}
			}
			op.Close()
		})
	}
}
