package cluster

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
)

// numbers is a table of n rows (k = i % 10, v = i) in 4 partitions.
func numbers(t *testing.T, mem memory.Allocator, n int) *catalog.MemTable {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	var batches []arrow.RecordBatch
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i % 10))
		b.Field(1).(*array.Int64Builder).Append(int64(i))
		if (i+1)%100 == 0 || i == n-1 {
			batches = append(batches, b.NewRecordBatch())
		}
	}
	tbl := catalog.NewMemTable(schema, batches, 4)
	for _, x := range batches {
		x.Release()
	}
	return tbl
}

func stagesOf(t *testing.T, plan planner.Node) *physical.StagePlan {
	t.Helper()
	phys, err := physical.Plan(context.Background(), plan, physical.Config{
		ShufflePartitions: 3, MaxScanPartitions: 4, BroadcastRows: 10, PartialSchema: exec.PartialSchema,
	})
	if err != nil {
		t.Fatal(err)
	}
	return physical.SplitStages(phys)
}

func col(n planner.Node, i int) *planner.Column { return planner.ColumnRef(n, i) }

// drain reads a stream (in-process or from a master) to the end and
// returns the rows' first two int64 columns.
func drain(t *testing.T, rs interface {
	Next(context.Context) (arrow.RecordBatch, error)
}) ([][2]int64, error) {
	t.Helper()
	var out [][2]int64
	for {
		b, err := rs.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		a0, a1 := b.Column(0).(*array.Int64), b.Column(1).(*array.Int64)
		for i := 0; i < a0.Len(); i++ {
			out = append(out, [2]int64{a0.Value(i), a1.Value(i)})
		}
		b.Release()
	}
}

// TestLocalSchedulerTwoPhaseAggregate runs scan → partial aggregate →
// hash exchange → final aggregate → single exchange → sort over several
// stages and tasks, and checks the sums.
func TestLocalSchedulerTwoPhaseAggregate(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tbl := numbers(t, mem, 1000)
	defer tbl.Release()
	scan := planner.NewScan("numbers", tbl, nil)
	sum := &planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{col(scan, 1)}, DataType: planner.TypeBigInt}
	agg := planner.NewAggregate(scan, []planner.Expr{col(scan, 0)}, []*planner.AggregateCall{sum}, []string{"k", "s"})
	sorted := &planner.Sort{Input: agg, Keys: []planner.SortKey{{Expr: col(agg, 0)}}, Fetch: -1}
	sp := stagesOf(t, sorted)
	if len(sp.Stages) < 3 {
		t.Fatalf("expected several stages, got:\n%s", sp)
	}
	s := &LocalScheduler{Slots: 2}
	rs := s.Run(context.Background(), sp, mem, nil)
	rows, err := drain(t, rs)
	rs.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10 {
		t.Fatalf("got %d groups, want 10", len(rows))
	}
	for k, r := range rows {
		// sum of i < 1000 with i % 10 == k: 100 values k, k+10, ..., k+990.
		want := int64(100*k + 10*(99*100/2))
		if r[0] != int64(k) || r[1] != want {
			t.Fatalf("group %d = %v, want [%d %d]", k, r, k, want)
		}
	}
}

// TestLocalSchedulerTaskError checks that a failing task fails the query
// with its error and that nothing is left running or allocated.
func TestLocalSchedulerTaskError(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tbl := numbers(t, mem, 1000)
	defer tbl.Release()
	scan := planner.NewScan("numbers", tbl, nil)
	zero := &planner.Literal{Value: int64(0), DataType: planner.TypeBigInt}
	// v % (k - k) divides by zero on every row.
	div := &planner.Binary{Op: planner.OpMod, Left: col(scan, 1),
		Right: &planner.Binary{Op: planner.OpMul, Left: col(scan, 0), Right: zero, DataType: planner.TypeBigInt}, DataType: planner.TypeBigInt}
	proj := planner.NewProject(scan, []planner.Expr{col(scan, 0), div}, []string{"k", "bad"})
	s := &LocalScheduler{Slots: 2}
	rs := s.Run(context.Background(), stagesOf(t, proj), mem, nil)
	_, err := drain(t, rs)
	rs.Close()
	if err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("got error %v, want division by zero", err)
	}
}

// TestLocalSchedulerCancel cancels the query's context after the first
// batch: the stream reports the cancellation and Close stops every task.
func TestLocalSchedulerCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tbl := numbers(t, mem, 5000)
	defer tbl.Release()
	scan := planner.NewScan("numbers", tbl, nil)
	ctx, cancel := context.WithCancel(context.Background())
	s := &LocalScheduler{Slots: 2, BatchSize: 10}
	rs := s.Run(ctx, stagesOf(t, scan), mem, nil)
	b, err := rs.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	cancel()
	for {
		b, err = rs.Next(ctx)
		if err != nil {
			break
		}
		b.Release()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v, want context.Canceled", err)
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
}
