package output

import (
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// benchBatch is a lineitem-like batch: key, quantity, price, date, comment.
func benchBatch(b *testing.B, mem memory.Allocator, rows int) arrow.RecordBatch {
	keys, qty, price, day, comment := make([]any, rows), make([]any, rows), make([]any, rows), make([]any, rows), make([]any, rows)
	for i := range rows {
		keys[i] = int64(i)
		qty[i] = float64(i%50) + 0.25
		price[i] = dec(int64(i*7919%10000000 - 5000))
		day[i] = 8000 + i%2500
		comment[i] = fmt.Sprintf("carefully final deposits %d, sleep", i)
	}
	return batchOf(b, mem, []string{"k", "q", "p", "d", "c"},
		[]arrow.DataType{planner.TypeBigInt, planner.TypeDouble, planner.Decimal(12, 2), planner.TypeDate, planner.TypeString},
		keys, qty, price, day, comment)
}

func benchmarkFormat(b *testing.B, format string) {
	mem := memory.NewGoAllocator()
	batch := benchBatch(b, mem, 8192)
	defer batch.Release()
	w, _ := New(format, io.Discard)
	b.ReportAllocs()
	b.ResetTimer()
	w.Begin(batch.Schema())
	for range b.N {
		if err := w.Write(batch); err != nil {
			b.Fatal(err)
		}
	}
	w.End()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*8192), "ns/row")
}

func BenchmarkCSV(b *testing.B)    { benchmarkFormat(b, FormatCSV) }
func BenchmarkNDJSON(b *testing.B) { benchmarkFormat(b, FormatNDJSON) }
