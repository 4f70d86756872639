package eval

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// randBatch is a batch of n rows of one INT column (rand reads none).
func randBatch(mem memory.Allocator, n int) arrow.RecordBatch {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	for i := range n {
		b.Append(int32(i))
	}
	a := b.NewArray()
	defer a.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: tI32}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{a}, int64(n))
}

// drawRand compiles e for opts and evaluates it over batches of the given
// sizes, returning all the values in order.
func drawRand(t *testing.T, mem memory.Allocator, e planner.Expr, opts Options, sizes ...int) []float64 {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: tI32}}, nil)
	ev, err := CompileWith(e, schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, n := range sizes {
		b := randBatch(mem, n)
		a, err := ev.Eval(mem, b)
		b.Release()
		if err != nil {
			t.Fatal(err)
		}
		if a.NullN() != 0 || a.Len() != n || !arrow.TypeEqual(a.DataType(), tF64) {
			t.Fatalf("rand gave %s of %d rows, %d NULLs", a.DataType(), a.Len(), a.NullN())
		}
		out = append(out, a.(*array.Float64).Float64Values()...)
		a.Release()
	}
	return out
}

func TestRandStreams(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r42 := fn("rand", tF64, lit(42, tI64))

	// Within a task the sequence runs on across batches, whatever their
	// sizes: one batch of 1000 equals 1+10+489+500.
	whole := drawRand(t, mem, r42, Options{}, 1000)
	cut := drawRand(t, mem, r42, Options{}, 1, 10, 489, 500)
	if !slices.Equal(whole, cut) {
		t.Fatal("rand(42) depends on how rows are cut into batches")
	}
	if slices.Equal(whole[:500], whole[500:]) || whole[0] == whole[1] || whole[0] == whole[11] {
		t.Fatal("rand(42) repeats itself from batch to batch")
	}
	seen := map[float64]bool{}
	for _, v := range whole {
		if v < 0 || v >= 1 || math.IsNaN(v) {
			t.Fatalf("rand gave %v, outside [0, 1)", v)
		}
		seen[v] = true
	}
	if len(seen) != len(whole) {
		t.Fatalf("%d distinct values in %d draws", len(seen), len(whole))
	}

	// Deterministic: another compile (another run) gives the same values.
	if again := drawRand(t, mem, r42, Options{}, 1000); !slices.Equal(again, whole) {
		t.Fatal("rand(42) is not deterministic")
	}

	// Partitions draw different streams; partition p of seed s is the
	// stream of seed s+p (Spark's seeding).
	p1 := drawRand(t, mem, r42, Options{Partition: 1}, 1000)
	if slices.Equal(p1[:100], whole[:100]) || p1[0] == whole[0] {
		t.Fatal("partitions 0 and 1 draw the same numbers")
	}
	for _, x := range whole[:100] {
		if slices.Contains(p1[:100], x) {
			t.Fatal("the streams of partitions 0 and 1 overlap")
		}
	}
	r43 := drawRand(t, mem, fn("rand", tF64, lit(43, tI64)), Options{}, 1000)
	if !slices.Equal(r43, p1) {
		t.Fatal("partition 1 of rand(42) is not the stream of seed 43")
	}
	if again := drawRand(t, mem, r42, Options{Partition: 1}, 300, 700); !slices.Equal(again, p1) {
		t.Fatal("partition 1 is not deterministic")
	}

	// rand(NULL) is rand(0); an INT seed works like a BIGINT one.
	r0 := drawRand(t, mem, fn("rand", tF64, lit(0, tI64)), Options{}, 10)
	if got := drawRand(t, mem, fn("rand", tF64, lit(nil, tI64)), Options{}, 10); !slices.Equal(got, r0) {
		t.Fatal("rand(NULL) differs from rand(0)")
	}

	// rand() takes the query's seed when there is one, a random one else.
	unseeded := fn("rand", tF64)
	q1 := drawRand(t, mem, unseeded, Options{QuerySeed: 7}, 10)
	if q2 := drawRand(t, mem, unseeded, Options{QuerySeed: 7}, 10); !slices.Equal(q1, q2) {
		t.Fatal("rand() with one query seed differs between tasks")
	}
	if q3 := drawRand(t, mem, unseeded, Options{QuerySeed: 7, Partition: 1}, 10); slices.Equal(q1, q3) {
		t.Fatal("rand() draws the same numbers in two partitions")
	}
	if a, b := drawRand(t, mem, unseeded, Options{}, 10), drawRand(t, mem, unseeded, Options{}, 10); slices.Equal(a, b) {
		t.Fatal("rand() without a query seed repeats across runs")
	}
}

// TestRandUniform checks the distribution: the mean of a million draws
// within 0.005 of 0.5 (the standard error is 0.0003) in every one of four
// partitions, and each tenth of [0, 1) holding about a tenth of them.
func TestRandUniform(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 1_000_000
	sizes := slices.Repeat([]int{8192}, n/8192)
	sizes = append(sizes, n%8192)
	for p := range 4 {
		vals := drawRand(t, mem, fn("rand", tF64, lit(42, tI64)), Options{Partition: p}, sizes...)
		var sum float64
		var bins [10]int
		for _, v := range vals {
			sum += v
			bins[int(v*10)]++
		}
		if mean := sum / n; math.Abs(mean-0.5) > 0.005 {
			t.Fatalf("partition %d: mean %v", p, mean)
		}
		for i, c := range bins {
			if c < n/10-3000 || c > n/10+3000 { // ~10 standard deviations
				t.Fatalf("partition %d: %d values in [%v, %v)", p, c, float64(i)/10, float64(i+1)/10)
			}
		}
	}
}

func TestRandErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: tI64}}, nil)
	col := &planner.Column{Index: 0, DataType: tI64}
	if _, err := Compile(fn("rand", tF64, col), schema); err == nil {
		t.Fatal("a column seed must fail")
	}
	if _, err := Compile(fn("rand", tF64, lit(1, tI64), lit(2, tI64)), schema); err == nil {
		t.Fatal("two arguments must fail")
	}
	if _, err := EvalConstant(fn("rand", tF64, lit(1, tI64))); err == nil {
		t.Fatal("rand is not a constant")
	}
}

func BenchmarkRand(b *testing.B) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: tI32}}, nil)
	ev, err := CompileWith(fn("rand", tF64, lit(42, tI64)), schema, Options{})
	if err != nil {
		b.Fatal(err)
	}
	batch := randBatch(mem, 65536)
	defer batch.Release()
	b.SetBytes(65536 * 8)
	for b.Loop() {
		a, err := ev.Eval(mem, batch)
		if err != nil {
			b.Fatal(err)
		}
		a.Release()
	}
}
