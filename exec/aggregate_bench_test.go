package exec

import (
	"context"
	"io"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// benchBatches makes rows rows of (k BIGINT in [0, keys), d DECIMAL(15,2),
// f DOUBLE, s VARCHAR of one letter) in batches of DefaultBatchSize.
func aggBenchBatches(b testing.TB, mem memory.Allocator, rows, keys int) (*arrow.Schema, []arrow.RecordBatch) {
	b.Helper()
	schema := testSchema("k", planner.TypeBigInt, "d", planner.Decimal(15, 2), "f", planner.TypeDouble, "s", planner.TypeString)
	rng := rand.New(rand.NewSource(1))
	var out []arrow.RecordBatch
	for lo := 0; lo < rows; lo += DefaultBatchSize {
		n := min(DefaultBatchSize, rows-lo)
		rb := array.NewRecordBuilder(mem, schema)
		kb := rb.Field(0).(*array.Int64Builder)
		db := rb.Field(1).(*array.Decimal128Builder)
		fb := rb.Field(2).(*array.Float64Builder)
		sb := rb.Field(3).(*array.StringBuilder)
		for i := 0; i < n; i++ {
			kb.Append(int64(rng.Intn(keys)))
			db.Append(decimal128.FromI64(int64(rng.Intn(10000000))))
			fb.Append(rng.Float64())
			sb.Append(string(rune('A' + rng.Intn(4))))
		}
		out = append(out, rb.NewRecordBatch())
		rb.Release()
	}
	return schema, out
}

func aggDrainBench(b *testing.B, op Operator) int {
	ctx := context.Background()
	if err := op.Open(ctx); err != nil {
		b.Fatal(err)
	}
	rows := 0
	for {
		out, err := op.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		rows += int(out.NumRows())
		out.Release()
	}
	op.Close()
	return rows
}

func BenchmarkHashAggregate(b *testing.B) {
	for _, c := range []struct {
		name   string
		keys   int
		string bool
	}{{"1M rows/4 groups/int64 key", 4, false}, {"1M rows/4 groups/string key", 4, true}, {"1M rows/500K groups", 500000, false}} {
		b.Run(c.name, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			schema, batches := aggBenchBatches(b, mem, 1<<20, c.keys)
			defer func() {
				for _, x := range batches {
					x.Release()
				}
			}()
			key := planner.Expr(colRef(schema, 0))
			if c.string {
				key = colRef(schema, 3)
			}
			aggs := []*planner.AggregateCall{
				aggCall(b, planner.AggCountStar, false),
				aggCall(b, planner.AggSum, false, colRef(schema, 1)),
				aggCall(b, planner.AggAvg, false, colRef(schema, 1)),
				aggCall(b, planner.AggAvg, false, colRef(schema, 2)),
				aggCall(b, planner.AggMin, false, colRef(schema, 2)),
			}
			tc := NewTaskContext(mem)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				op, err := NewHashAggregate(tc, NewBatchSource(schema, batches), AggSingle, []planner.Expr{key}, aggs, aggNames(6))
				if err != nil {
					b.Fatal(err)
				}
				if n := aggDrainBench(b, op); n != min(c.keys, 1<<20) && c.keys < 1000 {
					b.Fatalf("%d groups", n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1<<20), "ns/row")
		})
	}
}

func BenchmarkHashJoin(b *testing.B) {
	mem := memory.NewGoAllocator()
	// Probe keys in [0, 200K) against build keys 0..99999 (each once): half
	// the probe rows match.
	schema, probe := aggBenchBatches(b, mem, 1<<20, 200000)
	var build []arrow.RecordBatch
	for lo := 0; lo < 100000; lo += DefaultBatchSize {
		n := min(DefaultBatchSize, 100000-lo)
		rb := array.NewRecordBuilder(mem, schema)
		for i := 0; i < n; i++ {
			rb.Field(0).(*array.Int64Builder).Append(int64(lo + i))
			rb.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(i)))
			rb.Field(2).(*array.Float64Builder).Append(float64(i))
			rb.Field(3).(*array.StringBuilder).Append("x")
		}
		build = append(build, rb.NewRecordBatch())
		rb.Release()
	}
	defer func() {
		for _, x := range append(probe, build...) {
			x.Release()
		}
	}()
	tc := NewTaskContext(mem)
	for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinSemi, planner.JoinLeft} {
		b.Run("1M probe x 100K build/"+typ.String(), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				op, err := NewHashJoin(tc, NewBatchSource(schema, probe), NewBatchSource(schema, build), HashJoinSpec{
					Type: typ, LeftKeys: []planner.Expr{colRef(schema, 0)}, RightKeys: []planner.Expr{colRef(schema, 0)}})
				if err != nil {
					b.Fatal(err)
				}
				aggDrainBench(b, op)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1<<20), "ns/probe-row")
		})
	}
}
