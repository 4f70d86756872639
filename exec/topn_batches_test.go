package exec

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// TestTopNUnevenBatches feeds a top-N batches larger than the rows it
// keeps, so that when it compacts, the kept rows (fetch of them) are
// followed by a longer pending batch: locating rows by dividing by the
// first batch's length would run past the sources (TPC-H Q18 at SF 0.1).
func TestTopNUnevenBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := testSchema("k", arrow.PrimitiveTypes.Int64, "s", arrow.BinaryTypes.String)
	var rows [][]any
	for i := 0; i < 40; i++ {
		v := int64((i * 7919) % 40)
		rows = append(rows, []any{v, fmt.Sprintf("row%02d", v)})
	}
	tc := &TaskContext{Mem: mem, BatchSize: 10}
	src := sourceOf(t, mem, schema, rows, 10)
	op, err := NewSort(tc, src, []planner.SortKey{{Expr: colRef(schema, 0), Descending: true}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	ctx := context.Background()
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	var got []any
	for {
		b, err := op.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range batchRows(t, b) {
			got = append(got, r[1])
		}
		b.Release()
	}
	want := []any{"row39", "row38", "row37"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("top 3 = %v, want %v", got, want)
	}
}
