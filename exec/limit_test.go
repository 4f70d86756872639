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

func TestLimit(t *testing.T) {
	schema := testSchema("i", planner.TypeInt)
	var rows [][]any
	for i := 0; i < 20; i++ {
		rows = append(rows, []any{i})
	}
	cases := []struct{ offset, count int64 }{
		{0, -1}, {0, 0}, {0, 1}, {0, 7}, {3, 5}, {6, 8}, {19, 5}, {20, 1}, {25, -1}, {5, -1}, {0, 100},
	}
	for _, c := range cases {
		lo := min(int(c.offset), len(rows))
		hi := len(rows)
		if c.count >= 0 {
			hi = min(hi, lo+int(c.count))
		}
		runHarness(t, harnessCase{name: fmt.Sprintf("offset=%d/count=%d", c.offset, c.count), schema: schema, rows: rows,
			build: func(tc *TaskContext, in Operator) (Operator, error) { return NewLimit(in, c.offset, c.count) },
			want:  rows[lo:hi], ordered: true})
	}
	if _, err := NewLimit(NewBatchSource(schema, nil), -1, 2); err == nil {
		t.Fatal("a negative offset was accepted")
	}
}

// countingOp counts the batches pulled from its input and whether it was
// closed.
type countingOp struct {
	Operator
	pulled int
	closed bool
}

func (c *countingOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	c.pulled++
	return c.Operator.Next(ctx)
}

func (c *countingOp) Close() error {
	c.closed = true
	return c.Operator.Close()
}

// TestLimitStopsPulling: once count rows are out, Limit pulls nothing more
// and closes its input at once.
func TestLimitStopsPulling(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := testSchema("i", planner.TypeInt)
	rows := make([][]any, 100)
	for i := range rows {
		rows[i] = []any{i}
	}
	in := &countingOp{Operator: sourceOf(t, mem, schema, rows, 10)}
	op, err := NewLimit(in, 5, 10)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	var got [][]any
	for {
		b, err := op.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, batchRows(t, b)...)
		b.Release()
	}
	if len(got) != 10 || got[0][0] != int64(5) || got[9][0] != int64(14) {
		t.Fatalf("got %v", got)
	}
	if in.pulled != 2 || !in.closed {
		t.Fatalf("pulled %d batches (want 2), input closed %v", in.pulled, in.closed)
	}
	op.Close()
}
