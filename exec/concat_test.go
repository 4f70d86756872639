package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

func arrowSchemaNotNull() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{{Name: "n", Type: planner.TypeBigInt}}, nil)
}

func TestConcat(t *testing.T) {
	first := arrowSchemaNotNull()
	second := testSchema("other", planner.TypeBigInt)
	build := func(tc *TaskContext, ins []Operator) (Operator, error) { return NewConcat(ins...) }
	runHarness(t, harnessCase{name: "three", schema: first, rows: [][]any{{1}, {2}},
		more:   []harnessInput{{schema: second, rows: [][]any{{nil}, {4}}}, {schema: first, rows: [][]any{{5}}}},
		buildN: build, want: [][]any{{1}, {2}, {nil}, {4}, {5}}, ordered: true})
	runHarness(t, harnessCase{name: "empty-middle", schema: first, rows: [][]any{{1}},
		more:   []harnessInput{{schema: second}, {schema: first, rows: [][]any{{5}}}},
		buildN: build, want: [][]any{{1}, {5}}, ordered: true})
	op, err := NewConcat(NewBatchSource(first, nil), NewBatchSource(second, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f := op.Schema().Field(0); f.Name != "n" || !f.Nullable {
		t.Fatalf("output field %v: want the first input's name, nullable", f)
	}
	if _, err := NewConcat(NewBatchSource(first, nil), NewBatchSource(testSchema("s", planner.TypeString), nil)); err == nil {
		t.Fatal("BIGINT and VARCHAR inputs were accepted")
	}
}
