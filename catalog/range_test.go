package catalog

import (
	"context"
	"io"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rangeIDs reads every split of tbl with the column id (or with no
// columns: then it returns nil ids) and returns the ids per split, the
// row count per split and the largest batch seen.
func rangeIDs(t *testing.T, tbl Table, cols []int, batchSize int) (ids [][]int64, rows []int64, largest int64) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	req := ScanRequest{Columns: cols}
	splits, err := tbl.Splits(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range splits {
		if s.Index != i {
			t.Fatalf("split %d has index %d", i, s.Index)
		}
		r, err := tbl.Open(ctx, s, req, mem, batchSize)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		var n int64
		for {
			b, err := r.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if int(b.NumCols()) != len(cols) {
				t.Fatalf("batch has %d columns, want %d", b.NumCols(), len(cols))
			}
			n += b.NumRows()
			largest = max(largest, b.NumRows())
			if len(cols) > 0 {
				got = append(got, b.Column(0).(*array.Int64).Int64Values()...)
				if b.Column(0).NullN() != 0 {
					t.Fatalf("id has NULLs")
				}
			}
			b.Release()
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil { // twice is fine
			t.Fatal(err)
		}
		if n != s.Rows || n != s.Length {
			t.Fatalf("split %d read %d rows, says %d (length %d)", i, n, s.Rows, s.Length)
		}
		ids = append(ids, got)
		rows = append(rows, n)
	}
	return ids, rows, largest
}

// expectRange is the reference: a plain loop.
func expectRange(start, end, step int64) []int64 {
	var out []int64
	for v := start; (step > 0 && v < end) || (step < 0 && v > end); v += step {
		out = append(out, v)
		if (step > 0 && v > math.MaxInt64-step) || (step < 0 && v < math.MinInt64-step) {
			break
		}
	}
	return out
}

func TestRangeTable(t *testing.T) {
	tests := []struct {
		start, end, step int64
		parts            int
		wantSizes        []int64
	}{
		{0, 10, 1, 1, []int64{10}},
		{0, 10, 1, 3, []int64{4, 3, 3}},
		{0, 10, 3, 2, []int64{2, 2}}, // 0 3 | 6 9
		{10, 0, -1, 4, []int64{3, 3, 2, 2}},
		{10, 0, -3, 1, []int64{4}}, // 10 7 4 1
		{-5, 5, 2, 2, []int64{3, 2}},
		{0, 3, 1, 5, []int64{1, 1, 1}}, // empty splits left out
		{0, 0, 1, 4, nil},
		{5, 0, 1, 4, nil},  // wrong direction
		{0, 5, -1, 4, nil}, // wrong direction
		{math.MaxInt64 - 2, math.MaxInt64, 1, 1, []int64{2}},
		{math.MinInt64, math.MinInt64 + 10, 4, 2, []int64{2, 1}},
		{math.MaxInt64, math.MinInt64, math.MinInt64, 1, []int64{2}}, // MaxInt64, -1
		{0, 100_000, 1, 3, []int64{33334, 33333, 33333}},
	}
	for _, tt := range tests {
		tbl, err := NewRangeTable(tt.start, tt.end, tt.step, tt.parts)
		if err != nil {
			t.Fatalf("range(%d,%d,%d): %v", tt.start, tt.end, tt.step, err)
		}
		want := expectRange(tt.start, tt.end, tt.step)
		if got := tbl.Statistics().Rows; got != int64(len(want)) {
			t.Fatalf("range(%d,%d,%d): statistics say %d rows, want %d", tt.start, tt.end, tt.step, got, len(want))
		}
		if !tbl.Schema().Equal(rangeSchema) || tbl.Schema().Field(0).Nullable {
			t.Fatalf("schema %s", tbl.Schema())
		}
		for _, bs := range []int{0, 7, 1 << 20} {
			ids, sizes, _ := rangeIDs(t, tbl, []int{0}, bs)
			if !slices.Equal(sizes, tt.wantSizes) {
				t.Fatalf("range(%d,%d,%d,%d): split sizes %v, want %v", tt.start, tt.end, tt.step, tt.parts, sizes, tt.wantSizes)
			}
			if got := slices.Concat(ids...); !slices.Equal(got, want) {
				t.Fatalf("range(%d,%d,%d,%d) batch %d: %v, want %v", tt.start, tt.end, tt.step, tt.parts, bs, got, want)
			}
		}
	}
}

func TestRangeTableBatches(t *testing.T) {
	tbl, err := NewRangeTable(0, 1_000_000, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	_, _, largest := rangeIDs(t, tbl, []int{0}, 0)
	if largest != defaultBatchSize {
		t.Fatalf("default batches of %d rows, want %d", largest, defaultBatchSize)
	}
	_, sizes, largest := rangeIDs(t, tbl, []int{0}, 1000)
	if largest != 1000 || !slices.Equal(sizes, []int64{500_000, 500_000}) {
		t.Fatalf("largest %d, sizes %v", largest, sizes)
	}
	// No columns: row counts only.
	ids, sizes, _ := rangeIDs(t, tbl, nil, 4096)
	if !slices.Equal(sizes, []int64{500_000, 500_000}) || len(slices.Concat(ids...)) != 0 {
		t.Fatalf("count-only read: sizes %v", sizes)
	}
	// The same column twice.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	small, _ := NewRangeTable(1, 4, 1, 1)
	req := ScanRequest{Columns: []int{0, 0}}
	splits, _ := small.Splits(context.Background(), req)
	r, err := small.Open(context.Background(), splits[0], req, mem, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if b.NumCols() != 2 || !slices.Equal(b.Column(1).(*array.Int64).Int64Values(), []int64{1, 2, 3}) {
		t.Fatalf("got %v", b)
	}
}

// TestRangeTableHuge checks that a range is not materialized: a trillion
// rows plan and read their first batch at once.
func TestRangeTableHuge(t *testing.T) {
	tbl, err := NewRangeTable(0, 1_000_000_000_000, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Statistics().Rows != 1_000_000_000_000 {
		t.Fatalf("rows %d", tbl.Statistics().Rows)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	req := ScanRequest{Columns: []int{0}}
	splits, err := tbl.Splits(ctx, req)
	if err != nil || len(splits) != 100 {
		t.Fatalf("%d splits, %v", len(splits), err)
	}
	last := splits[99]
	if last.Offset != 99*10_000_000_000 || last.Length != 10_000_000_000 {
		t.Fatalf("last split %+v", last)
	}
	r, err := tbl.Open(ctx, last, req, mem, 1024)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := b.Column(0).(*array.Int64).Value(0); v != 990_000_000_000 {
		t.Fatalf("first id %d", v)
	}
	b.Release()
	r.Close()
	if mem.CurrentAlloc() != 0 {
		t.Fatalf("%d bytes left", mem.CurrentAlloc())
	}
}

func TestRangeTableErrors(t *testing.T) {
	if _, err := NewRangeTable(0, 10, 0, 1); err == nil {
		t.Fatal("step 0 must fail")
	}
	if _, err := NewRangeTable(0, 10, 1, 0); err == nil {
		t.Fatal("0 partitions must fail")
	}
	if _, err := NewRangeTable(math.MinInt64, math.MaxInt64, 1, 1); err == nil {
		t.Fatal("2^64-1 rows must fail")
	}
	if _, err := NewRangeTable(math.MinInt64, math.MaxInt64, 2, 1); err == nil {
		t.Fatal("2^63 rows must fail")
	}
	if tbl, err := NewRangeTable(math.MinInt64, math.MaxInt64, 4, 1); err != nil || tbl.Statistics().Rows != 1<<62 {
		t.Fatalf("2^62 rows: %v", err)
	}
	tbl, _ := NewRangeTable(0, 10, 1, 2)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	if _, err := tbl.Open(ctx, Split{Offset: 5, Length: 6}, ScanRequest{}, mem, 0); err == nil {
		t.Fatal("a split past the end must fail")
	}
	if _, err := tbl.Open(ctx, Split{Offset: -1, Length: 1}, ScanRequest{}, mem, 0); err == nil {
		t.Fatal("a negative offset must fail")
	}
	if _, err := tbl.Open(ctx, Split{Length: 1}, ScanRequest{Columns: []int{1}}, mem, 0); err == nil {
		t.Fatal("column 1 must fail")
	}
	cctx, cancel := context.WithCancel(ctx)
	r, err := tbl.Open(cctx, Split{Length: 10}, ScanRequest{Columns: []int{0}}, mem, 0)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Next(cctx); err == nil || err == io.EOF {
		t.Fatalf("a cancelled read gives %v", err)
	}
	r.Close()
}

func TestRangeTablePruning(t *testing.T) {
	tbl, _ := NewRangeTable(0, 100, 1, 4) // 0-24 | 25-49 | 50-74 | 75-99
	desc, _ := NewRangeTable(99, -1, -1, 4)
	tests := []struct {
		tbl   Table
		preds []ColumnPredicate
		want  []int
	}{
		{tbl, nil, []int{0, 1, 2, 3}},
		{tbl, []ColumnPredicate{{Op: CmpEq, Value: int64(30)}}, []int{1}},
		{tbl, []ColumnPredicate{{Op: CmpLt, Value: int64(25)}}, []int{0}},
		{tbl, []ColumnPredicate{{Op: CmpLtEq, Value: int64(25)}}, []int{0, 1}},
		{tbl, []ColumnPredicate{{Op: CmpGt, Value: int64(74)}}, []int{3}},
		{tbl, []ColumnPredicate{{Op: CmpGtEq, Value: int64(74)}}, []int{2, 3}},
		{tbl, []ColumnPredicate{{Op: CmpGtEq, Value: int64(30)}, {Op: CmpLt, Value: int64(60)}}, []int{1, 2}},
		{tbl, []ColumnPredicate{{Op: CmpIsNull}}, nil},
		{tbl, []ColumnPredicate{{Op: CmpIsNotNull}}, []int{0, 1, 2, 3}},
		{tbl, []ColumnPredicate{{Op: CmpEq, Value: "x"}}, []int{0, 1, 2, 3}}, // not an int64: ignored
		{desc, []ColumnPredicate{{Op: CmpLt, Value: int64(25)}}, []int{3}},   // 99-75 | ... | 24-0
	}
	for i, tt := range tests {
		splits, err := tt.tbl.Splits(context.Background(), ScanRequest{Columns: []int{0}, Predicates: tt.preds})
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, s := range splits {
			got = append(got, s.Index)
		}
		if !slices.Equal(got, tt.want) {
			t.Fatalf("case %d: splits %v, want %v", i, got, tt.want)
		}
	}
}
