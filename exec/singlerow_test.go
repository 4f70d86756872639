package exec

import (
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestEnforceSingleRow(t *testing.T) {
	schema := testSchema("i", planner.TypeBigInt, "s", planner.TypeString)
	build := func(tc *TaskContext, in Operator) (Operator, error) { return NewEnforceSingleRow(tc, in) }
	runHarness(t, harnessCase{name: "one-row", schema: schema, rows: [][]any{{7, "x"}}, build: build,
		want: [][]any{{7, "x"}}, emptyWant: [][]any{{nil, nil}}})
	// Two rows fail whether they come in one batch or two.
	runHarness(t, harnessCase{name: "two-rows", schema: schema, rows: [][]any{{1, "a"}, {2, "b"}}, build: build,
		wantErr: "scalar subquery returned more than one row", emptyWant: [][]any{{nil, nil}}})
	runHarness(t, harnessCase{name: "many-rows", schema: schema, rows: [][]any{{1, "a"}, {2, "b"}, {3, "c"}}, build: build,
		wantErr: "more than one row", emptyWant: [][]any{{nil, nil}}})
	op, err := NewEnforceSingleRow(NewTaskContext(nil), NewBatchSource(arrowSchemaNotNull(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if !op.Schema().Field(0).Nullable {
		t.Fatal("output columns must be nullable")
	}
}
