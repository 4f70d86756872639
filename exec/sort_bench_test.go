package exec

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

const benchRows = 1 << 20

// benchBatches returns benchRows rows of (BIGINT random, VARCHAR random of
// 8 to 20 characters, BIGINT with 1000 distinct values) in batches of
// DefaultBatchSize.
func benchBatches(b *testing.B, mem memory.Allocator) (*arrow.Schema, []arrow.RecordBatch) {
	schema := testSchema("i", planner.TypeBigInt, "s", planner.TypeString, "g", planner.TypeBigInt)
	r := rand.New(rand.NewPCG(7, 8))
	var out []arrow.RecordBatch
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	for n := 0; n < benchRows; n += DefaultBatchSize {
		ib, sb, gb := rb.Field(0).(*array.Int64Builder), rb.Field(1).(*array.StringBuilder), rb.Field(2).(*array.Int64Builder)
		for i := 0; i < DefaultBatchSize; i++ {
			ib.Append(r.Int64())
			sb.Append(fmt.Sprintf("%0*d", 8+r.IntN(12), r.IntN(1<<30)))
			gb.Append(int64(r.IntN(1000)))
		}
		out = append(out, rb.NewRecordBatch())
	}
	return schema, out
}

func benchSort(b *testing.B, keys func(*arrow.Schema) []planner.SortKey, fetch int64) {
	mem := memory.NewGoAllocator()
	schema, batches := benchBatches(b, mem)
	defer func() {
		for _, x := range batches {
			x.Release()
		}
	}()
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		tc := NewTaskContext(mem)
		op, err := NewSort(tc, NewBatchSource(schema, batches), keys(schema), fetch)
		if err != nil {
			b.Fatal(err)
		}
		if err := op.Open(ctx); err != nil {
			b.Fatal(err)
		}
		for {
			out, err := op.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		op.Close()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// BenchmarkSortInt64 sorts 1M rows (three columns) by one random BIGINT.
func BenchmarkSortInt64(b *testing.B) {
	benchSort(b, func(s *arrow.Schema) []planner.SortKey { return []planner.SortKey{sortKey(s, 0, false, true)} }, -1)
}

// BenchmarkSortString sorts 1M rows by one random VARCHAR of 8-20 bytes.
func BenchmarkSortString(b *testing.B) {
	benchSort(b, func(s *arrow.Schema) []planner.SortKey { return []planner.SortKey{sortKey(s, 1, false, true)} }, -1)
}

// BenchmarkSortTwoKeys sorts 1M rows by a BIGINT of 1000 values DESC, then
// a random BIGINT.
func BenchmarkSortTwoKeys(b *testing.B) {
	benchSort(b, func(s *arrow.Schema) []planner.SortKey {
		return []planner.SortKey{sortKey(s, 2, true, false), sortKey(s, 0, false, true)}
	}, -1)
}

// BenchmarkTopN keeps the first 100 of 1M rows by a random BIGINT.
func BenchmarkTopN(b *testing.B) {
	benchSort(b, func(s *arrow.Schema) []planner.SortKey { return []planner.SortKey{sortKey(s, 0, false, true)} }, 100)
}
