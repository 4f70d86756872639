package physical

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// sizedTable is a table of a given row count in a given number of splits;
// only planning reads it.
type sizedTable struct {
	rows   int64
	splits int
}

var sizedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

func (t sizedTable) Schema() *arrow.Schema { return sizedSchema }
func (t sizedTable) Statistics() catalog.Statistics {
	return catalog.Statistics{Rows: t.rows, Bytes: 16 * t.rows}
}
func (t sizedTable) Splits(context.Context, catalog.ScanRequest) ([]catalog.Split, error) {
	out := make([]catalog.Split, t.splits)
	for i := range out {
		out[i] = catalog.Split{Index: i, Rows: -1, Bytes: -1}
	}
	return out, nil
}
func (t sizedTable) Open(context.Context, catalog.Split, catalog.ScanRequest, memory.Allocator, int) (catalog.BatchReader, error) {
	return nil, nil
}

func scanOf(name string, rows int64, splits int) *planner.Scan {
	return planner.NewScan(name, sizedTable{rows: rows, splits: splits}, nil)
}

// keysEqual is left.k = right.k over a join of left and right.
func keysEqual(left, right planner.Node) planner.Expr {
	r := planner.ShiftColumns(planner.ColumnRef(right, 0), left.Schema().NumFields())
	return &planner.Binary{Op: planner.OpEq, Left: planner.ColumnRef(left, 0), Right: r, DataType: planner.TypeBoolean}
}

func planOf(t *testing.T, n planner.Node) (Node, string) {
	t.Helper()
	p, err := Plan(context.Background(), n, Config{ShufflePartitions: 4, MaxScanPartitions: 8, BroadcastRows: 1000,
		PartialSchema: func(g []planner.Expr, a []*planner.AggregateCall) *arrow.Schema { return sizedSchema }})
	if err != nil {
		t.Fatal(err)
	}
	return p, Format(p)
}

func TestTwoPhaseAggregate(t *testing.T) {
	scan := scanOf("facts", 1e6, 6)
	sum := &planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{planner.ColumnRef(scan, 1)}, DataType: planner.TypeBigInt}
	agg := planner.NewAggregate(scan, []planner.Expr{planner.ColumnRef(scan, 0)}, []*planner.AggregateCall{sum}, []string{"k", "s"})
	p, text := planOf(t, agg)
	for _, want := range []string{"HashAggregate(final)", "Exchange: hash(", "HashAggregate(partial)", "partitions=6"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	if got := len(SplitStages(p).Stages); got != 2 {
		t.Errorf("%d stages, want 2 (one exchange):\n%s", got, text)
	}
	// A DISTINCT aggregate runs in one phase after the exchange.
	distinct := *sum
	distinct.Distinct = true
	agg = planner.NewAggregate(scan, []planner.Expr{planner.ColumnRef(scan, 0)}, []*planner.AggregateCall{&distinct}, []string{"k", "s"})
	_, text = planOf(t, agg)
	if !strings.Contains(text, "HashAggregate(single)") || strings.Contains(text, "partial") {
		t.Errorf("DISTINCT aggregate plan:\n%s", text)
	}
}

func TestJoinDistribution(t *testing.T) {
	big, big2, small := scanOf("big", 1e6, 4), scanOf("big2", 5e5, 4), scanOf("small", 100, 1)
	split, mid := scanOf("split", 500, 3), scanOf("mid", 50_000, 1)
	cases := []struct {
		name  string
		join  *planner.Join
		wants []string
		// stages is the number of stages the plan must have (0: any).
		stages int
	}{
		{"a tiny one-partition build side is read in the probe stage", planner.NewJoin(big, small, planner.JoinInner, keysEqual(big, small)),
			[]string{"HashJoin(Inner, broadcast)", "Scan: small"}, 1},
		{"a small build side of several partitions is broadcast", planner.NewJoin(big, split, planner.JoinInner, keysEqual(big, split)),
			[]string{"HashJoin(Inner, broadcast)", "Exchange: broadcast"}, 2},
		{"a one-partition build side past the in-stage limit is broadcast", planner.NewJoin(big, mid, planner.JoinNullAwareAnti, keysEqual(big, mid)),
			[]string{"HashJoin(NullAwareAnti, broadcast)", "Exchange: broadcast"}, 2},
		{"two large sides are hash-partitioned", planner.NewJoin(big, big2, planner.JoinInner, keysEqual(big, big2)),
			[]string{"HashJoin(Inner, partitioned)", "Exchange: hash(k#0, 4)"}, 0},
		{"a right join becomes a left join", planner.NewJoin(small, big, planner.JoinRight, keysEqual(small, big)),
			[]string{"Project:", "HashJoin(Left,"}, 0},
		{"NOT IN is broadcast whatever its size", planner.NewJoin(big, big2, planner.JoinNullAwareAnti, keysEqual(big, big2)),
			[]string{"HashJoin(NullAwareAnti, broadcast)"}, 0},
		{"a semi join builds on its much smaller left side", planner.NewJoin(small, big, planner.JoinSemi, keysEqual(small, big)),
			[]string{"HashJoin(RightSemi, partitioned)"}, 0},
		{"a full join is never broadcast", planner.NewJoin(big, small, planner.JoinFull, keysEqual(big, small)),
			[]string{"HashJoin(Full, partitioned)"}, 0},
		{"no equality: a nested loop join over a broadcast", planner.NewJoin(big, small, planner.JoinInner, nil),
			[]string{"NestedLoopJoin(Inner, broadcast)"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, text := planOf(t, c.join)
			for _, w := range c.wants {
				if !strings.Contains(text, w) {
					t.Errorf("plan lacks %q:\n%s", w, text)
				}
			}
			if !sameFieldTypes(p.Schema(), c.join.Schema()) {
				t.Errorf("physical schema %s differs from the logical %s", p.Schema(), c.join.Schema())
			}
			if n := len(SplitStages(p).Stages); c.stages > 0 && n != c.stages {
				t.Errorf("%d stages, want %d:\n%s", n, c.stages, text)
			}
		})
	}
}

func sameFieldTypes(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}
