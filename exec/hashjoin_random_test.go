package exec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// TestHashJoinMatchesNestedLoop runs random inputs (small key domains, many
// duplicates and NULLs) through a hash join on lk = rk with a residual
// filter, and through a nested loop join on the same condition, which must
// agree for every join type they share. Mark and NullAwareAnti are checked
// against a row-by-row reference of SQL's IN.
func TestHashJoinMatchesNestedLoop(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	maybe := func(v any) any {
		if rng.Intn(5) == 0 {
			return nil
		}
		return v
	}
	for round := 0; round < 12; round++ {
		var left, right [][]any
		for i := rng.Intn(30); i > 0; i-- {
			left = append(left, []any{maybe(rng.Intn(6)), "l", maybe(rng.Intn(100)), "1.00"})
		}
		for i := rng.Intn(30); i > 0; i-- {
			right = append(right, []any{maybe(rng.Intn(6)), "r", maybe(rng.Intn(100)), "2.00"})
		}
		filter := joinSumAbove(int64(rng.Intn(150)))
		eq := &planner.Binary{Op: planner.OpEq, Left: jpcol(0), Right: jpcol(4), DataType: planner.TypeBoolean}
		cond := &planner.Binary{Op: planner.OpAnd, Left: eq, Right: filter, DataType: planner.TypeBoolean}
		bs := 1 + rng.Intn(9)
		run := func(typ planner.JoinType, hash bool) ([][]any, error) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tc := &TaskContext{Mem: mem, BatchSize: bs}
			l := sourceOf(t, mem, joinLeftSchema, left, 1+rng.Intn(7))
			r := sourceOf(t, mem, joinRightSchema, right, 1+rng.Intn(7))
			var op Operator
			var err error
			if hash {
				op, err = NewHashJoin(tc, l, r, HashJoinSpec{Type: typ, LeftKeys: []planner.Expr{jlcol(0)},
					RightKeys: []planner.Expr{jrcol(0)}, Filter: filter})
			} else {
				op, err = NewNestedLoopJoin(tc, l, r, typ, cond)
			}
			if err != nil {
				t.Fatal(err)
			}
			rows, err := drain(t, tc, op, true)
			op.Close()
			return rows, err
		}
		for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinLeft, planner.JoinRight,
			planner.JoinFull, planner.JoinSemi, planner.JoinAnti, planner.JoinSingle} {
			t.Run(fmt.Sprintf("round %d/%s", round, typ), func(t *testing.T) {
				got, err1 := run(typ, true)
				want, err2 := run(typ, false)
				if (err1 == nil) != (err2 == nil) {
					t.Fatalf("hash join error %v, nested loop error %v", err1, err2)
				}
				if err1 == nil {
					checkRows(t, planner.JoinSchema(joinLeftSchema, joinRightSchema, typ), got, want, false)
				}
			})
		}
		// SQL's IN per left row: TRUE if some right row has an equal key and
		// passes the filter, NULL if some passing row compares with a NULL.
		marks := make([]any, len(left))
		for i, l := range left {
			marks[i] = false
			for _, r := range right {
				lv, rv := l[2], r[2]
				if lv == nil || rv == nil || lv.(int)+rv.(int) <= int(filter.(*planner.Binary).Right.(*planner.Literal).Value.(int64)) {
					continue
				}
				if l[0] == nil || r[0] == nil {
					if marks[i] == false {
						marks[i] = nil
					}
				} else if l[0] == r[0] {
					marks[i] = true
				}
			}
		}
		var wantMark, wantAnti [][]any
		for i, l := range left {
			wantMark = append(wantMark, joinMarked(l, marks[i]))
			if marks[i] == false {
				wantAnti = append(wantAnti, l)
			}
		}
		for typ, want := range map[planner.JoinType][][]any{planner.JoinMark: wantMark, planner.JoinNullAwareAnti: wantAnti} {
			t.Run(fmt.Sprintf("round %d/%s", round, typ), func(t *testing.T) {
				got, err := run(typ, true)
				if err != nil {
					t.Fatal(err)
				}
				checkRows(t, planner.JoinSchema(joinLeftSchema, joinRightSchema, typ), got, want, false)
			})
		}
	}
}
