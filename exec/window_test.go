package exec

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// winCall builds a window call over schema: fn(args) OVER (PARTITION BY
// part ORDER BY order frame), its type as the binder would give it.
func winCall(t testing.TB, fn planner.WindowFunc, args []planner.Expr, part []planner.Expr, order []planner.SortKey, frame *planner.Frame) *planner.WindowCall {
	t.Helper()
	var dt arrow.DataType
	switch fn {
	case planner.WinRowNumber, planner.WinRank, planner.WinDenseRank:
		dt = planner.TypeInt
	case planner.WindowFunc(planner.AggCount), planner.WindowFunc(planner.AggCountStar):
		dt = planner.TypeBigInt
	case planner.WindowFunc(planner.AggSum):
		var err error
		if dt, err = planner.SumType(args[0].Type()); err != nil {
			t.Fatal(err)
		}
	case planner.WindowFunc(planner.AggAvg):
		var err error
		if dt, err = planner.AvgType(args[0].Type()); err != nil {
			t.Fatal(err)
		}
	default:
		dt = args[0].Type()
	}
	return &planner.WindowCall{Func: fn, Args: args, PartitionBy: part, OrderBy: order, Frame: frame, DataType: dt}
}

// rowsFrame is ROWS BETWEEN start AND end (offsets from the current row),
// either end possibly UNBOUNDED.
func rowsFrame(start, end int64, unboundedStart, unboundedEnd bool) *planner.Frame {
	if unboundedStart {
		start = -1
	}
	if unboundedEnd {
		end = 1
	}
	return &planner.Frame{Rows: true, Start: planner.FrameBound{Unbounded: unboundedStart, Offset: start},
		End: planner.FrameBound{Unbounded: unboundedEnd, Offset: end}}
}

func buildWindow(calls ...*planner.WindowCall) func(tc *TaskContext, in Operator) (Operator, error) {
	return func(tc *TaskContext, in Operator) (Operator, error) {
		names := make([]string, len(calls))
		for i := range names {
			names[i] = fmt.Sprintf("w%d", i)
		}
		return NewWindow(tc, in, calls, names)
	}
}

// appendCols appends to each row the values of extra[i].
func appendCols(rows [][]any, extra ...[]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = append(slices.Clone(r), make([]any, len(extra))...)
		for j, e := range extra {
			out[i][len(r)+j] = e[i]
		}
	}
	return out
}

// TestWindowRanking: ties are peers for rank and dense_rank, not for
// row_number; NULL order keys are peers of each other; a NULL partition key
// is a partition.
func TestWindowRanking(t *testing.T) {
	schema := testSchema("p", planner.TypeString, "o", planner.TypeBigInt, "id", planner.TypeInt)
	rows := [][]any{
		{"a", 10, 0}, {"a", 20, 1}, {"a", 10, 2}, {"a", nil, 3}, {"a", 30, 4}, {"a", nil, 5},
		{"b", 5, 6}, {nil, 1, 7}, {nil, 1, 8}, {"b", 4, 9},
	}
	p := []planner.Expr{colRef(schema, 0)}
	o := []planner.SortKey{sortKey(schema, 1, false, true)} // ASC NULLS FIRST
	want := appendCols(rows,
		// row_number: within ties, input order.
		[]any{3, 5, 4, 1, 6, 2, 2, 1, 2, 1},
		[]any{3, 5, 3, 1, 6, 1, 2, 1, 1, 1}, // rank
		[]any{2, 3, 2, 1, 4, 1, 2, 1, 1, 1}, // dense_rank
	)
	runHarness(t, harnessCase{name: "asc-nulls-first", schema: schema, rows: rows,
		build: buildWindow(
			winCall(t, planner.WinRowNumber, nil, p, o, nil),
			winCall(t, planner.WinRank, nil, p, o, nil),
			winCall(t, planner.WinDenseRank, nil, p, o, nil)),
		want: want})
	// DESC NULLS LAST, and rows come out sorted by partition then order.
	od := []planner.SortKey{sortKey(schema, 1, true, false)}
	runHarness(t, harnessCase{name: "desc-nulls-last-ordered", schema: schema, rows: rows[:6],
		build:   buildWindow(winCall(t, planner.WinRank, nil, p, od, nil)),
		want:    [][]any{{"a", 30, 4, 1}, {"a", 20, 1, 2}, {"a", 10, 0, 3}, {"a", 10, 2, 3}, {"a", nil, 3, 5}, {"a", nil, 5, 5}},
		ordered: true})
}

// TestWindowLagLead covers offsets, defaults (constant and per row) and
// partition edges.
func TestWindowLagLead(t *testing.T) {
	schema := testSchema("p", planner.TypeBigInt, "o", planner.TypeBigInt, "v", planner.TypeString)
	rows := [][]any{{1, 1, "a"}, {1, 2, nil}, {1, 3, "c"}, {2, 1, "x"}, {1, 4, "d"}, {2, 2, "y"}}
	p := []planner.Expr{colRef(schema, 0)}
	o := []planner.SortKey{sortKey(schema, 1, false, true)}
	v := colRef(schema, 2)
	want := appendCols(rows,
		[]any{nil, "a", nil, nil, "c", "x"}, // lag(v)
		[]any{"-", "-", "a", "-", nil, "-"}, // lag(v, 2, '-')
		[]any{nil, "c", "d", "y", nil, nil}, // lead(v)
		[]any{"c", "d", "c", "x", "d", "y"}, // lead(v, 2, v): default is the row's own v
		[]any{"a", nil, "c", "x", "d", "y"}, // lag(v, 0)
		[]any{nil, "a", nil, nil, "c", "x"}, // lead(v, -1) = lag(v)
	)
	runHarness(t, harnessCase{name: "lag-lead", schema: schema, rows: rows,
		build: buildWindow(
			winCall(t, planner.WinLag, []planner.Expr{v}, p, o, nil),
			winCall(t, planner.WinLag, []planner.Expr{v, lit(int32(2), planner.TypeInt), lit("-", planner.TypeString)}, p, o, nil),
			winCall(t, planner.WinLead, []planner.Expr{v}, p, o, nil),
			winCall(t, planner.WinLead, []planner.Expr{v, lit(int64(2), planner.TypeBigInt), v}, p, o, nil),
			winCall(t, planner.WinLag, []planner.Expr{v, lit(int32(0), planner.TypeInt)}, p, o, nil),
			winCall(t, planner.WinLead, []planner.Expr{v, lit(int32(-1), planner.TypeInt), lit(nil, planner.TypeNull)}, p, o, nil)),
		want: want})
}

// TestWindowFrames covers the default frames (with ORDER BY: up to the
// last peer; without: the whole partition) and ROWS frames, including
// frames that are empty near the partition's end.
func TestWindowFrames(t *testing.T) {
	schema := testSchema("p", planner.TypeString, "o", planner.TypeInt, "v", planner.TypeBigInt)
	rows := [][]any{
		{"a", 1, 10}, {"a", 2, nil}, {"a", 2, 5}, {"a", 3, -3}, {"a", 4, 7},
		{"b", 1, nil}, {"b", 2, nil}, {"c", 9, 4},
	}
	p := []planner.Expr{colRef(schema, 0)}
	o := []planner.SortKey{sortKey(schema, 1, false, true)}
	v := colRef(schema, 2)
	agg := func(f planner.AggFunc, frame *planner.Frame, order []planner.SortKey) *planner.WindowCall {
		args := []planner.Expr{v}
		if f == planner.AggCountStar {
			args = nil
		}
		return winCall(t, planner.WindowFunc(f), args, p, order, frame)
	}
	running := rowsFrame(0, 0, true, false)
	around := rowsFrame(-1, 1, false, false)
	ahead := rowsFrame(2, 3, false, false)
	tail := rowsFrame(0, 1, false, true)
	cases := []struct {
		name string
		call *planner.WindowCall
		want []any
	}{
		{"sum-default-peers", agg(planner.AggSum, nil, o), []any{10, 15, 15, 12, 19, nil, nil, 4}},
		{"sum-whole-partition", agg(planner.AggSum, nil, nil), []any{19, 19, 19, 19, 19, nil, nil, 4}},
		{"sum-running-rows", agg(planner.AggSum, running, o), []any{10, 10, 15, 12, 19, nil, nil, 4}},
		{"sum-1-preceding-1-following", agg(planner.AggSum, around, o), []any{10, 15, 2, 9, 4, nil, nil, 4}},
		{"sum-2-3-following", agg(planner.AggSum, ahead, o), []any{2, 4, 7, nil, nil, nil, nil, nil}},
		{"sum-current-to-unbounded", agg(planner.AggSum, tail, o), []any{19, 9, 9, 4, 7, nil, nil, 4}},
		{"count-around", agg(planner.AggCount, around, o), []any{1, 2, 2, 3, 2, 0, 0, 1}},
		{"count-star-ahead", agg(planner.AggCountStar, ahead, o), []any{2, 2, 1, 0, 0, 0, 0, 0}},
		{"count-star-default", agg(planner.AggCountStar, nil, o), []any{1, 3, 3, 4, 5, 1, 2, 1}},
		{"min-around", agg(planner.AggMin, around, o), []any{10, 5, -3, -3, -3, nil, nil, 4}},
		{"max-around", agg(planner.AggMax, around, o), []any{10, 10, 5, 7, 7, nil, nil, 4}},
		{"max-default", agg(planner.AggMax, nil, o), []any{10, 10, 10, 10, 10, nil, nil, 4}},
		{"min-tail", agg(planner.AggMin, tail, o), []any{-3, -3, -3, -3, 7, nil, nil, 4}},
		{"avg-around", agg(planner.AggAvg, around, o), []any{10.0, 7.5, 1.0, 3.0, 2.0, nil, nil, 4.0}},
		{"first-value-default", winCall(t, planner.WinFirstValue, []planner.Expr{v}, p, o, nil), []any{10, 10, 10, 10, 10, nil, nil, 4}},
		{"last-value-default", winCall(t, planner.WinLastValue, []planner.Expr{v}, p, o, nil), []any{10, 5, 5, -3, 7, nil, nil, 4}},
		{"last-value-around", winCall(t, planner.WinLastValue, []planner.Expr{v}, p, o, around), []any{nil, 5, -3, 7, 7, nil, nil, 4}},
		{"first-value-ahead", winCall(t, planner.WinFirstValue, []planner.Expr{v}, p, o, ahead), []any{5, -3, 7, nil, nil, nil, nil, nil}},
		{"range-current-row", agg(planner.AggSum, &planner.Frame{Start: planner.FrameBound{Offset: 0},
			End: planner.FrameBound{Offset: 0}}, o), []any{10, 5, 5, -3, 7, nil, nil, 4}},
		{"range-current-to-unbounded", agg(planner.AggCountStar, &planner.Frame{Start: planner.FrameBound{Offset: 0},
			End: planner.FrameBound{Unbounded: true, Offset: 1}}, o), []any{5, 4, 4, 2, 1, 2, 1, 1}},
	}
	for _, c := range cases {
		runHarness(t, harnessCase{name: c.name, schema: schema, rows: rows, build: buildWindow(c.call),
			want: appendCols(rows, c.want)})
	}
}

// TestWindowDecimal: sums are exact and typed DECIMAL(p+10,s); averages
// are DECIMAL(p+4,s+4) rounded HALF_UP, also for negatives.
func TestWindowDecimal(t *testing.T) {
	schema := testSchema("p", planner.TypeInt, "d", planner.Decimal(5, 2))
	var rows [][]any
	for i := 0; i < 32; i++ {
		v, w := "0.00", "0.00"
		if i == 0 {
			v, w = "0.01", "-0.01"
		}
		rows = append(rows, []any{1, v}, []any{2, w})
	}
	rows = append(rows, []any{3, "999.99"}, []any{3, "999.99"}, []any{3, "0.01"}, []any{3, nil})
	p := []planner.Expr{colRef(schema, 0)}
	d := colRef(schema, 1)
	sum := map[int64]any{1: "0.01", 2: "-0.01", 3: "1999.99"}
	avg := map[int64]any{1: "0.000313", 2: "-0.000313", 3: "666.663333"}
	var want [][]any
	for _, r := range rows {
		k := int64(r[0].(int))
		want = append(want, []any{r[0], r[1], sum[k], avg[k]})
	}
	runHarness(t, harnessCase{name: "sum-avg", schema: schema, rows: rows,
		build: buildWindow(
			winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{d}, p, nil, nil),
			winCall(t, planner.WindowFunc(planner.AggAvg), []planner.Expr{d}, p, nil, nil)),
		want: want})
	// A sliding decimal sum adds and subtracts exactly.
	schema2 := testSchema("o", planner.TypeInt, "d", planner.Decimal(38, 2))
	big := "999999999999999999999999999999999999.99"
	rows2 := [][]any{{1, big}, {2, "-" + big}, {3, "0.01"}, {4, "0.02"}}
	runHarness(t, harnessCase{name: "sliding-38-digits", schema: schema2, rows: rows2,
		build: buildWindow(winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{colRef(schema2, 1)}, nil,
			[]planner.SortKey{sortKey(schema2, 0, false, true)}, rowsFrame(-1, 0, false, false))),
		want: appendCols(rows2, []any{big, "0.00", "-999999999999999999999999999999999999.98", "0.03"})})
	runHarness(t, harnessCase{name: "overflow", schema: schema2, rows: [][]any{{1, big}, {2, big}},
		build:   buildWindow(winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{colRef(schema2, 1)}, nil, nil, nil)),
		wantErr: "decimal overflow"})
}

func TestWindowIntegerOverflow(t *testing.T) {
	schema := testSchema("o", planner.TypeInt, "v", planner.TypeBigInt)
	o := []planner.SortKey{sortKey(schema, 0, false, true)}
	v := colRef(schema, 1)
	rows := [][]any{{1, int64(math.MaxInt64)}, {2, int64(math.MaxInt64)}, {3, int64(math.MinInt64)}, {4, 5}}
	// The running sum overflows at row 2 ...
	runHarness(t, harnessCase{name: "running", schema: schema, rows: rows,
		build:   buildWindow(winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{v}, nil, o, nil)),
		wantErr: "integer overflow"})
	// ... but a 2-row window's intermediate overflow is not an error when
	// the frame sums fit, and avg is exact.
	runHarness(t, harnessCase{name: "frames-fit", schema: schema, rows: rows[1:],
		build: buildWindow(
			winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{v}, nil, o, rowsFrame(-1, 0, false, false)),
			winCall(t, planner.WindowFunc(planner.AggAvg), []planner.Expr{v}, nil, o, rowsFrame(-1, 0, false, false))),
		want: appendCols(rows[1:], []any{int64(math.MaxInt64), -1, int64(math.MinInt64) + 5},
			[]any{float64(math.MaxInt64), -0.5, (float64(math.MinInt64) + 5) / 2})})
}

// TestWindowDoubles: a sliding double sum must not subtract (1e20 + 1 - 1e20
// would lose the 1).
func TestWindowDoubles(t *testing.T) {
	schema := testSchema("o", planner.TypeInt, "v", planner.TypeDouble)
	rows := [][]any{{1, 1e20}, {2, 1.0}, {3, 1.0}, {4, -1e20}, {5, 3.0}, {6, math.NaN()}}
	o := []planner.SortKey{sortKey(schema, 0, false, true)}
	v := colRef(schema, 1)
	build := func(tc *TaskContext, in Operator) (Operator, error) {
		w, err := buildWindow(
			winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{v}, nil, o, rowsFrame(-1, 0, false, false)),
			winCall(t, planner.WindowFunc(planner.AggMax), []planner.Expr{v}, nil, o, rowsFrame(-1, 0, false, false)),
			winCall(t, planner.WindowFunc(planner.AggMin), []planner.Expr{v}, nil, o, nil),
		)(tc, in)
		if err != nil {
			return nil, err
		}
		ws := w.Schema()
		return NewProject(tc, w, []planner.Expr{colRef(ws, 0), colRef(ws, 2), colRef(ws, 3), colRef(ws, 4)},
			[]string{"o", "sum", "max", "min"})
	}
	runHarness(t, harnessCase{name: "sliding", schema: schema, rows: rows, build: build,
		want: [][]any{{1, 1e20, 1e20, 1e20}, {2, 1e20, 1e20, 1.0}, {3, 2.0, 1.0, 1.0}, {4, -1e20, 1.0, -1e20},
			{5, -1e20, 3.0, -1e20}, {6, math.NaN(), math.NaN(), -1e20}}})
}

// TestWindowGroups: calls with different specifications are each computed
// in their own order and put back on the right rows.
func TestWindowGroups(t *testing.T) {
	schema := testSchema("p", planner.TypeInt, "o", planner.TypeInt, "v", planner.TypeBigInt)
	rows := [][]any{{1, 3, 1}, {2, 1, 2}, {1, 1, 3}, {2, 2, 4}, {1, 2, 5}}
	p := []planner.Expr{colRef(schema, 0)}
	o := []planner.SortKey{sortKey(schema, 1, false, true)}
	od := []planner.SortKey{sortKey(schema, 2, true, true)}
	runHarness(t, harnessCase{name: "three-groups", schema: schema, rows: rows,
		build: buildWindow(
			winCall(t, planner.WinRowNumber, nil, p, o, nil),
			winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{colRef(schema, 2)}, p, nil, nil),
			winCall(t, planner.WinRowNumber, nil, nil, od, nil),
			winCall(t, planner.WinRank, nil, p, o, nil),
			winCall(t, planner.WindowFunc(planner.AggCountStar), nil, nil, nil, nil)),
		want: appendCols(rows,
			[]any{3, 1, 1, 2, 2},
			[]any{9, 6, 9, 6, 9},
			[]any{5, 4, 3, 2, 1},
			[]any{3, 1, 1, 2, 2},
			[]any{5, 5, 5, 5, 5})})
}

func TestWindowErrors(t *testing.T) {
	schema := testSchema("o", planner.TypeInt, "v", planner.TypeBigInt)
	o := []planner.SortKey{sortKey(schema, 0, false, true)}
	v := colRef(schema, 1)
	cases := []struct {
		call *planner.WindowCall
		want string
	}{
		{winCall(t, planner.WindowFunc("median"), []planner.Expr{v}, nil, o, nil), "unknown window function"},
		{winCall(t, planner.WinLag, []planner.Expr{v, v}, nil, o, nil), "not a constant"},
		{winCall(t, planner.WindowFunc(planner.AggSum), []planner.Expr{v}, nil, o,
			&planner.Frame{Start: planner.FrameBound{Offset: -1}, End: planner.FrameBound{Offset: 0}}), "RANGE frames"},
		{&planner.WindowCall{Func: planner.WindowFunc(planner.AggSum), Args: []planner.Expr{v}, DataType: planner.TypeInt}, "yields BIGINT"},
	}
	for _, c := range cases {
		src := NewBatchSource(schema, nil)
		_, err := NewWindow(NewTaskContext(nil), src, []*planner.WindowCall{c.call}, []string{"w"})
		if err == nil || !containsStr(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.call, err, c.want)
		}
	}
}

func containsStr(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestWindowRandom compares every aggregate over random frames with a
// naive evaluation on random data.
func TestWindowRandom(t *testing.T) {
	schema := testSchema("p", planner.TypeInt, "o", planner.TypeInt, "v", planner.TypeBigInt, "id", planner.TypeInt)
	r := rand.New(rand.NewPCG(3, 4))
	var rows [][]any
	for i := 0; i < 300; i++ {
		row := []any{r.IntN(4), r.IntN(20), int64(r.IntN(100) - 50), i}
		if r.IntN(8) == 0 {
			row[1] = nil
		}
		if r.IntN(6) == 0 {
			row[2] = nil
		}
		rows = append(rows, row)
	}
	p := []planner.Expr{colRef(schema, 0)}
	o := []planner.SortKey{sortKey(schema, 1, true, false)}
	v := colRef(schema, 2)
	// The reference order: partition, then o DESC NULLS LAST, then input order.
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b []any) int {
		if c := cmp.Compare(a[0].(int), b[0].(int)); c != 0 {
			return c
		}
		switch {
		case a[1] == nil && b[1] == nil:
			return 0
		case a[1] == nil:
			return 1
		case b[1] == nil:
			return -1
		}
		return cmp.Compare(b[1].(int), a[1].(int))
	})
	frames := []*planner.Frame{nil, rowsFrame(0, 0, true, false), rowsFrame(-3, 2, false, false),
		rowsFrame(1, 4, false, false), rowsFrame(-5, -2, false, false), rowsFrame(-2, 0, false, true),
		{Start: planner.FrameBound{Offset: 0}, End: planner.FrameBound{Unbounded: true, Offset: 1}}}
	for fi, frame := range frames {
		for _, fn := range []planner.AggFunc{planner.AggSum, planner.AggCount, planner.AggMin, planner.AggMax, planner.AggAvg, planner.AggCountStar} {
			args := []planner.Expr{v}
			if fn == planner.AggCountStar {
				args = nil
			}
			want := make([][]any, len(sorted))
			for i, row := range sorted {
				want[i] = append(slices.Clone(row), naiveFrameAgg(sorted, i, frame, fn))
			}
			runHarness(t, harnessCase{name: fmt.Sprintf("frame%d/%s", fi, fn), schema: schema, rows: rows,
				build: buildWindow(winCall(t, planner.WindowFunc(fn), args, p, o, frame)),
				want:  want, noEmpty: true})
		}
	}
}

// naiveFrameAgg evaluates fn over the frame of row i of sorted rows
// (p, o, v, id) by scanning it.
func naiveFrameAgg(sorted [][]any, i int, f *planner.Frame, fn planner.AggFunc) any {
	ps, pe := i, i+1
	for ps > 0 && sorted[ps-1][0] == sorted[i][0] {
		ps--
	}
	for pe < len(sorted) && sorted[pe][0] == sorted[i][0] {
		pe++
	}
	peerLo, peerHi := i, i
	for peerLo > ps && sorted[peerLo-1][1] == sorted[i][1] {
		peerLo--
	}
	for peerHi < pe-1 && sorted[peerHi+1][1] == sorted[i][1] {
		peerHi++
	}
	lo, hi := ps, peerHi
	if f != nil {
		switch {
		case f.Start.Unbounded:
			lo = ps
		case !f.Rows:
			lo = peerLo
		default:
			lo = max(ps, i+int(f.Start.Offset))
		}
		switch {
		case f.End.Unbounded:
			hi = pe - 1
		case !f.Rows:
			hi = peerHi
		default:
			hi = min(pe-1, i+int(f.End.Offset))
		}
	}
	var sum, cnt, rowsIn int64
	var mn, mx any
	for j := lo; j <= hi; j++ {
		rowsIn++
		if sorted[j][2] == nil {
			continue
		}
		x := sorted[j][2].(int64)
		sum += x
		cnt++
		if mn == nil || x < mn.(int64) {
			mn = x
		}
		if mx == nil || x > mx.(int64) {
			mx = x
		}
	}
	switch fn {
	case planner.AggCountStar:
		return rowsIn
	case planner.AggCount:
		return cnt
	case planner.AggMin:
		return mn
	case planner.AggMax:
		return mx
	}
	if cnt == 0 {
		return nil
	}
	if fn == planner.AggAvg {
		return float64(sum) / float64(cnt)
	}
	return sum
}
