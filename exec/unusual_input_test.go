package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// Operators over unusual inputs: NULL-typed columns, zero-column batches.

var nullKeySchema = testSchema("k", planner.TypeNull, "v", planner.TypeBigInt)

func TestJoinOnNullTypedKey(t *testing.T) {
	rows := [][]any{{nil, 1}, {nil, 2}}
	for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinSemi} {
		spec := HashJoinSpec{Type: typ, LeftKeys: []planner.Expr{colRef(nullKeySchema, 0)}, RightKeys: []planner.Expr{colRef(nullKeySchema, 0)}}
		runHarness(t, harnessCase{
			name:   typ.String(),
			schema: nullKeySchema, rows: rows,
			more: []harnessInput{{schema: nullKeySchema, rows: rows}},
			buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
				return NewHashJoin(tc, in[0], in[1], spec)
			},
			want: nil,
		})
	}
	// Two keys, one NULL-typed: never equal either.
	spec := HashJoinSpec{Type: planner.JoinInner,
		LeftKeys:  []planner.Expr{colRef(nullKeySchema, 0), colRef(nullKeySchema, 1)},
		RightKeys: []planner.Expr{colRef(nullKeySchema, 0), colRef(nullKeySchema, 1)}}
	runHarness(t, harnessCase{
		name:   "two keys",
		schema: nullKeySchema, rows: rows,
		more: []harnessInput{{schema: nullKeySchema, rows: rows}},
		buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewHashJoin(tc, in[0], in[1], spec)
		},
		want: nil,
	})
}

func TestAggregateNullTypedKey(t *testing.T) {
	k := colRef(nullKeySchema, 0)
	runHarness(t, harnessCase{
		name:   "group by null",
		schema: nullKeySchema, rows: [][]any{{nil, 1}, {nil, 2}},
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, []planner.Expr{k},
				[]*planner.AggregateCall{aggCall(t, planner.AggCountStar, false), aggCall(t, planner.AggCount, false, k), aggCall(t, planner.AggMin, false, k),
					aggCall(t, planner.AggSum, false, k), aggCall(t, planner.AggAvg, false, k)}, aggNames(6))
		},
		want: [][]any{{nil, 2, 0, nil, nil, nil}},
	})
}

func TestSortNullTypedKey(t *testing.T) {
	runHarness(t, harnessCase{
		name:   "sort by null",
		schema: nullKeySchema, rows: [][]any{{nil, 1}, {nil, 2}, {nil, 3}},
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewSort(tc, in, []planner.SortKey{{Expr: colRef(nullKeySchema, 0)}}, -1)
		},
		want: [][]any{{nil, 1}, {nil, 2}, {nil, 3}}, ordered: true,
	})
	runHarness(t, harnessCase{
		name:   "topn by null",
		schema: nullKeySchema, rows: [][]any{{nil, 1}, {nil, 2}, {nil, 3}},
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewSort(tc, in, []planner.SortKey{{Expr: colRef(nullKeySchema, 0)}}, 2)
		},
		want: [][]any{{nil, 1}, {nil, 2}}, ordered: true,
	})
}

var noCols = arrow.NewSchema(nil, nil)

func TestZeroColumnInputs(t *testing.T) {
	rows := [][]any{{}, {}, {}}
	runHarness(t, harnessCase{
		name:   "count star",
		schema: noCols, rows: rows,
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewHashAggregate(tc, in, AggSingle, nil, []*planner.AggregateCall{aggCall(t, planner.AggCountStar, false)}, aggNames(1))
		},
		want: [][]any{{3}}, emptyWant: [][]any{{0}},
	})
	runHarness(t, harnessCase{
		name:   "cross join",
		schema: noCols, rows: rows,
		more: []harnessInput{{schema: noCols, rows: [][]any{{}, {}}}},
		buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
			return NewNestedLoopJoin(tc, in[0], in[1], planner.JoinInner, nil)
		},
		want: [][]any{{}, {}, {}, {}, {}, {}},
	})
	runHarness(t, harnessCase{
		name:   "single row",
		schema: noCols, rows: [][]any{{}},
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewEnforceSingleRow(tc, in)
		},
		want: [][]any{{}}, emptyWant: [][]any{{}},
	})
	runHarness(t, harnessCase{
		name:   "row_number",
		schema: noCols, rows: rows,
		build: buildWindow(winCall(t, planner.WinRowNumber, nil, nil, nil, nil)),
		want:  [][]any{{1}, {2}, {3}},
	})
	runHarness(t, harnessCase{
		name:   "limit",
		schema: noCols, rows: rows,
		build: func(tc *TaskContext, in Operator) (Operator, error) {
			return NewLimit(in, 1, 1)
		},
		want: [][]any{{}},
	})
}

func TestWindowNullTypedArg(t *testing.T) {
	k := colRef(nullKeySchema, 0)
	v := colRef(nullKeySchema, 1)
	rows := [][]any{{nil, 1}, {nil, 2}, {nil, 3}}
	order := []planner.SortKey{{Expr: v}}
	cases := []struct {
		name string
		call *planner.WindowCall
		want []any
	}{
		{"count", winCall(t, planner.WindowFunc(planner.AggCount), []planner.Expr{k}, nil, nil, nil), []any{0, 0, 0}},
		{"count running", winCall(t, planner.WindowFunc(planner.AggCount), []planner.Expr{k}, nil, order, rowsFrame(0, 0, true, false)), []any{0, 0, 0}},
		{"min", winCall(t, planner.WindowFunc(planner.AggMin), []planner.Expr{k}, nil, order, nil), []any{nil, nil, nil}},
		{"max sliding", winCall(t, planner.WindowFunc(planner.AggMax), []planner.Expr{k}, nil, order, rowsFrame(-1, 1, false, false)), []any{nil, nil, nil}},
		{"sum", winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{k}, nil, order, nil), []any{nil, nil, nil}},
		{"avg", winCall(t, planner.WindowFunc(planner.AggAvg), []planner.Expr{k}, nil, nil, nil), []any{nil, nil, nil}},
		{"first_value", winCall(t, planner.WinFirstValue, []planner.Expr{k}, nil, order, nil), []any{nil, nil, nil}},
		{"last_value", winCall(t, planner.WinLastValue, []planner.Expr{k}, nil, order, nil), []any{nil, nil, nil}},
		{"lag", winCall(t, planner.WinLag, []planner.Expr{k}, nil, order, nil), []any{nil, nil, nil}},
		{"partition by null", winCall(t, planner.WinRowNumber, nil, []planner.Expr{k}, order, nil), []any{1, 2, 3}},
	}
	for _, c := range cases {
		runHarness(t, harnessCase{
			name: c.name, schema: nullKeySchema, rows: rows,
			build: buildWindow(c.call),
			want:  appendCols(rows, c.want),
		})
	}
}

func TestSortSpillUnusualColumns(t *testing.T) {
	schema := testSchema("k", planner.TypeNull, "b", planner.TypeBoolean, "iv", planner.TypeInterval, "s", planner.TypeString, "v", planner.TypeBigInt)
	var rows, want [][]any
	for i := 0; i < 40; i++ {
		var b any = i%3 == 0
		if i%5 == 0 {
			b = nil
		}
		rows = append(rows, []any{nil, b, arrow.MonthDayNanoInterval{Months: int32(i), Days: 1, Nanoseconds: int64(i)}, fmt.Sprint("s", i), i})
	}
	for i := len(rows) - 1; i >= 0; i-- {
		want = append(want, rows[i])
	}
	for _, budget := range []int64{0, 1} {
		runHarness(t, harnessCase{
			name:   fmt.Sprintf("budget=%d", budget),
			schema: schema, rows: rows,
			build: func(tc *TaskContext, in Operator) (Operator, error) {
				tc.MemoryBudget = budget
				return NewSort(tc, in, []planner.SortKey{{Expr: colRef(schema, 0)}, {Expr: colRef(schema, 4), Descending: true}}, -1)
			},
			want: want, ordered: true,
		})
		runHarness(t, harnessCase{
			name:   fmt.Sprintf("window budget=%d", budget),
			schema: schema, rows: rows,
			build: buildWindow(winCall(t, planner.WinLag, []planner.Expr{colRef(schema, 2)}, []planner.Expr{colRef(schema, 0)}, []planner.SortKey{{Expr: colRef(schema, 4)}}, nil)),
			want: func() [][]any {
				var out [][]any
				for i, r := range rows {
					var prev any
					if i > 0 {
						prev = rows[i-1][2]
					}
					out = append(out, append(append([]any(nil), r...), prev))
				}
				return out
			}(),
		})
	}
}

func TestJoinZeroColumnSide(t *testing.T) {
	one := testSchema("a", planner.TypeBigInt)
	// Condition over the left column only: a > 1.
	cond := &planner.Binary{Op: planner.OpGt, DataType: planner.TypeBoolean, Left: colRef(one, 0), Right: lit(int64(1), planner.TypeBigInt)}
	left := [][]any{{1}, {2}, {3}}
	right := [][]any{{}, {}}
	cases := []struct {
		typ  planner.JoinType
		want [][]any
	}{
		{planner.JoinInner, [][]any{{2}, {2}, {3}, {3}}},
		{planner.JoinLeft, [][]any{{1}, {2}, {2}, {3}, {3}}},
		{planner.JoinSemi, [][]any{{2}, {3}}},
		{planner.JoinAnti, [][]any{{1}}},
		{planner.JoinMark, [][]any{{1, false}, {2, true}, {3, true}}},
		{planner.JoinRight, [][]any{{2}, {2}, {3}, {3}}},
		{planner.JoinFull, [][]any{{1}, {2}, {2}, {3}, {3}}},
	}
	for _, c := range cases {
		runHarness(t, harnessCase{
			name:   c.typ.String(),
			schema: one, rows: left,
			more: []harnessInput{{schema: noCols, rows: right}},
			buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
				return NewNestedLoopJoin(tc, in[0], in[1], c.typ, cond)
			},
			want: c.want, noEmpty: true,
		})
	}
}

func TestAggregateNullTypedAmongKeys(t *testing.T) {
	schema := testSchema("n", planner.TypeNull, "s", planner.TypeString, "i", planner.TypeBigInt, "d", planner.Decimal(30, 2))
	rows := [][]any{{nil, "a", 1, "1.00"}, {nil, "a", 1, "1.00"}, {nil, "b", nil, nil}, {nil, "b", nil, nil}, {nil, "a", 2, "99999999999999999999.00"}}
	n, s, i, d := colRef(schema, 0), colRef(schema, 1), colRef(schema, 2), colRef(schema, 3)
	for _, keys := range [][]planner.Expr{{n, s}, {n, i}, {i, n}, {n, d, s}} {
		names := []string{}
		for _, k := range keys {
			names = append(names, k.String())
		}
		runHarness(t, harnessCase{
			name:   fmt.Sprint(names),
			schema: schema, rows: rows,
			build: func(tc *TaskContext, in Operator) (Operator, error) {
				return NewHashAggregate(tc, in, AggSingle, keys, []*planner.AggregateCall{aggCall(t, planner.AggCountStar, false)}, aggNames(len(keys)+1))
			},
			want: func() [][]any {
				// Expected groups: distinct projections of rows onto keys.
				seen := map[string]int{}
				var out [][]any
				for _, r := range rows {
					var row []any
					for _, k := range keys {
						row = append(row, r[k.(*planner.Column).Index])
					}
					key := fmt.Sprint(row)
					if j, ok := seen[key]; ok {
						out[j][len(keys)] = out[j][len(keys)].(int) + 1
						continue
					}
					seen[key] = len(out)
					out = append(out, append(row, 1))
				}
				return out
			}(),
		})
	}
}

func TestNullSafeJoinOnNullTypedKey(t *testing.T) {
	rows := [][]any{{nil, 1}, {nil, 2}}
	k := colRef(nullKeySchema, 0)
	for _, keys := range [][]planner.Expr{{k}, {k, colRef(nullKeySchema, 1)}} {
		safe := make([]bool, len(keys))
		for i := range safe {
			safe[i] = true
		}
		want := [][]any{{nil, 1}, {nil, 2}} // semi join: every row has a partner
		runHarness(t, harnessCase{
			name:   fmt.Sprintf("%d keys", len(keys)),
			schema: nullKeySchema, rows: rows,
			more: []harnessInput{{schema: nullKeySchema, rows: rows}},
			buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
				return NewHashJoin(tc, in[0], in[1], HashJoinSpec{Type: planner.JoinSemi, LeftKeys: keys, RightKeys: keys, NullSafe: safe})
			},
			want: want,
		})
	}
}
