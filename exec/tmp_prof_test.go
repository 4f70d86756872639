package exec

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/ember-sql/ember/planner"
)

func BenchmarkTmpPhases(b *testing.B) {
	mem := memory.NewGoAllocator()
	schema, batches := aggBenchBatches(b, mem, 1<<20, 500000)
	for _, aggs := range [][]*planner.AggregateCall{
		{aggCall(b, planner.AggCountStar, false)},
		{aggCall(b, planner.AggSum, false, colRef(schema, 1))},
		{aggCall(b, planner.AggAvg, false, colRef(schema, 1))},
		{aggCall(b, planner.AggMin, false, colRef(schema, 2))},
	} {
		tc := NewTaskContext(mem)
		op, _ := NewHashAggregate(tc, NewBatchSource(schema, batches), AggSingle, []planner.Expr{colRef(schema, 0)}, aggs, aggNames(2))
		ctx := context.Background()
		op.Open(ctx)
		t0 := time.Now()
		a := op.(*hashAggregate)
		a.consume(ctx)
		a.built = true
		t1 := time.Now()
		n := 0
		for {
			o, err := op.Next(ctx)
			if err != nil {
				break
			}
			n++
			o.Release()
		}
		t2 := time.Now()
		b.Logf("%s: consume %v output %v (%d batches)", aggs[0], t1.Sub(t0), t2.Sub(t1), n)
		op.Close()
	}
}
