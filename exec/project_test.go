package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

func buildProject(exprs []planner.Expr, names []string) func(tc *TaskContext, in Operator) (Operator, error) {
	return func(tc *TaskContext, in Operator) (Operator, error) { return NewProject(tc, in, exprs, names) }
}

func TestProject(t *testing.T) {
	schema := testSchema("a", planner.TypeBigInt, "s", planner.TypeString, "d", planner.Decimal(5, 2))
	rows := [][]any{{1, "x", "1.50"}, {nil, "y", nil}, {-7, nil, "-0.05"}}
	a, s, d := colRef(schema, 0), colRef(schema, 1), colRef(schema, 2)
	plus := &planner.Binary{Op: planner.OpAdd, Left: a, Right: lit(int64(10), planner.TypeBigInt), DataType: planner.TypeBigInt}
	runHarness(t, harnessCase{name: "exprs", schema: schema, rows: rows,
		build: buildProject([]planner.Expr{d, plus, s, lit("k", planner.TypeString), a},
			[]string{"d", "a10", "s", "k", "a"}),
		want:    [][]any{{"1.50", 11, "x", "k", 1}, {nil, nil, "y", "k", nil}, {"-0.05", 3, nil, "k", -7}},
		ordered: true})
	// No expressions: rows without columns, as count(*) reads them.
	runHarness(t, harnessCase{name: "no-columns", schema: schema, rows: rows,
		build: buildProject(nil, nil), want: [][]any{{}, {}, {}}, ordered: true})
	over := &planner.Binary{Op: planner.OpMul, Left: a, Right: lit(int64(1)<<62, planner.TypeBigInt), DataType: planner.TypeBigInt}
	runHarness(t, harnessCase{name: "overflow", schema: schema, rows: rows,
		build: buildProject([]planner.Expr{over}, []string{"x"}), wantErr: "overflow"})

	// The schema follows the expressions' types and nullability.
	op, err := NewProject(NewTaskContext(nil), NewBatchSource(schema, nil),
		[]planner.Expr{lit(int64(1), planner.TypeBigInt), a}, []string{"one", "a"})
	if err != nil {
		t.Fatal(err)
	}
	want := arrow.NewSchema([]arrow.Field{{Name: "one", Type: planner.TypeBigInt}, {Name: "a", Type: planner.TypeBigInt, Nullable: true}}, nil)
	if !op.Schema().Equal(want) {
		t.Fatalf("schema %v, want %v", op.Schema(), want)
	}
	if _, err := NewProject(NewTaskContext(nil), NewBatchSource(schema, nil), []planner.Expr{a}, nil); err == nil {
		t.Fatal("missing names were accepted")
	}
}
