package exec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// TestRightSemiAntiMatchSemiAnti checks the build-side result joins: a
// RightSemi (RightAnti) join of R with L must return exactly the rows of L
// that Semi (Anti) of L with R returns, with the residual filter applied to
// the pairs, over random inputs with duplicate and NULL keys.
func TestRightSemiAntiMatchSemiAnti(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	maybe := func(v any) any {
		if rng.Intn(5) == 0 {
			return nil
		}
		return v
	}
	// The pair schema of the swapped join: R's columns, then L's.
	swapped := arrow.NewSchema(append(append([]arrow.Field(nil), joinRightSchema.Fields()...), joinLeftSchema.Fields()...), nil)
	nR := joinRightSchema.NumFields()
	for round := 0; round < 20; round++ {
		var left, right [][]any
		for i := rng.Intn(30); i > 0; i-- {
			left = append(left, []any{maybe(rng.Intn(6)), "l", maybe(rng.Intn(100)), "1.00"})
		}
		for i := rng.Intn(30); i > 0; i-- {
			right = append(right, []any{maybe(rng.Intn(6)), "r", maybe(rng.Intn(100)), "2.00"})
		}
		v := int64(rng.Intn(150))
		filter := joinSumAbove(v)
		swappedFilter := &planner.Binary{Op: planner.OpGt, DataType: planner.TypeBoolean,
			Left:  &planner.Binary{Op: planner.OpAdd, Left: colRef(swapped, nR+2), Right: colRef(swapped, 2), DataType: planner.TypeBigInt},
			Right: lit(v, planner.TypeBigInt)}
		bs := 1 + rng.Intn(9)
		run := func(typ planner.JoinType, swap bool, withFilter bool) [][]any {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tc := &TaskContext{Mem: mem, BatchSize: bs}
			l := sourceOf(t, mem, joinLeftSchema, left, 1+rng.Intn(7))
			r := sourceOf(t, mem, joinRightSchema, right, 1+rng.Intn(7))
			spec := HashJoinSpec{Type: typ, LeftKeys: []planner.Expr{jlcol(0)}, RightKeys: []planner.Expr{jrcol(0)}}
			if withFilter {
				spec.Filter = filter
			}
			var op Operator
			var err error
			if swap {
				spec.LeftKeys, spec.RightKeys = spec.RightKeys, spec.LeftKeys
				if withFilter {
					spec.Filter = swappedFilter
				}
				op, err = NewHashJoin(tc, r, l, spec)
			} else {
				op, err = NewHashJoin(tc, l, r, spec)
			}
			if err != nil {
				t.Fatal(err)
			}
			rows, err := drain(t, tc, op, true)
			op.Close()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		for _, withFilter := range []bool{false, true} {
			for _, pair := range [][2]planner.JoinType{{planner.JoinSemi, planner.JoinRightSemi}, {planner.JoinAnti, planner.JoinRightAnti}} {
				t.Run(fmt.Sprintf("round %d/%s/filter=%v", round, pair[1], withFilter), func(t *testing.T) {
					want := run(pair[0], false, withFilter)
					got := run(pair[1], true, withFilter)
					checkRows(t, joinLeftSchema, got, want, false)
				})
			}
		}
	}
}
