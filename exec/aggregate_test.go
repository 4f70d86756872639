package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// aggCall builds an aggregate call with the result type the binder gives.
func aggCall(t testing.TB, fn planner.AggFunc, distinct bool, args ...planner.Expr) *planner.AggregateCall {
	t.Helper()
	c := &planner.AggregateCall{Func: fn, Args: args, Distinct: distinct}
	var err error
	switch fn {
	case planner.AggCountStar, planner.AggCount:
		c.DataType = planner.TypeBigInt
	case planner.AggSum:
		c.DataType, err = planner.SumType(args[0].Type())
	case planner.AggAvg:
		c.DataType, err = planner.AvgType(args[0].Type())
	default:
		c.DataType = args[0].Type()
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func aggNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	return names
}

// aggInput is the table most aggregate tests read:
// k VARCHAR, n INT, i BIGINT, d DECIMAL(12,2), f DOUBLE, s VARCHAR, dt DATE.
var aggSchema = testSchema("k", planner.TypeString, "n", planner.TypeInt, "i", planner.TypeBigInt,
	"d", planner.Decimal(12, 2), "f", planner.TypeDouble, "s", planner.TypeString, "dt", planner.TypeDate)

var aggRows = [][]any{
	{"a", 1, 10, "1.10", 1.5, "pear", "2020-01-31"},
	{"b", 2, 20, "2.20", 2.5, "apple", "2021-02-28"},
	{"a", 3, nil, "3.30", nil, "fig", nil},
	{nil, 4, 40, nil, 4.0, nil, "1999-12-31"},
	{"a", 5, 50, "-0.05", 0.25, "zucchini", "2020-02-29"},
	{"c", nil, nil, nil, nil, nil, nil},
	{nil, 7, 70, "7.77", -1.0, "kiwi", "2000-01-01"},
	{"b", 8, 20, "0.01", 8.0, "Apple", "2021-03-01"},
}

func TestHashAggregate(t *testing.T) {
	s := aggSchema
	k, n, i, d, f, str, dt := colRef(s, 0), colRef(s, 1), colRef(s, 2), colRef(s, 3), colRef(s, 4), colRef(s, 5), colRef(s, 6)
	all := func() []*planner.AggregateCall {
		return []*planner.AggregateCall{
			aggCall(t, planner.AggCountStar, false),
			aggCall(t, planner.AggCount, false, i),
			aggCall(t, planner.AggSum, false, i),
			aggCall(t, planner.AggAvg, false, i),
			aggCall(t, planner.AggMin, false, i),
			aggCall(t, planner.AggMax, false, i),
			aggCall(t, planner.AggSum, false, d),
			aggCall(t, planner.AggAvg, false, d),
			aggCall(t, planner.AggMin, false, str),
			aggCall(t, planner.AggMax, false, str),
			aggCall(t, planner.AggMin, false, dt),
			aggCall(t, planner.AggMax, false, dt),
			aggCall(t, planner.AggSum, false, f),
			aggCall(t, planner.AggMax, false, d),
			aggCall(t, planner.AggSum, false, n),
		}
	}
	single := func(groupBy []planner.Expr, aggs []*planner.AggregateCall) func(*TaskContext, Operator) (Operator, error) {
		return func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, groupBy, aggs, aggNames(len(groupBy)+len(aggs)))
		}
	}
	cases := []harnessCase{
		{
			name:  "group by string with NULL group",
			build: single([]planner.Expr{k}, all()),
			want: [][]any{
				{"a", 3, 2, 60, 30.0, 10, 50, "4.35", "1.450000", "fig", "zucchini", "2020-01-31", "2020-02-29", 1.75, "3.30", 9},
				{"b", 2, 2, 40, 20.0, 20, 20, "2.21", "1.105000", "Apple", "apple", "2021-02-28", "2021-03-01", 10.5, "2.20", 10},
				{nil, 2, 2, 110, 55.0, 40, 70, "7.77", "7.770000", "kiwi", "kiwi", "1999-12-31", "2000-01-01", 3.0, "7.77", 11},
				{"c", 1, 0, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
			},
		},
		{
			name:      "no group by: one row, even for no input",
			build:     single(nil, all()),
			want:      [][]any{{8, 6, 210, 35.0, 10, 70, "14.33", "2.388333", "Apple", "zucchini", "1999-12-31", "2021-03-01", 15.25, "7.77", 30}},
			emptyWant: [][]any{{0, 0, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil}},
		},
		{
			name: "multi-column keys with decimal and date",
			build: single([]planner.Expr{d, dt}, []*planner.AggregateCall{
				aggCall(t, planner.AggCountStar, false), aggCall(t, planner.AggFirst, false, str)}),
			want: [][]any{
				{"1.10", "2020-01-31", 1, "pear"}, {"2.20", "2021-02-28", 1, "apple"}, {"3.30", nil, 1, "fig"},
				{nil, "1999-12-31", 1, nil}, {"-0.05", "2020-02-29", 1, "zucchini"}, {nil, nil, 1, nil},
				{"7.77", "2000-01-01", 1, "kiwi"}, {"0.01", "2021-03-01", 1, "Apple"},
			},
		},
		{
			name: "distinct",
			build: single([]planner.Expr{k}, []*planner.AggregateCall{
				aggCall(t, planner.AggCount, true, i), aggCall(t, planner.AggSum, true, i),
				aggCall(t, planner.AggAvg, true, i), aggCall(t, planner.AggCount, false, i),
				aggCall(t, planner.AggCount, true, k)}),
			want: [][]any{
				{"a", 2, 60, 30.0, 2, 1}, {"b", 1, 20, 20.0, 2, 1}, {nil, 2, 110, 55.0, 2, 0}, {"c", 0, nil, nil, 0, 1},
			},
		},
		{
			name:  "group by an expression",
			build: single([]planner.Expr{&planner.Binary{Op: planner.OpMod, Left: n, Right: lit(int32(2), planner.TypeInt), DataType: planner.TypeInt}}, []*planner.AggregateCall{aggCall(t, planner.AggSum, false, i)}),
			want:  [][]any{{1, 130}, {0, 80}, {nil, nil}},
		},
	}
	for _, c := range cases {
		c.schema, c.rows = s, aggRows
		runHarness(t, c)
	}
}

func TestHashAggregateErrors(t *testing.T) {
	s := testSchema("g", planner.TypeInt, "i", planner.TypeBigInt, "d", planner.Decimal(38, 0))
	g, i, d := colRef(s, 0), colRef(s, 1), colRef(s, 2)
	big := strings.Repeat("9", 38)
	cases := []struct {
		name    string
		rows    [][]any
		mode    AggregateMode
		groupBy []planner.Expr
		aggs    []*planner.AggregateCall
		wantErr string
	}{
		{"bigint sum overflow", [][]any{{1, int64(1) << 62, "0"}, {1, int64(1) << 62, "0"}}, AggSingle,
			[]planner.Expr{g}, []*planner.AggregateCall{aggCall(t, planner.AggSum, false, i)}, "integer overflow"},
		{"bigint sum underflow without groups", [][]any{{1, -(int64(1) << 62), "0"}, {1, -(int64(1) << 62), "0"}, {1, -1, "0"}}, AggSingle,
			nil, []*planner.AggregateCall{aggCall(t, planner.AggSum, false, i)}, "integer overflow"},
		{"decimal sum beyond 38 digits", [][]any{{1, 0, big}, {1, 0, "1"}}, AggSingle,
			nil, []*planner.AggregateCall{aggCall(t, planner.AggSum, false, d)}, "decimal overflow"},
		{"decimal sum beyond 128 bits", [][]any{{1, 0, big}, {1, 0, big}, {1, 0, big}}, AggPartial,
			[]planner.Expr{g}, []*planner.AggregateCall{aggCall(t, planner.AggSum, false, d)}, "decimal overflow"},
		{"distinct in partial mode", nil, AggPartial,
			[]planner.Expr{g}, []*planner.AggregateCall{aggCall(t, planner.AggCount, true, i)}, "AggSingle"},
		{"distinct in final mode", nil, AggFinal,
			[]planner.Expr{g}, []*planner.AggregateCall{aggCall(t, planner.AggSum, true, i)}, "AggSingle"},
		{"sum of strings", nil, AggSingle, nil,
			[]*planner.AggregateCall{{Func: planner.AggSum, Args: []planner.Expr{g}, DataType: planner.TypeString}}, "cannot sum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tc := NewTaskContext(mem)
			in := sourceOf(t, mem, s, c.rows, 1)
			input := Operator(in)
			if c.mode == AggFinal {
				in.Close()
				input = NewBatchSource(PartialSchema(c.groupBy, c.aggs), nil)
			}
			op, err := NewHashAggregate(tc, input, c.mode, c.groupBy, c.aggs, aggNames(len(c.groupBy)+len(c.aggs)))
			if err == nil {
				_, err = drain(t, tc, op, false)
				op.Close()
			} else {
				input.Close()
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

// TestAvgDecimalRoundsHalfUp checks avg's exact division: 1/32 = 0.03125
// rounds to 0.0313 at scale 4 (HALF_EVEN would give 0.0312).
func TestAvgDecimalRoundsHalfUp(t *testing.T) {
	s := testSchema("g", planner.TypeInt, "d", planner.Decimal(10, 0))
	rows := [][]any{{1, "1"}, {2, "-1"}, {3, "2"}, {3, "2"}, {3, "1"}}
	for r := 0; r < 31; r++ {
		rows = append(rows, []any{1, "0"}, []any{2, "0"})
	}
	avg := aggCall(t, planner.AggAvg, false, colRef(s, 1))
	if want := planner.Decimal(14, 4); !arrow.TypeEqual(avg.DataType, want) {
		t.Fatalf("avg type %s, want %s", avg.DataType, want)
	}
	runHarness(t, harnessCase{
		name: "half up", schema: s, rows: rows,
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, []planner.Expr{colRef(s, 0)}, []*planner.AggregateCall{avg}, aggNames(2))
		},
		want: [][]any{{1, "0.0313"}, {2, "-0.0313"}, {3, "1.6667"}},
	})
}

// runToRows runs op to the end and returns its batches, failing on error.
func aggRunToBatches(t *testing.T, op Operator) []arrow.RecordBatch {
	t.Helper()
	ctx := context.Background()
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	var out []arrow.RecordBatch
	for {
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if err := op.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPartialFinalEqualsSingle splits the input into parts, aggregates
// each partially, merges the states and compares with one-step results.
func TestPartialFinalEqualsSingle(t *testing.T) {
	s := aggSchema
	k, n, i, d, f, str, dt := colRef(s, 0), colRef(s, 1), colRef(s, 2), colRef(s, 3), colRef(s, 4), colRef(s, 5), colRef(s, 6)
	aggs := []*planner.AggregateCall{
		aggCall(t, planner.AggCountStar, false), aggCall(t, planner.AggCount, false, d),
		aggCall(t, planner.AggSum, false, i), aggCall(t, planner.AggSum, false, d), aggCall(t, planner.AggSum, false, f),
		aggCall(t, planner.AggAvg, false, n), aggCall(t, planner.AggAvg, false, d), aggCall(t, planner.AggAvg, false, f),
		aggCall(t, planner.AggMin, false, str), aggCall(t, planner.AggMax, false, str),
		aggCall(t, planner.AggMin, false, dt), aggCall(t, planner.AggMax, false, d), aggCall(t, planner.AggMin, false, f),
	}
	// More rows than aggRows, so that groups spread over every part.
	var rows [][]any
	for r := 0; r < 200; r++ {
		base := aggRows[r%len(aggRows)]
		row := append([]any(nil), base...)
		if r%3 == 0 && row[1] != nil {
			row[1] = r
		}
		rows = append(rows, row)
	}
	for _, groupBy := range [][]planner.Expr{{k}, {k, n}, nil} {
		t.Run(fmt.Sprintf("%d keys", len(groupBy)), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tc := &TaskContext{Mem: mem, BatchSize: 16}
			names := aggNames(len(groupBy) + len(aggs))

			single, err := NewHashAggregate(tc, sourceOf(t, mem, s, rows, 13), AggSingle, groupBy, aggs, names)
			if err != nil {
				t.Fatal(err)
			}
			want := aggRunToBatches(t, single)

			var partials []arrow.RecordBatch
			cuts := []int{0, 37, 38, 150, len(rows)}
			for p := 0; p+1 < len(cuts); p++ {
				part, err := NewHashAggregate(tc, sourceOf(t, mem, s, rows[cuts[p]:cuts[p+1]], 9+p), AggPartial, groupBy, aggs, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !part.Schema().Equal(PartialSchema(groupBy, aggs)) {
					t.Fatalf("partial schema %s differs from PartialSchema", part.Schema())
				}
				partials = append(partials, aggRunToBatches(t, part)...)
			}
			final, err := NewHashAggregate(tc, NewBatchSource(PartialSchema(groupBy, aggs), partials), AggFinal, groupBy, aggs, names)
			if err != nil {
				t.Fatal(err)
			}
			got := aggRunToBatches(t, final)
			var gotRows, wantRows [][]any
			for _, b := range got {
				gotRows = append(gotRows, batchRows(t, b)...)
			}
			for _, b := range want {
				wantRows = append(wantRows, batchRows(t, b)...)
			}
			checkRows(t, final.Schema(), gotRows, wantRows, false)
			if len(groupBy) == 0 && len(gotRows) != 1 {
				t.Errorf("%d rows without GROUP BY", len(gotRows))
			}
			for _, b := range append(append(got, want...), partials...) {
				b.Release()
			}
		})
	}
}

func TestHashAggregateAllNullAndNullKeys(t *testing.T) {
	s := testSchema("g", planner.TypeBoolean, "x", planner.Decimal(5, 1), "y", planner.TypeDouble)
	g, x, y := colRef(s, 0), colRef(s, 1), colRef(s, 2)
	aggs := []*planner.AggregateCall{
		aggCall(t, planner.AggCount, false, x), aggCall(t, planner.AggSum, false, x), aggCall(t, planner.AggAvg, false, x),
		aggCall(t, planner.AggMin, false, x), aggCall(t, planner.AggMax, false, y), aggCall(t, planner.AggFirst, false, y),
		aggCall(t, planner.AggMin, false, g), aggCall(t, planner.AggMax, false, g),
	}
	runHarness(t, harnessCase{
		name: "bool keys, all-NULL group", schema: s,
		rows: [][]any{{true, nil, nil}, {false, "1.5", 2.0}, {nil, nil, nil}, {true, nil, nil}, {false, "-2.5", nil}},
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, []planner.Expr{g}, aggs, aggNames(9))
		},
		want: [][]any{
			{true, 0, nil, nil, nil, nil, nil, true, true},
			{false, 2, "-1.0", "-0.50000", "-2.5", 2.0, 2.0, false, false},
			{nil, 0, nil, nil, nil, nil, nil, nil, nil},
		},
	})
}

func TestHashAggregateSplitsOutput(t *testing.T) {
	s := testSchema("g", planner.TypeBigInt)
	var rows, want [][]any
	for r := 0; r < 100; r++ {
		rows = append(rows, []any{r % 40})
	}
	for r := 0; r < 40; r++ {
		want = append(want, []any{r, 3 - min(1, r/20)})
	}
	runHarness(t, harnessCase{
		name: "40 groups", schema: s, rows: rows, maxBatch: true,
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, []planner.Expr{colRef(s, 0)},
				[]*planner.AggregateCall{aggCall(t, planner.AggCountStar, false)}, aggNames(2))
		},
		want: want,
	})
}
