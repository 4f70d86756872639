package exec

import (
	"fmt"
	"testing"

	"github.com/ember-sql/ember/planner"
)

// cmpKeys is lk <op> rk over left ++ right.
func joinCmpKeys(op planner.BinaryOp) planner.Expr {
	return &planner.Binary{Op: op, Left: jpcol(0), Right: jpcol(4), DataType: planner.TypeBoolean}
}

func TestNestedLoopJoin(t *testing.T) {
	// lk < rk: L1 (1) < R1, R2, R4, R5; L2 and L5 (2) < R4, R5; L4 (3) < R4;
	// L3 (NULL) and R3 (NULL) compare to NULL.
	inner := [][]any{
		joinRow(jL1, jR1), joinRow(jL1, jR2), joinRow(jL1, jR4), joinRow(jL1, jR5),
		joinRow(jL2, jR4), joinRow(jL2, jR5), joinRow(jL4, jR4), joinRow(jL5, jR4), joinRow(jL5, jR5),
	}
	plus := func(rows ...[]any) [][]any { return append(append([][]any(nil), inner...), rows...) }
	// lk + 2 = rk matches at most once per left row.
	plusTwo := &planner.Binary{Op: planner.OpEq, DataType: planner.TypeBoolean,
		Left:  &planner.Binary{Op: planner.OpAdd, Left: jpcol(0), Right: lit(int32(2), planner.TypeInt), DataType: planner.TypeInt},
		Right: jpcol(4)}
	cases := []struct {
		name      string
		typ       planner.JoinType
		cond      planner.Expr
		rightRows [][]any
		want      [][]any
		wantErr   string
	}{
		{"lk < rk", planner.JoinInner, joinCmpKeys(planner.OpLt), nil, inner, ""},
		{"lk < rk", planner.JoinLeft, joinCmpKeys(planner.OpLt), nil, plus(joinRow(jL3, jNullRight)), ""},
		{"lk < rk", planner.JoinRight, joinCmpKeys(planner.OpLt), nil, plus(joinRow(jNullLeft, jR3)), ""},
		{"lk < rk", planner.JoinFull, joinCmpKeys(planner.OpLt), nil, plus(joinRow(jL3, jNullRight), joinRow(jNullLeft, jR3)), ""},
		{"lk < rk", planner.JoinSemi, joinCmpKeys(planner.OpLt), nil, [][]any{jL1, jL2, jL4, jL5}, ""},
		{"lk < rk", planner.JoinAnti, joinCmpKeys(planner.OpLt), nil, [][]any{jL3}, ""},
		{"lk > rk, no NULL on the right", planner.JoinMark, joinCmpKeys(planner.OpGt), jRightNoNull,
			[][]any{joinMarked(jL1, false), joinMarked(jL2, false), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, false)}, ""},
		{"lk > rk, NULL on the right", planner.JoinMark, joinCmpKeys(planner.OpGt), nil,
			[][]any{joinMarked(jL1, nil), joinMarked(jL2, nil), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, nil)}, ""},
		{"lk + 2 = rk", planner.JoinSingle, plusTwo, nil,
			[][]any{joinRow(jL1, jR5), joinRow(jL2, jR4), joinRow(jL3, jNullRight), joinRow(jL4, jNullRight), joinRow(jL5, jR4)}, ""},
		{"lk < rk", planner.JoinSingle, joinCmpKeys(planner.OpLt), nil, nil, "more than one row"},
		{"cross product", planner.JoinInner, nil, [][]any{jR1, jR4},
			[][]any{joinRow(jL1, jR1), joinRow(jL1, jR4), joinRow(jL2, jR1), joinRow(jL2, jR4), joinRow(jL3, jR1), joinRow(jL3, jR4),
				joinRow(jL4, jR1), joinRow(jL4, jR4), joinRow(jL5, jR1), joinRow(jL5, jR4)}, ""},
		{"cross product, empty right", planner.JoinLeft, nil, [][]any{},
			[][]any{joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight), joinRow(jL4, jNullRight), joinRow(jL5, jNullRight)}, ""},
	}
	for _, c := range cases {
		rows := c.rightRows
		if rows == nil {
			rows = jRight
		}
		typ, cond := c.typ, c.cond
		runHarness(t, harnessCase{
			name:   fmt.Sprintf("%s/%s", c.typ, c.name),
			schema: joinLeftSchema, rows: jLeft,
			more: []harnessInput{{schema: joinRightSchema, rows: rows}},
			buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
				return NewNestedLoopJoin(tc, in[0], in[1], typ, cond)
			},
			want: c.want, wantErr: c.wantErr, maxBatch: true,
		})
	}
}
