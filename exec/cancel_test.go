package exec

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// runCancelled runs op until it returns, cancelling its context after a
// short while, and fails when it does not stop promptly.
func runCancelled(t *testing.T, tc *TaskContext, op Operator) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	var err error
	for {
		b, e := op.Next(ctx)
		if e != nil {
			err = e
			break
		}
		b.Release()
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Next returned %v only %v after the cancellation", err, took)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestCancelJoinWithoutOutput: a nested loop semi join whose
// condition never holds produces nothing for a long time; it must still
// notice a cancelled query.
func TestCancelJoinWithoutOutput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tc := &TaskContext{Mem: mem, BatchSize: 256}
	pair := testSchema("a", planner.TypeBigInt, "b", planner.TypeBigInt)
	never := &planner.Binary{Op: planner.OpLt, DataType: planner.TypeBoolean, Left: colRef(pair, 0), Right: colRef(pair, 1)}
	one := testSchema("a", planner.TypeBigInt)
	var left, right [][]any
	for i := 0; i < 4096; i++ {
		left = append(left, []any{1_000_000})
	}
	for i := 0; i < 20000; i++ {
		right = append(right, []any{i})
	}
	for _, typ := range []planner.JoinType{planner.JoinSemi, planner.JoinAnti} {
		op, err := NewNestedLoopJoin(tc, sourceOf(t, mem, one, left, 4096), sourceOf(t, mem, one, right, 4096), typ, never)
		if err != nil {
			t.Fatal(err)
		}
		runCancelled(t, tc, op)
		op.Close()
	}
}

// ctxBlindSource is a source that never looks at its context, as a slow
// upstream computation might not.
type ctxBlindSource struct{ Operator }

func (s ctxBlindSource) Next(context.Context) (arrow.RecordBatch, error) {
	return s.Operator.Next(context.Background())
}

// TestCancelSortSpill: a sort spilling and merging runs (work that can
// take long on large inputs) must stop on a cancelled context even when
// its input does not.
func TestCancelSortSpill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tc := &TaskContext{Mem: mem, BatchSize: 1, TempDir: t.TempDir(), MemoryBudget: 1}
	in := ctxBlindSource{sourceOf(t, mem, lcSchema, lcRows(200), 1)}
	op, err := NewSort(tc, in, []planner.SortKey{{Expr: colRef(lcSchema, 2), Descending: true}}, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := op.Next(ctx)
	if err == nil {
		b.Release()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Next = %v, want context.Canceled", err)
	}
}
