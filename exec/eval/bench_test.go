package eval

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

const benchRows = 8192

// poolAllocator recycles freed buffers by size, as a query's memory pool
// would, so that benchmarks measure kernels rather than the Go heap's
// page faults on fresh 128 KiB allocations.
type poolAllocator struct {
	free map[int][][]byte
}

func newPoolAllocator() *poolAllocator { return &poolAllocator{free: map[int][][]byte{}} }

func (p *poolAllocator) Allocate(size int) []byte {
	if l := p.free[size]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[size] = l[:len(l)-1]
		return b
	}
	return make([]byte, size)
}

func (p *poolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *poolAllocator) Free(b []byte) { p.free[len(b)] = append(p.free[len(b)], b) }

// lineitemBatch is a TPC-H-like batch: price DECIMAL(15,2), discount and
// tax DECIMAL(15,2), ship date DATE, comment VARCHAR.
func lineitemBatch(mem memory.Allocator) arrow.RecordBatch {
	r := rand.New(rand.NewPCG(1, 2))
	price := array.NewDecimal128Builder(mem, tDec152.(*arrow.Decimal128Type))
	disc := array.NewDecimal128Builder(mem, tDec152.(*arrow.Decimal128Type))
	tax := array.NewDecimal128Builder(mem, tDec152.(*arrow.Decimal128Type))
	ship := array.NewDate32Builder(mem)
	comment := array.NewStringBuilder(mem)
	words := []string{"furiously", "special", "requests", "carefully", "regular", "deposits", "final", "packages", "green", "ironic"}
	for i := 0; i < benchRows; i++ {
		price.Append(decimal128.FromI64(90000 + r.Int64N(10400000)))
		disc.Append(decimal128.FromI64(r.Int64N(11)))
		tax.Append(decimal128.FromI64(r.Int64N(9)))
		ship.Append(arrow.Date32(8036 + r.IntN(2526)))
		s := ""
		for w := 0; w < 4; w++ {
			s += words[r.IntN(len(words))] + " "
		}
		comment.Append(s)
	}
	cols := []arrow.Array{price.NewArray(), disc.NewArray(), tax.NewArray(), ship.NewArray(), comment.NewArray()}
	for _, b := range []array.Builder{price, disc, tax, ship, comment} {
		b.Release()
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "price", Type: tDec152}, {Name: "disc", Type: tDec152}, {Name: "tax", Type: tDec152},
		{Name: "ship", Type: tDate}, {Name: "comment", Type: tStr},
	}, nil)
	b := array.NewRecordBatch(schema, cols, benchRows)
	releaseAll(cols)
	return b
}

func benchEval(b *testing.B, e planner.Expr) {
	mem := newPoolAllocator()
	batch := lineitemBatch(mem)
	defer batch.Release()
	ev, err := Compile(e, batch.Schema())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(benchRows) // "MB/s" reads as millions of rows per second
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := ev.Eval(mem, batch)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

// BenchmarkDecimalMultiply is TPC-H Q1's
// l_extendedprice * (1 - l_discount) * (1 + l_tax).
func BenchmarkDecimalMultiply(b *testing.B) {
	price, disc, tax := col(0, tDec152), col(1, tDec152), col(2, tDec152)
	b.Run("q1_charge", func(b *testing.B) {
		benchEval(b, arith(mul, arith(mul, price, arith(sub, lit(1, tI32), disc)), arith(add, lit(1, tI32), tax)))
	})
	b.Run("price_times_discount", func(b *testing.B) {
		benchEval(b, arith(mul, price, disc))
	})
}

// BenchmarkCompareFilter is a date-range predicate (Q6 style) and the
// Filter of the batch by it.
func BenchmarkCompareFilter(b *testing.B) {
	ship := col(3, tDate)
	pred := bin(and, cmpE(ge, ship, lit("1994-01-01", tDate)), cmpE(lt, ship, lit("1995-01-01", tDate)), tBool)
	b.Run("compare", func(b *testing.B) { benchEval(b, cmpE(le, ship, lit("1998-09-02", tDate))) })
	b.Run("range", func(b *testing.B) { benchEval(b, pred) })
	b.Run("range+filter", func(b *testing.B) {
		mem := newPoolAllocator()
		batch := lineitemBatch(mem)
		defer batch.Release()
		ev, err := Compile(pred, batch.Schema())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(benchRows)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			mask, err := ev.Eval(mem, batch)
			if err != nil {
				b.Fatal(err)
			}
			out, err := Filter(mem, batch, mask.(*array.Boolean))
			if err != nil {
				b.Fatal(err)
			}
			mask.Release()
			out.Release()
		}
	})
	b.Run("decimal_between", func(b *testing.B) {
		disc := col(1, tDec152)
		benchEval(b, bin(and, cmpE(ge, disc, lit("0.05", tDec152)), cmpE(le, disc, lit("0.07", tDec152)), tBool))
	})
}

// BenchmarkLike covers the compiled pattern shapes.
func BenchmarkLike(b *testing.B) {
	for _, p := range []string{"furiously%", "%green", "%special%", "%special%requests%", "%sp_cial%"} {
		b.Run(fmt.Sprintf("%q", p), func(b *testing.B) {
			benchEval(b, like(col(4, tStr), lit(p, tStr), true, false))
		})
	}
}

func BenchmarkTake(b *testing.B) {
	mem := newPoolAllocator()
	batch := lineitemBatch(mem)
	defer batch.Release()
	r := rand.New(rand.NewPCG(3, 4))
	idx := make([]int32, benchRows)
	for i := range idx {
		idx[i] = int32(r.IntN(benchRows))
	}
	b.ReportAllocs()
	b.SetBytes(benchRows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := TakeBatch(mem, batch, idx)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}
