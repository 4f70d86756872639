package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

var (
	joinLeftSchema  = testSchema("lk", planner.TypeInt, "ls", planner.TypeString, "lv", planner.TypeBigInt, "ld", planner.Decimal(10, 2))
	joinRightSchema = testSchema("rk", planner.TypeInt, "rs", planner.TypeString, "rv", planner.TypeBigInt, "rd", planner.Decimal(10, 2))
	// joinPairSchema is left ++ right, what residual filters refer to.
	joinPairSchema = arrow.NewSchema(append(append([]arrow.Field(nil), joinLeftSchema.Fields()...), joinRightSchema.Fields()...), nil)
)

// The left rows L1..L5 and right rows R1..R5 most join tests use. Keys
// repeat on both sides (L2/L5, R1/R2) and are NULL on both (L3, R3).
var (
	jL1 = []any{1, "x", 10, "1.00"}
	jL2 = []any{2, "y", 20, "2.50"}
	jL3 = []any{nil, "z", 30, nil}
	jL4 = []any{3, nil, 40, "4.00"}
	jL5 = []any{2, "y", 50, "2.50"}
	jR1 = []any{2, "y", 100, "2.50"}
	jR2 = []any{2, "w", 200, "2.50"}
	jR3 = []any{nil, "z", 300, nil}
	jR4 = []any{4, "q", 400, "9.99"}
	jR5 = []any{3, nil, 500, "4.00"}

	jLeft        = [][]any{jL1, jL2, jL3, jL4, jL5}
	jRight       = [][]any{jR1, jR2, jR3, jR4, jR5}
	jRightNoNull = [][]any{jR1, jR2, jR4, jR5}
	jNullLeft    = []any{nil, nil, nil, nil}
	jNullRight   = []any{nil, nil, nil, nil}
)

// cat concatenates rows side by side.
func joinRow(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// marked appends a mark to a left row.
func joinMarked(row []any, mark any) []any { return joinRow(row, []any{mark}) }

func jlcol(i int) planner.Expr { return colRef(joinLeftSchema, i) }
func jrcol(i int) planner.Expr { return colRef(joinRightSchema, i) }
func jpcol(i int) planner.Expr { return colRef(joinPairSchema, i) }

// sumAbove is the residual filter lv + rv > v.
func joinSumAbove(v int64) planner.Expr {
	return &planner.Binary{Op: planner.OpGt, DataType: planner.TypeBoolean,
		Left:  &planner.Binary{Op: planner.OpAdd, Left: jpcol(2), Right: jpcol(6), DataType: planner.TypeBigInt},
		Right: lit(v, planner.TypeBigInt)}
}

type joinCase struct {
	name      string
	typ       planner.JoinType
	left      []planner.Expr // nil with right nil: key lk = rk
	right     []planner.Expr
	nullSafe  []bool
	filter    planner.Expr
	leftRows  [][]any // nil: jLeft
	rightRows [][]any // nil: jRight
	noRight   bool    // the right side is empty
	want      [][]any
	wantErr   string
}

func runJoinCases(t *testing.T, cases []joinCase) {
	for _, c := range cases {
		leftKeys, rightKeys := c.left, c.right
		if leftKeys == nil {
			leftKeys, rightKeys = []planner.Expr{jlcol(0)}, []planner.Expr{jrcol(0)}
		}
		lrows, rrows := c.leftRows, c.rightRows
		if lrows == nil {
			lrows = jLeft
		}
		if rrows == nil {
			rrows = jRight
		}
		if c.noRight {
			rrows = nil
		}
		spec := HashJoinSpec{Type: c.typ, LeftKeys: leftKeys, RightKeys: rightKeys, NullSafe: c.nullSafe, Filter: c.filter}
		runHarness(t, harnessCase{
			name:   fmt.Sprintf("%s/%s", c.typ, c.name),
			schema: joinLeftSchema, rows: lrows,
			more: []harnessInput{{schema: joinRightSchema, rows: rrows}},
			buildN: func(tc *TaskContext, in []Operator) (Operator, error) {
				return NewHashJoin(tc, in[0], in[1], spec)
			},
			want: c.want, wantErr: c.wantErr, maxBatch: true,
		})
	}
}

func TestHashJoinSingleKey(t *testing.T) {
	runJoinCases(t, []joinCase{
		{name: "dups and NULLs", typ: planner.JoinInner,
			want: [][]any{joinRow(jL2, jR1), joinRow(jL2, jR2), joinRow(jL5, jR1), joinRow(jL5, jR2), joinRow(jL4, jR5)}},
		{name: "dups and NULLs", typ: planner.JoinLeft,
			want: [][]any{joinRow(jL2, jR1), joinRow(jL2, jR2), joinRow(jL5, jR1), joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jL1, jNullRight), joinRow(jL3, jNullRight)}},
		{name: "dups and NULLs", typ: planner.JoinRight,
			want: [][]any{joinRow(jL2, jR1), joinRow(jL2, jR2), joinRow(jL5, jR1), joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4)}},
		{name: "dups and NULLs", typ: planner.JoinFull,
			want: [][]any{joinRow(jL2, jR1), joinRow(jL2, jR2), joinRow(jL5, jR1), joinRow(jL5, jR2), joinRow(jL4, jR5),
				joinRow(jL1, jNullRight), joinRow(jL3, jNullRight), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4)}},
		{name: "dups and NULLs", typ: planner.JoinSemi, want: [][]any{jL2, jL4, jL5}},
		{name: "dups and NULLs", typ: planner.JoinAnti, want: [][]any{jL1, jL3}},
		{name: "right has a NULL key", typ: planner.JoinNullAwareAnti, want: nil},
		{name: "no NULL on the right", typ: planner.JoinNullAwareAnti, rightRows: jRightNoNull, want: [][]any{jL1}},
		{name: "empty right keeps NULL keys", typ: planner.JoinNullAwareAnti, noRight: true, want: jLeft},
		{name: "right has a NULL key", typ: planner.JoinMark,
			want: [][]any{joinMarked(jL1, nil), joinMarked(jL2, true), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, true)}},
		{name: "no NULL on the right", typ: planner.JoinMark, rightRows: jRightNoNull,
			want: [][]any{joinMarked(jL1, false), joinMarked(jL2, true), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, true)}},
		{name: "empty right", typ: planner.JoinMark, noRight: true,
			want: [][]any{joinMarked(jL1, false), joinMarked(jL2, false), joinMarked(jL3, false), joinMarked(jL4, false), joinMarked(jL5, false)}},
		{name: "two matches", typ: planner.JoinSingle, wantErr: "more than one row"},
		{name: "at most one match", typ: planner.JoinSingle, rightRows: [][]any{jR1, jR3, jR4, jR5},
			want: [][]any{joinRow(jL1, jNullRight), joinRow(jL2, jR1), joinRow(jL3, jNullRight), joinRow(jL4, jR5), joinRow(jL5, jR1)}},
		{name: "empty right", typ: planner.JoinInner, noRight: true, want: nil},
		{name: "empty right", typ: planner.JoinLeft, noRight: true,
			want: [][]any{joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight), joinRow(jL4, jNullRight), joinRow(jL5, jNullRight)}},
		{name: "empty right", typ: planner.JoinFull, noRight: true,
			want: [][]any{joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight), joinRow(jL4, jNullRight), joinRow(jL5, jNullRight)}},
		{name: "empty right", typ: planner.JoinAnti, noRight: true, want: jLeft},
		{name: "empty right", typ: planner.JoinSemi, noRight: true, want: nil},
		{name: "empty left", typ: planner.JoinRight, leftRows: [][]any{},
			want: [][]any{joinRow(jNullLeft, jR1), joinRow(jNullLeft, jR2), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4), joinRow(jNullLeft, jR5)}},
	})
}

func TestHashJoinResidualFilter(t *testing.T) {
	runJoinCases(t, []joinCase{
		{name: "sum > 150", typ: planner.JoinInner, filter: joinSumAbove(150),
			want: [][]any{joinRow(jL2, jR2), joinRow(jL5, jR2), joinRow(jL4, jR5)}},
		{name: "sum > 230", typ: planner.JoinLeft, filter: joinSumAbove(230),
			want: [][]any{joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight)}},
		{name: "sum > 230", typ: planner.JoinRight, filter: joinSumAbove(230),
			want: [][]any{joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jNullLeft, jR1), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4)}},
		{name: "sum > 230", typ: planner.JoinFull, filter: joinSumAbove(230),
			want: [][]any{joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight),
				joinRow(jNullLeft, jR1), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4)}},
		{name: "sum > 230", typ: planner.JoinSemi, filter: joinSumAbove(230), want: [][]any{jL4, jL5}},
		{name: "sum > 230", typ: planner.JoinAnti, filter: joinSumAbove(230), want: [][]any{jL1, jL2, jL3}},
		{name: "sum > 230 leaves one match", typ: planner.JoinSingle, filter: joinSumAbove(230),
			want: [][]any{joinRow(jL5, jR2), joinRow(jL4, jR5), joinRow(jL1, jNullRight), joinRow(jL2, jNullRight), joinRow(jL3, jNullRight)}},
		// L1 and L2 meet R3's NULL key with the filter TRUE: unknown. L3's
		// NULL key meets R3 (330): unknown.
		{name: "sum > 230", typ: planner.JoinMark, filter: joinSumAbove(230),
			want: [][]any{joinMarked(jL1, nil), joinMarked(jL2, nil), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, true)}},
		// Now L1+R3 = 310 fails the filter, so L1 is FALSE.
		{name: "sum > 315", typ: planner.JoinMark, filter: joinSumAbove(315),
			want: [][]any{joinMarked(jL1, false), joinMarked(jL2, nil), joinMarked(jL3, nil), joinMarked(jL4, true), joinMarked(jL5, nil)}},
		{name: "sum > 315", typ: planner.JoinNullAwareAnti, filter: joinSumAbove(315), want: [][]any{jL1}},
		// A filter no pair passes: NULL keys on the right no longer matter.
		{name: "sum > 10000", typ: planner.JoinNullAwareAnti, filter: joinSumAbove(10000), want: jLeft},
	})
}

func TestHashJoinMultiKey(t *testing.T) {
	two := func(c joinCase) joinCase {
		c.left = []planner.Expr{jlcol(0), jlcol(1)}
		c.right = []planner.Expr{jrcol(0), jrcol(1)}
		return c
	}
	dec := func(c joinCase) joinCase {
		c.left = []planner.Expr{jlcol(3), jlcol(1)}
		c.right = []planner.Expr{jrcol(3), jrcol(1)}
		return c
	}
	runJoinCases(t, []joinCase{
		two(joinCase{name: "int+string", typ: planner.JoinInner, want: [][]any{joinRow(jL2, jR1), joinRow(jL5, jR1)}}),
		two(joinCase{name: "null-safe string", typ: planner.JoinInner, nullSafe: []bool{false, true},
			want: [][]any{joinRow(jL2, jR1), joinRow(jL5, jR1), joinRow(jL4, jR5)}}),
		two(joinCase{name: "all null-safe", typ: planner.JoinInner, nullSafe: []bool{true, true},
			want: [][]any{joinRow(jL2, jR1), joinRow(jL5, jR1), joinRow(jL3, jR3), joinRow(jL4, jR5)}}),
		two(joinCase{name: "int+string", typ: planner.JoinFull,
			want: [][]any{joinRow(jL2, jR1), joinRow(jL5, jR1), joinRow(jL1, jNullRight), joinRow(jL3, jNullRight), joinRow(jL4, jNullRight),
				joinRow(jNullLeft, jR2), joinRow(jNullLeft, jR3), joinRow(jNullLeft, jR4), joinRow(jNullLeft, jR5)}}),
		two(joinCase{name: "null-safe (EXCEPT)", typ: planner.JoinAnti, nullSafe: []bool{true, true}, want: [][]any{jL1}}),
		// (3, NULL) against (3, NULL): unknown; (NULL, 'z') against (NULL, 'z'):
		// unknown; (1, 'x'): R3 = (NULL, 'z') differs on 'x' <> 'z': FALSE.
		two(joinCase{name: "int+string", typ: planner.JoinMark,
			want: [][]any{joinMarked(jL1, false), joinMarked(jL2, true), joinMarked(jL3, nil), joinMarked(jL4, nil), joinMarked(jL5, true)}}),
		two(joinCase{name: "int+string", typ: planner.JoinNullAwareAnti, want: [][]any{jL1}}),
		dec(joinCase{name: "decimal+string", typ: planner.JoinInner, want: [][]any{joinRow(jL2, jR1), joinRow(jL5, jR1)}}),
		dec(joinCase{name: "decimal+string", typ: planner.JoinSemi, want: [][]any{jL2, jL5}}),
		{name: "no keys = cross product", typ: planner.JoinInner, left: []planner.Expr{}, right: []planner.Expr{},
			leftRows: [][]any{jL1, jL2}, rightRows: [][]any{jR1, jR4},
			want: [][]any{joinRow(jL1, jR1), joinRow(jL1, jR4), joinRow(jL2, jR1), joinRow(jL2, jR4)}},
	})
}

// TestHashJoinSplitsFanOut joins one probe row with many build rows: the
// output must come in batches of at most tc.BatchSize rows.
func TestHashJoinSplitsFanOut(t *testing.T) {
	var right, want [][]any
	for i := 0; i < 50; i++ {
		r := []any{2, fmt.Sprint("r", i), i, "2.50"}
		right = append(right, r)
		want = append(want, joinRow(jL2, r))
	}
	for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinLeft, planner.JoinFull} {
		runJoinCases(t, []joinCase{{name: "fan-out", typ: typ, leftRows: [][]any{jL2, jL1}, rightRows: right,
			want: func() [][]any {
				if typ == planner.JoinInner {
					return want
				}
				return append(append([][]any(nil), want...), joinRow(jL1, jNullRight))
			}()}})
	}
}

func TestHashJoinRejectsMismatchedKeys(t *testing.T) {
	_, err := NewHashJoin(NewTaskContext(nil), NewBatchSource(joinLeftSchema, nil), NewBatchSource(joinRightSchema, nil),
		HashJoinSpec{Type: planner.JoinInner, LeftKeys: []planner.Expr{jlcol(0)}, RightKeys: []planner.Expr{jrcol(1)}})
	if err == nil {
		t.Fatal("joined INT with VARCHAR keys")
	}
}
