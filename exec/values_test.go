package exec

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

func TestValues(t *testing.T) {
	schema := testSchema("i", planner.TypeInt, "s", planner.TypeString, "d", planner.Decimal(4, 1), "dt", planner.TypeDate)
	sum := &planner.Binary{Op: planner.OpAdd, Left: lit(int32(1), planner.TypeInt), Right: lit(int32(2), planner.TypeInt), DataType: planner.TypeInt}
	var rows [][]planner.Expr
	var want [][]any
	for i := 0; i < 10; i++ {
		rows = append(rows, []planner.Expr{lit(int32(i), planner.TypeInt), lit("v", planner.TypeString),
			lit(decimal128.FromI64(int64(-i)), planner.Decimal(4, 1)), lit(arrow.Date32(i), planner.TypeDate)})
		want = append(want, []any{i, "v", decimalText(-i), arrow.Date32(i)})
	}
	rows = append(rows, []planner.Expr{sum, lit(nil, planner.TypeNull), lit(nil, planner.Decimal(4, 1)), lit(nil, planner.TypeDate)})
	want = append(want, []any{3, nil, nil, nil})
	runHarness(t, harnessCase{name: "rows", schema: testSchema(),
		build: func(tc *TaskContext, _ Operator) (Operator, error) { return NewValues(tc, schema, rows) },
		want:  want, emptyWant: want, ordered: true, maxBatch: true})
	// SELECT without FROM reads one row without columns.
	runHarness(t, harnessCase{name: "one-empty-row", schema: testSchema(),
		build: func(tc *TaskContext, _ Operator) (Operator, error) {
			return NewValues(tc, testSchema(), [][]planner.Expr{{}})
		},
		want: [][]any{{}}, emptyWant: [][]any{{}}})

	bad := [][]planner.Expr{{lit(int64(1), planner.TypeBigInt), lit("v", planner.TypeString), lit(nil, planner.TypeNull), lit(nil, planner.TypeNull)}}
	if _, err := NewValues(NewTaskContext(nil), schema, bad); err == nil || !strings.Contains(err.Error(), "expected INT") {
		t.Fatalf("BIGINT in an INT column: err = %v", err)
	}
	if _, err := NewValues(NewTaskContext(nil), schema, [][]planner.Expr{{lit(int32(1), planner.TypeInt)}}); err == nil {
		t.Fatal("a short row was accepted")
	}
}

// decimalText renders i tenths with one decimal, as the harness reads DECIMAL(4,1).
func decimalText(i int) string {
	return planner.FormatDecimal(decimal128.FromI64(int64(i)), 1)
}
