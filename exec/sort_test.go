package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

func sortKey(schema *arrow.Schema, col int, desc, nullsFirst bool) planner.SortKey {
	return planner.SortKey{Expr: colRef(schema, col), Descending: desc, NullsFirst: nullsFirst}
}

func buildSort(keys []planner.SortKey, fetch int64) func(tc *TaskContext, in Operator) (Operator, error) {
	return func(tc *TaskContext, in Operator) (Operator, error) { return NewSort(tc, in, keys, fetch) }
}

// TestSortNullPlacement covers ASC/DESC × NULLS FIRST/LAST on one key, with
// duplicates whose input order (column id) must be kept.
func TestSortNullPlacement(t *testing.T) {
	schema := testSchema("k", planner.TypeBigInt, "id", planner.TypeInt)
	rows := [][]any{{3, 0}, {nil, 1}, {1, 2}, {3, 3}, {nil, 4}, {-5, 5}, {1, 6}}
	cases := []struct {
		desc, nullsFirst bool
		want             []int // ids in output order
	}{
		{false, true, []int{1, 4, 5, 2, 6, 0, 3}},
		{false, false, []int{5, 2, 6, 0, 3, 1, 4}},
		{true, true, []int{1, 4, 0, 3, 2, 6, 5}},
		{true, false, []int{0, 3, 2, 6, 5, 1, 4}},
	}
	for _, c := range cases {
		want := make([][]any, len(c.want))
		for i, id := range c.want {
			want[i] = rows[id]
		}
		for _, fetch := range []int64{-1, 3, 100} {
			w := want
			if fetch >= 0 && int(fetch) < len(w) {
				w = w[:fetch]
			}
			runHarness(t, harnessCase{
				name:   fmt.Sprintf("desc=%v/nullsFirst=%v/fetch=%d", c.desc, c.nullsFirst, fetch),
				schema: schema, rows: rows,
				build:   buildSort([]planner.SortKey{sortKey(schema, 0, c.desc, c.nullsFirst)}, fetch),
				want:    w,
				ordered: true, maxBatch: true,
			})
		}
	}
}

// TestSortMultiKey sorts by a string, a decimal and a date in mixed
// directions; ties fall through to the next key, then to input order.
func TestSortMultiKey(t *testing.T) {
	schema := testSchema("s", planner.TypeString, "d", planner.Decimal(12, 2), "dt", planner.TypeDate, "id", planner.TypeInt)
	rows := [][]any{
		{"b", "1.50", "2020-01-31", 0},
		{"a", "-0.05", "2020-02-29", 1},
		{"b", "10.00", nil, 2},
		{nil, "1.50", "2019-12-31", 3},
		{"a", "-0.05", "2020-01-01", 4},
		{"b", "1.50", "2020-01-01", 5},
		{"ab", nil, "2020-01-01", 6},
		{"", "0.00", "1969-07-20", 7},
		{"a", "-0.05", "2020-01-01", 8},
		{"b", "-10.00", "2020-01-01", 9},
	}
	keys := []planner.SortKey{
		sortKey(schema, 0, false, false), // s ASC NULLS LAST
		sortKey(schema, 1, true, false),  // d DESC NULLS LAST
		sortKey(schema, 2, false, false), // dt ASC NULLS LAST
	}
	order := []int{7, 4, 8, 1, 6, 2, 5, 0, 9, 3}
	want := make([][]any, len(order))
	for i, id := range order {
		want[i] = rows[id]
	}
	runHarness(t, harnessCase{name: "sort", schema: schema, rows: rows, build: buildSort(keys, -1),
		want: want, ordered: true, maxBatch: true})
	runHarness(t, harnessCase{name: "top4", schema: schema, rows: rows, build: buildSort(keys, 4),
		want: want[:4], ordered: true, maxBatch: true})
}

// TestSortValueEdges pins the encodings most likely to go wrong: doubles
// (-0.0 equals 0.0, NaN above +Inf), strings with zero bytes and common
// prefixes, extreme integers and booleans.
func TestSortValueEdges(t *testing.T) {
	t.Run("double", func(t *testing.T) {
		schema := testSchema("f", planner.TypeDouble, "id", planner.TypeInt)
		rows := [][]any{{math.NaN(), 0}, {0.0, 1}, {math.Inf(1), 2}, {math.Copysign(0, -1), 3}, {-1.5, 4},
			{math.Inf(-1), 5}, {nil, 6}, {1e-300, 7}, {0.0, 8}}
		asc := []int{6, 5, 4, 1, 3, 8, 7, 2, 0}
		desc := []int{0, 2, 7, 1, 3, 8, 4, 5, 6}
		for _, c := range []struct {
			desc  bool
			order []int
		}{{false, asc}, {true, desc}} {
			// NaN never equals itself, so compare the ids only.
			runHarness(t, harnessCase{
				name: fmt.Sprintf("desc=%v", c.desc), schema: schema, rows: rows,
				build: func(tc *TaskContext, in Operator) (Operator, error) {
					s, err := NewSort(tc, in, []planner.SortKey{sortKey(schema, 0, c.desc, !c.desc)}, -1)
					if err != nil {
						return nil, err
					}
					return NewProject(tc, s, []planner.Expr{colRef(schema, 1)}, []string{"id"})
				},
				want: idRows(c.order), ordered: true,
			})
		}
	})
	t.Run("string", func(t *testing.T) {
		schema := testSchema("s", planner.TypeString)
		rows := [][]any{{"ab"}, {"a\x00"}, {"a"}, {""}, {"a\x00b"}, {"b"}, {"\xff"}, {"a\x00"}, {nil}, {"é"}}
		asc := [][]any{{nil}, {""}, {"a"}, {"a\x00"}, {"a\x00"}, {"a\x00b"}, {"ab"}, {"b"}, {"é"}, {"\xff"}}
		desc := slices.Clone(asc[1:])
		slices.Reverse(desc)
		desc = append(desc, []any{nil})
		runHarness(t, harnessCase{name: "asc", schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 0, false, true)}, -1), want: asc, ordered: true})
		runHarness(t, harnessCase{name: "desc", schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 0, true, false)}, -1), want: desc, ordered: true})
		// A string key followed by another key: the terminator must end it.
		schema2 := testSchema("s", planner.TypeString, "i", planner.TypeBigInt)
		rows2 := [][]any{{"a", 2}, {"ab", 1}, {"a", 1}, {"a\x00", 0}, {"", 5}}
		want2 := [][]any{{"ab", 1}, {"a\x00", 0}, {"a", 1}, {"a", 2}, {"", 5}}
		runHarness(t, harnessCase{name: "desc-then-int", schema: schema2, rows: rows2,
			build: buildSort([]planner.SortKey{sortKey(schema2, 0, true, false), sortKey(schema2, 1, false, false)}, -1),
			want:  want2, ordered: true})
	})
	t.Run("integers", func(t *testing.T) {
		schema := testSchema("a", planner.TypeTinyInt, "b", planner.TypeSmallInt, "c", planner.TypeInt, "d", planner.TypeBoolean)
		rows := [][]any{{-128, 5, math.MaxInt32, true}, {127, -32768, 0, false}, {0, 32767, math.MinInt32, nil},
			{-128, 4, -1, false}, {-1, 0, 1, true}}
		runHarness(t, harnessCase{name: "tinyint-smallint", schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 0, false, true), sortKey(schema, 1, true, true)}, -1),
			want:  [][]any{rows[0], rows[3], rows[4], rows[2], rows[1]}, ordered: true})
		runHarness(t, harnessCase{name: "int", schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 2, false, true)}, -1),
			want:  [][]any{rows[2], rows[3], rows[1], rows[4], rows[0]}, ordered: true})
		runHarness(t, harnessCase{name: "bool-desc-nulls-last", schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 3, true, false)}, -1),
			want:  [][]any{rows[0], rows[4], rows[1], rows[3], rows[2]}, ordered: true})
	})
}

func idRows(ids []int) [][]any {
	out := make([][]any, len(ids))
	for i, id := range ids {
		out[i] = []any{id}
	}
	return out
}

// TestSortTopNTies: rows tied on the key keep input order, including across
// compactions (BatchSize 1 and 7 force many), and fetch beyond the input
// returns everything.
func TestSortTopNTies(t *testing.T) {
	schema := testSchema("k", planner.TypeBigInt, "id", planner.TypeInt)
	var rows [][]any
	for i := 0; i < 40; i++ {
		rows = append(rows, []any{(i * 7) % 4, i})
	}
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b []any) int { return cmp.Compare(a[0].(int), b[0].(int)) })
	for _, fetch := range []int64{0, 1, 5, 10, 11, 39, 40, 1000} {
		want := sorted[:min(int(fetch), len(sorted))]
		runHarness(t, harnessCase{name: fmt.Sprintf("fetch=%d", fetch), schema: schema, rows: rows,
			build: buildSort([]planner.SortKey{sortKey(schema, 0, false, true)}, fetch),
			want:  want, ordered: true, maxBatch: true})
	}
}

// TestSortRandom checks sort and top-N against a reference stable sort on
// random data with NULLs: enough rows for the radix path and for runs that
// tie on the first eight key bytes, on every mix of key types.
func TestSortRandom(t *testing.T) {
	schema := testSchema("i", planner.TypeBigInt, "s", planner.TypeString, "d", planner.Decimal(20, 3),
		"dt", planner.TypeDate, "f", planner.TypeDouble, "id", planner.TypeInt)
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "ab", "abcdefgh", "abcdefghi", "abcdefgh\x00", "zz", "m", "abcdefghij"}
	var rows [][]any
	for i := 0; i < 3000; i++ {
		row := []any{int64(r.IntN(7) - 3), words[r.IntN(len(words))], fmt.Sprintf("%d.%03d", r.IntN(5)-2, r.IntN(3)),
			arrow.Date32(r.IntN(5)), float64(r.IntN(5)) / 2, i}
		for c := 0; c < 5; c++ {
			if r.IntN(10) == 0 {
				row[c] = nil
			}
		}
		rows = append(rows, row)
	}
	keySets := [][]planner.SortKey{
		{sortKey(schema, 0, false, true)},
		{sortKey(schema, 1, true, false)},
		{sortKey(schema, 1, false, true), sortKey(schema, 0, true, true)},
		{sortKey(schema, 2, true, true), sortKey(schema, 3, false, false)},
		{sortKey(schema, 0, false, false), sortKey(schema, 2, false, true), sortKey(schema, 4, true, false)},
		{sortKey(schema, 3, true, false), sortKey(schema, 1, false, false), sortKey(schema, 0, false, true)},
	}
	for ki, keys := range keySets {
		want := referenceSort(t, schema, rows, keys)
		for _, fetch := range []int64{-1, 17, 2500} {
			w := want
			if fetch >= 0 {
				w = want[:fetch]
			}
			runHarness(t, harnessCase{name: fmt.Sprintf("keys%d/fetch=%d", ki, fetch), schema: schema, rows: rows,
				build: buildSort(keys, fetch), want: w, ordered: true, maxBatch: true, noEmpty: true})
		}
	}
}

// referenceSort sorts canonical rows with a plain comparator.
func referenceSort(t *testing.T, schema *arrow.Schema, rows [][]any, keys []planner.SortKey) [][]any {
	canon := canonicalRows(t, schema, rows)
	out := slices.Clone(canon)
	slices.SortStableFunc(out, func(a, b []any) int {
		for _, k := range keys {
			c := k.Expr.(*planner.Column).Index
			x, y := a[c], b[c]
			switch {
			case x == nil && y == nil:
				continue
			case x == nil || y == nil:
				if (x == nil) == k.NullsFirst {
					return -1
				}
				return 1
			}
			r := compareCanonical(x, y, schema.Field(c).Type)
			if k.Descending {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return 0
	})
	return out
}

func compareCanonical(x, y any, dt arrow.DataType) int {
	switch x := x.(type) {
	case int64:
		return cmp.Compare(x, y.(int64))
	case float64:
		return cmp.Compare(x, y.(float64))
	case string:
		if dt.ID() == arrow.DECIMAL128 {
			var a, b float64
			fmt.Sscan(x, &a)
			fmt.Sscan(y.(string), &b)
			return cmp.Compare(a, b)
		}
		return strings.Compare(x, y.(string))
	case bool:
		yb := y.(bool)
		if x == yb {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	}
	panic(fmt.Sprintf("no comparison for %T", x))
}

func TestSortErrors(t *testing.T) {
	schema := testSchema("i", planner.TypeInterval)
	tc := NewTaskContext(nil)
	src := NewBatchSource(schema, nil)
	if _, err := NewSort(tc, src, []planner.SortKey{sortKey(schema, 0, false, true)}, -1); err == nil ||
		!strings.Contains(err.Error(), "cannot sort") {
		t.Fatalf("sort by INTERVAL: err = %v", err)
	}
	bad := planner.SortKey{Expr: &planner.Column{Index: 3, Name: "x", DataType: planner.TypeBigInt}}
	if _, err := NewSort(tc, src, []planner.SortKey{bad}, -1); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("sort by a missing column: err = %v", err)
	}
}

// TestSortSpill sorts with a memory budget so small that every input batch
// becomes a spilled run, and checks the k-way merge against the reference
// (stability across runs included) and that the run files are removed.
func TestSortSpill(t *testing.T) {
	schema := testSchema("i", planner.TypeBigInt, "s", planner.TypeString, "d", planner.Decimal(20, 3),
		"dt", planner.TypeDate, "f", planner.TypeDouble, "id", planner.TypeInt)
	r := rand.New(rand.NewPCG(5, 6))
	var rows [][]any
	for i := 0; i < 500; i++ {
		row := []any{int64(r.IntN(7) - 3), fmt.Sprint(r.IntN(30)), fmt.Sprintf("%d.%03d", r.IntN(5)-2, r.IntN(3)),
			arrow.Date32(r.IntN(5)), float64(r.IntN(5)) / 2, i}
		if r.IntN(10) == 0 {
			row[0] = nil
		}
		rows = append(rows, row)
	}
	keys := []planner.SortKey{sortKey(schema, 0, true, false), sortKey(schema, 1, false, true)}
	want := referenceSort(t, schema, rows, keys)
	for _, budget := range []int64{1, 4 << 10} {
		runHarness(t, harnessCase{name: fmt.Sprintf("budget=%d", budget), schema: schema, rows: rows,
			build: func(tc *TaskContext, in Operator) (Operator, error) {
				tc.MemoryBudget = budget
				op, err := NewSort(tc, in, keys, -1)
				return &spillWatch{Operator: op, t: t, dir: tc.TempDir}, err
			},
			want: want, ordered: true, maxBatch: true})
	}
}

// spillWatch checks that a sort has run files in its directory while it
// produces output, and none once closed.
type spillWatch struct {
	Operator
	t       *testing.T
	dir     string
	checked bool
}

func (w *spillWatch) Next(ctx context.Context) (arrow.RecordBatch, error) {
	b, err := w.Operator.Next(ctx)
	if err == nil && !w.checked {
		w.checked = true
		if files, _ := os.ReadDir(w.dir); len(files) == 0 {
			w.t.Errorf("no run files while merging")
		}
	}
	return b, err
}

func (w *spillWatch) Close() error {
	err := w.Operator.Close()
	if files, _ := os.ReadDir(w.dir); len(files) > 0 {
		w.t.Errorf("spill files left after Close: %v", files)
	}
	return err
}
