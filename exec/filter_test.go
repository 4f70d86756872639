package exec

import (
	"testing"

	"github.com/ember-sql/ember/planner"
)

func cmpExpr(op planner.BinaryOp, l, r planner.Expr) *planner.Binary {
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: planner.TypeBoolean}
}

func buildFilter(pred planner.Expr) func(tc *TaskContext, in Operator) (Operator, error) {
	return func(tc *TaskContext, in Operator) (Operator, error) { return NewFilter(tc, in, pred) }
}

func TestFilter(t *testing.T) {
	schema := testSchema("v", planner.TypeBigInt, "s", planner.TypeString)
	var rows, above20, nonNull [][]any
	for i := 0; i < 30; i++ {
		var v any = i
		if i%5 == 0 {
			v = nil
		}
		r := []any{v, string(rune('a' + i%26))}
		rows = append(rows, r)
		if v != nil {
			nonNull = append(nonNull, r)
			if i > 20 {
				above20 = append(above20, r)
			}
		}
	}
	v := colRef(schema, 0)
	cases := []struct {
		name string
		pred planner.Expr
		want [][]any
	}{
		// Batches of 1 and 7 rows below 20 filter to nothing and must be skipped.
		{"greater", cmpExpr(planner.OpGt, v, lit(int64(20), planner.TypeBigInt)), above20},
		{"is-not-null", &planner.IsNull{X: v, Negated: true}, nonNull},
		{"literal-true", lit(true, planner.TypeBoolean), rows},
		{"literal-false", lit(false, planner.TypeBoolean), nil},
		{"literal-null", lit(nil, planner.TypeBoolean), nil},
		{"null-is-not-true", cmpExpr(planner.OpEq, v, lit(nil, planner.TypeBigInt)), nil},
	}
	for _, c := range cases {
		runHarness(t, harnessCase{name: c.name, schema: schema, rows: rows, build: buildFilter(c.pred),
			want: c.want, ordered: true})
	}
	// An evaluation error reaches the caller.
	zero := &planner.Binary{Op: planner.OpSub, Left: v, Right: v, DataType: planner.TypeBigInt}
	div := &planner.Binary{Op: planner.OpMod, Left: lit(int64(1), planner.TypeBigInt), Right: zero, DataType: planner.TypeBigInt}
	runHarness(t, harnessCase{name: "error", schema: schema, rows: rows[:3],
		build:   buildFilter(cmpExpr(planner.OpGt, div, lit(int64(0), planner.TypeBigInt))),
		wantErr: "division by zero"})

	if _, err := NewFilter(NewTaskContext(nil), NewBatchSource(schema, nil), v); err == nil {
		t.Fatal("a BIGINT predicate was accepted")
	}
}
