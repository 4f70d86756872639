package exec

// This file is the operator test harness every exec test uses. A test
// describes an operator as a harnessCase (its input rows, how to build it,
// the rows it must produce) and calls runHarness, which reruns the case with
// input batches of 1, 7 and DefaultBatchSize rows (tc.BatchSize follows), and
// over empty inputs, each time with a checked allocator that must end at zero
// bytes, calling Close twice and checking no goroutine is left behind.
//
// Values in rows are written the way a person reads them, nil for NULL:
//
//	integer types  any Go integer (read back as int64)
//	DOUBLE         float64 or any Go integer (read back as float64)
//	BOOLEAN        bool
//	VARCHAR        string
//	DECIMAL(p,s)   a string such as "12.30" or "-0.5" (read back with exactly s decimals), or a decimal128.Num
//	DATE           "2020-01-31" or arrow.Date32 (read back as "2020-01-31")
//	TIMESTAMP      "2020-01-31 12:00:00[.ffffff]" or arrow.Timestamp (read back as planner.FormatTimestamp)
//	INTERVAL       arrow.MonthDayNanoInterval
//
// Do not combine runHarness with t.Parallel: its goroutine leak check looks
// at every goroutine of the process.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"

	"github.com/ember-sql/ember/planner"
)

// harnessInput is one input of an operator: a schema and its rows.
type harnessInput struct {
	schema *arrow.Schema
	rows   [][]any
}

// harnessCase describes an operator under test: build it over input
// operators that replay the given rows, and check its output.
type harnessCase struct {
	name string
	// schema and rows are the (first) input.
	schema *arrow.Schema
	rows   [][]any
	// more are further inputs, for operators with several (joins, concat);
	// they are passed to buildN after the first.
	more []harnessInput
	// build makes the operator over one input; buildN over all inputs (set
	// exactly one). On error the harness closes the inputs itself.
	build  func(tc *TaskContext, input Operator) (Operator, error)
	buildN func(tc *TaskContext, inputs []Operator) (Operator, error)
	// want is the expected output; ordered says whether its order matters.
	want    [][]any
	ordered bool
	// wantErr, when set, is a substring of the error the operator must
	// return (from build, Open or Next) instead of producing want.
	wantErr string
	// emptyWant is the expected output when every input is empty (nil: no
	// rows); noEmpty skips that variant (for instance when the case is
	// about the input's values).
	emptyWant [][]any
	noEmpty   bool
	// maxBatch checks that no output batch exceeds tc.BatchSize rows.
	maxBatch bool
}

// harnessBatchSizes are the input (and tc.BatchSize) sizes every case runs with.
var harnessBatchSizes = []int{1, 7, DefaultBatchSize}

// runHarness runs c in every variant as a subtest.
func runHarness(t *testing.T, c harnessCase) {
	t.Helper()
	t.Run(c.name, func(t *testing.T) {
		defer goleak.VerifyNone(t)
		if (c.build == nil) == (c.buildN == nil) {
			t.Fatal("harness: set exactly one of build and buildN")
		}
		for _, bs := range harnessBatchSizes {
			t.Run(fmt.Sprintf("batch=%d", bs), func(t *testing.T) {
				runHarnessOnce(t, c, bs, false)
			})
		}
		if !c.noEmpty {
			t.Run("empty", func(t *testing.T) { runHarnessOnce(t, c, 7, true) })
		}
		t.Run("close-before-open", func(t *testing.T) { closeBeforeOpen(t, c) })
	})
}

// harnessInputs builds the source operators for c, each replaying its rows
// in batches of bs rows (no rows when empty).
func harnessInputs(t *testing.T, mem memory.Allocator, c harnessCase, bs int, empty bool) []Operator {
	t.Helper()
	ins := append([]harnessInput{{schema: c.schema, rows: c.rows}}, c.more...)
	ops := make([]Operator, len(ins))
	for i, in := range ins {
		rows := in.rows
		if empty {
			rows = nil
		}
		ops[i] = sourceOf(t, mem, in.schema, rows, bs)
	}
	return ops
}

// sourceOf returns a BatchSource replaying rows in batches of bs rows, which
// are slices of one batch (so they have non-zero offsets, as in real plans).
func sourceOf(t *testing.T, mem memory.Allocator, schema *arrow.Schema, rows [][]any, bs int) *BatchSource {
	t.Helper()
	full := makeBatch(t, mem, schema, rows)
	defer full.Release()
	batches := sliceBatch(full, bs)
	src := NewBatchSource(schema, batches)
	for _, b := range batches {
		b.Release()
	}
	return src
}

// sliceBatch cuts b into zero-copy slices of at most bs rows.
func sliceBatch(b arrow.RecordBatch, bs int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for off := int64(0); off < b.NumRows(); off += int64(bs) {
		out = append(out, b.NewSlice(off, min(off+int64(bs), b.NumRows())))
	}
	return out
}

func buildOp(tc *TaskContext, c harnessCase, ins []Operator) (Operator, error) {
	var op Operator
	var err error
	if c.build != nil {
		op, err = c.build(tc, ins[0])
	} else {
		op, err = c.buildN(tc, ins)
	}
	if err != nil {
		for _, in := range ins {
			in.Close()
		}
		return nil, err
	}
	return op, nil
}

func runHarnessOnce(t *testing.T, c harnessCase, bs int, empty bool) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tc := &TaskContext{Mem: mem, BatchSize: bs, TempDir: t.TempDir()}
	op, err := buildOp(tc, c, harnessInputs(t, mem, c, bs, empty))
	if err != nil {
		if c.wantErr != "" && !empty && strings.Contains(err.Error(), c.wantErr) {
			return
		}
		t.Fatalf("build: %v", err)
	}
	got, err := drain(t, tc, op, c.maxBatch)
	if err2 := op.Close(); err2 != nil {
		t.Errorf("first Close: %v", err2)
	}
	if err2 := op.Close(); err2 != nil {
		t.Errorf("second Close: %v", err2)
	}
	want := c.want
	if empty {
		want = c.emptyWant
	}
	switch {
	case c.wantErr != "" && !empty:
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
		}
		return
	case err != nil:
		t.Fatalf("run: %v", err)
	}
	checkRows(t, op.Schema(), got, want, c.ordered)
}

// drain opens op and reads all its batches into rows, checking each batch
// against the operator's contract.
func drain(t *testing.T, tc *TaskContext, op Operator, maxBatch bool) ([][]any, error) {
	t.Helper()
	ctx := context.Background()
	if err := op.Open(ctx); err != nil {
		return nil, err
	}
	var rows [][]any
	for {
		b, err := op.Next(ctx)
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		if !b.Schema().Equal(op.Schema()) {
			t.Errorf("batch schema %v differs from operator schema %v", b.Schema(), op.Schema())
		}
		if b.NumRows() == 0 {
			t.Errorf("operator returned an empty batch")
		}
		if maxBatch && b.NumRows() > int64(tc.BatchSize) {
			t.Errorf("batch of %d rows exceeds BatchSize %d", b.NumRows(), tc.BatchSize)
		}
		rows = append(rows, batchRows(t, b)...)
		b.Release()
	}
}

func closeBeforeOpen(t *testing.T, c harnessCase) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tc := &TaskContext{Mem: mem, BatchSize: 7, TempDir: t.TempDir()}
	op, err := buildOp(tc, c, harnessInputs(t, mem, c, 7, false))
	if err != nil {
		return // build errors are checked by the other variants
	}
	if err := op.Close(); err != nil {
		t.Errorf("Close before Open: %v", err)
	}
	if err := op.Close(); err != nil {
		t.Errorf("second Close before Open: %v", err)
	}
}

// checkRows compares got with want (made canonical through schema), in
// order or as multisets. Doubles compare with a relative tolerance of 1e-9;
// NaN equals only NaN.
func checkRows(t *testing.T, schema *arrow.Schema, got, want [][]any, ordered bool) {
	t.Helper()
	want = canonicalRows(t, schema, want)
	if !ordered {
		got, want = sortedRows(got), sortedRows(want)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d\n got: %v\nwant: %v", len(got), len(want), clip(got), clip(want))
	}
	for i := range got {
		if !rowsEqual(got[i], want[i]) {
			t.Fatalf("row %d = %v, want %v\n got: %v\nwant: %v", i, got[i], want[i], clip(got), clip(want))
		}
	}
}

func clip(rows [][]any) [][]any {
	if len(rows) > 40 {
		return rows[:40]
	}
	return rows
}

func rowsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		fa, ok1 := a[i].(float64)
		fb, ok2 := b[i].(float64)
		if ok1 && ok2 {
			if math.IsNaN(fa) || math.IsNaN(fb) {
				if math.IsNaN(fa) != math.IsNaN(fb) {
					return false
				}
				continue
			}
			if fa != fb && math.Abs(fa-fb) > 1e-9*math.Max(math.Abs(fa), math.Abs(fb)) {
				return false
			}
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sortedRows(rows [][]any) [][]any {
	out := slices.Clone(rows)
	key := func(r []any) string { return fmt.Sprintf("%#v", r) }
	slices.SortStableFunc(out, func(a, b []any) int { return strings.Compare(key(a), key(b)) })
	return out
}

// canonicalRows converts rows written for the harness into the values
// batchRows reads back, by building a batch of schema and reading it.
func canonicalRows(t *testing.T, schema *arrow.Schema, rows [][]any) [][]any {
	t.Helper()
	if len(rows) == 0 {
		return nil
	}
	if schema.NumFields() == 0 {
		return rows // rows without columns: nothing to convert
	}
	b := makeBatch(t, memory.NewGoAllocator(), schema, rows)
	defer b.Release()
	return batchRows(t, b)
}

// testSchema builds a schema of nullable fields from name, type pairs.
func testSchema(pairs ...any) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		fields = append(fields, arrow.Field{Name: pairs[i].(string), Type: pairs[i+1].(arrow.DataType), Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// colRef returns a bound reference to column i of schema.
func colRef(schema *arrow.Schema, i int) *planner.Column {
	f := schema.Field(i)
	return &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
}

// lit returns a literal of type dt holding v in the planner's Go
// representation (nil for NULL).
func lit(v any, dt arrow.DataType) *planner.Literal { return &planner.Literal{Value: v, DataType: dt} }

// makeBatch builds a batch of schema from rows (see the file comment for how
// values are written). It fails the test on a value that does not fit.
func makeBatch(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows [][]any) arrow.RecordBatch {
	t.Helper()
	if schema.NumFields() == 0 {
		// Rows without columns (a count(*) scan): the builder would say 0 rows.
		return array.NewRecordBatch(schema, nil, int64(len(rows)))
	}
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	for _, f := range rb.Fields() {
		f.Reserve(len(rows))
	}
	for r, row := range rows {
		if len(row) != schema.NumFields() {
			t.Fatalf("row %d has %d values, schema has %d fields", r, len(row), schema.NumFields())
		}
		for c, v := range row {
			if err := appendValue(rb.Field(c), v); err != nil {
				t.Fatalf("row %d column %s: %v", r, schema.Field(c).Name, err)
			}
		}
	}
	return rb.NewRecordBatch()
}

func toInt64(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	}
	return 0, false
}

func appendValue(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	bad := func() error { return fmt.Errorf("cannot store %T %v in %s", v, v, b.Type()) }
	switch b := b.(type) {
	case *array.Int8Builder:
		n, ok := toInt64(v)
		if !ok || n != int64(int8(n)) {
			return bad()
		}
		b.Append(int8(n))
	case *array.Int16Builder:
		n, ok := toInt64(v)
		if !ok || n != int64(int16(n)) {
			return bad()
		}
		b.Append(int16(n))
	case *array.Int32Builder:
		n, ok := toInt64(v)
		if !ok || n != int64(int32(n)) {
			return bad()
		}
		b.Append(int32(n))
	case *array.Int64Builder:
		n, ok := toInt64(v)
		if !ok {
			return bad()
		}
		b.Append(n)
	case *array.Float64Builder:
		if f, ok := v.(float64); ok {
			b.Append(f)
		} else if n, ok := toInt64(v); ok {
			b.Append(float64(n))
		} else {
			return bad()
		}
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return bad()
		}
		b.Append(x)
	case *array.StringBuilder:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		b.Append(s)
	case *array.LargeStringBuilder:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		b.Append(s)
	case *array.Decimal128Builder:
		dt := b.Type().(*arrow.Decimal128Type)
		switch x := v.(type) {
		case decimal128.Num:
			b.Append(x)
		case string:
			n, err := parseDecimal(x, dt.Scale)
			if err != nil {
				return err
			}
			if !n.FitsInPrecision(dt.Precision) {
				return fmt.Errorf("%s does not fit %s", x, planner.TypeName(dt))
			}
			b.Append(n)
		default:
			return bad()
		}
	case *array.Date32Builder:
		switch x := v.(type) {
		case arrow.Date32:
			b.Append(x)
		case string:
			d, err := time.Parse("2006-01-02", x)
			if err != nil {
				return err
			}
			b.Append(arrow.Date32FromTime(d))
		default:
			return bad()
		}
	case *array.TimestampBuilder:
		switch x := v.(type) {
		case arrow.Timestamp:
			b.Append(x)
		case string:
			ts, err := time.Parse("2006-01-02 15:04:05.999999", strings.Replace(x, "T", " ", 1))
			if err != nil {
				return err
			}
			b.Append(arrow.Timestamp(ts.UnixMicro()))
		default:
			return bad()
		}
	case *array.MonthDayNanoIntervalBuilder:
		x, ok := v.(arrow.MonthDayNanoInterval)
		if !ok {
			return bad()
		}
		b.Append(x)
	default:
		return bad()
	}
	return nil
}

// parseDecimal reads a plain decimal string exactly at scale; more
// fractional digits than scale is an error, not a rounding.
func parseDecimal(s string, scale int32) (decimal128.Num, error) {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(digits, ".")
	if int32(len(frac)) > scale {
		return decimal128.Num{}, fmt.Errorf("decimal %q has more than %d decimals", s, scale)
	}
	frac += strings.Repeat("0", int(scale)-len(frac))
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return decimal128.Num{}, fmt.Errorf("bad decimal %q", s)
	}
	if neg {
		n.Neg(n)
	}
	return decimal128.FromBigInt(n), nil
}

// batchRows reads a batch back into rows of canonical values (see the file
// comment).
func batchRows(t testing.TB, b arrow.RecordBatch) [][]any {
	t.Helper()
	rows := make([][]any, b.NumRows())
	for r := range rows {
		rows[r] = make([]any, b.NumCols())
	}
	for c, col := range b.Columns() {
		if col.Len() != int(b.NumRows()) {
			t.Fatalf("column %d has %d rows, batch has %d", c, col.Len(), b.NumRows())
		}
		for r := range rows {
			rows[r][c] = cellValue(t, col, r)
		}
	}
	return rows
}

func cellValue(t testing.TB, col arrow.Array, i int) any {
	// A NULL-typed array has no validity bitmap, so IsNull says false.
	if col.IsNull(i) || col.DataType().ID() == arrow.NULL {
		return nil
	}
	switch a := col.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Decimal128:
		return planner.FormatDecimal(a.Value(i), a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return planner.FormatDate(a.Value(i))
	case *array.Timestamp:
		return planner.FormatTimestamp(a.Value(i))
	case *array.MonthDayNanoInterval:
		return a.Value(i)
	}
	t.Fatalf("harness cannot read %s", col.DataType())
	return nil
}

// TestHarnessRoundTrip checks the harness itself on the identity operator:
// every supported type survives makeBatch and batchRows, and slicing.
func TestHarnessRoundTrip(t *testing.T) {
	schema := testSchema("i8", planner.TypeTinyInt, "i16", planner.TypeSmallInt, "i32", planner.TypeInt,
		"i64", planner.TypeBigInt, "f", planner.TypeDouble, "b", planner.TypeBoolean, "s", planner.TypeString,
		"d", planner.Decimal(10, 2), "dt", planner.TypeDate, "ts", planner.TypeTimestamp)
	rows := [][]any{
		{1, 2, 3, 4, 1.5, true, "x", "12.30", "2020-01-31", "2020-01-31 12:00:01"},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
		{-1, -2, -3, int64(math.MinInt64), -0.25, false, "", "-0.05", "1969-12-31", "1970-01-01 00:00:00.000001"},
	}
	runHarness(t, harnessCase{
		name: "identity", schema: schema, rows: rows,
		build:   func(tc *TaskContext, in Operator) (Operator, error) { return in, nil },
		want:    rows,
		ordered: true,
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := makeBatch(t, mem, schema, rows)
	defer b.Release()
	got := batchRows(t, b)
	if got[0][7] != "12.30" || got[2][7] != "-0.05" || got[0][8] != "2020-01-31" || got[2][3] != int64(math.MinInt64) {
		t.Fatalf("round trip: %v", got)
	}
}
