package catalog

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

const tpchLineitem = "../testdata/tpch/sf0.01/lineitem.parquet"

// writeParquet writes batches to path, one row group per batch.
func writeParquet(t testing.TB, path string, schema *arrow.Schema, batches []arrow.RecordBatch, props ...parquet.WriterProperty) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props = append([]parquet.WriterProperty{parquet.WithStats(true)}, props...)
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil { // Write starts a row group per call
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// rgSchema is the schema of the pruning fixture.
var rgSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "small", Type: arrow.PrimitiveTypes.Int32},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64},
}, nil)

// rowGroupBatches makes n row groups of 100 rows: row group g holds ids
// g*100..g*100+99, prices id*1.25 (NULL for id%7==0 except in group 0,
// which has none), day 10000+g, name "name<g>", small -g, score g+0.5.
func rowGroupBatches(mem memory.Allocator, n int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	b := array.NewRecordBuilder(mem, rgSchema)
	defer b.Release()
	for g := range n {
		for i := range 100 {
			id := int64(g*100 + i)
			b.Field(0).(*array.Int64Builder).Append(id)
			if id%7 == 0 && g > 0 {
				b.Field(1).AppendNull()
			} else {
				b.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(id * 125))
			}
			b.Field(2).(*array.Date32Builder).Append(arrow.Date32(10000 + g))
			b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("name%d", g))
			b.Field(4).(*array.Int32Builder).Append(int32(-g))
			b.Field(5).(*array.Float64Builder).Append(float64(g) + 0.5)
		}
		out = append(out, b.NewRecordBatch())
	}
	return out
}

func TestParquetTPCHLineitem(t *testing.T) {
	mem := newMem(t)
	ctx := context.Background()
	tbl, err := OpenFiles(ctx, "", tpchLineitem, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := tbl.Schema()
	if s.NumFields() != 16 {
		t.Fatalf("fields = %d", s.NumFields())
	}
	wantTypes := map[string]string{
		"l_orderkey": "int64", "l_quantity": "decimal(15, 2)", "l_returnflag": "utf8", "l_shipdate": "date32",
	}
	for _, f := range s.Fields() {
		if f.HasMetadata() {
			t.Errorf("field %s keeps metadata %v", f.Name, f.Metadata)
		}
		if want, ok := wantTypes[f.Name]; ok && f.Type.String() != want {
			t.Errorf("%s: type %s, want %s", f.Name, f.Type, want)
		}
	}
	if st := tbl.Statistics(); st.Rows != 60175 || st.Bytes <= 0 {
		t.Fatalf("statistics = %+v", st)
	}

	// TPC-H Q1's sum_qty and count_order, computed from a 4-column
	// projection, must match the reference answer.
	idx := func(name string) int { i := s.FieldIndices(name); return i[0] }
	req := ScanRequest{Columns: []int{idx("l_returnflag"), idx("l_linestatus"), idx("l_quantity"), idx("l_shipdate")}}
	batches := readAll(t, tbl, req, mem, 4096)
	defer releaseBatches(batches)
	type agg struct {
		qty   int64
		count int
	}
	got := map[string]*agg{}
	cutoff := arrow.Date32(daysFromCivil(1998, 9, 2))
	for _, b := range batches {
		if b.NumRows() > 4096 {
			t.Fatalf("batch of %d rows, asked 4096", b.NumRows())
		}
		if !b.Schema().Equal(projectSchema(s, req.Columns)) {
			t.Fatalf("batch schema %v", b.Schema())
		}
		rf, ls := b.Column(0).(*array.String), b.Column(1).(*array.String)
		qty, ship := b.Column(2).(*array.Decimal128), b.Column(3).(*array.Date32)
		for i := range int(b.NumRows()) {
			if ship.Value(i) > cutoff {
				continue
			}
			k := rf.Value(i) + "," + ls.Value(i)
			if got[k] == nil {
				got[k] = &agg{}
			}
			got[k].qty += int64(qty.Value(i).LowBits())
			got[k].count++
		}
	}
	if n := totalRows(batches); n != 60175 {
		t.Fatalf("rows = %d", n)
	}
	f, err := os.Open("../testdata/tpch/answers/sf0.01/q01.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	answer, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range answer[1:] {
		k := row[0] + "," + row[1]
		qty, _ := strconv.ParseFloat(row[2], 64)
		count, _ := strconv.Atoi(row[9])
		g := got[k]
		if g == nil || g.qty != int64(math.Round(qty*100)) || g.count != count {
			t.Errorf("group %s: got %+v, want qty %v count %d", k, g, qty, count)
		}
	}
	if len(got) != len(answer)-1 {
		t.Errorf("%d groups, want %d", len(got), len(answer)-1)
	}
}

func TestParquetProjectionAndCount(t *testing.T) {
	mem := newMem(t)
	path := filepath.Join(t.TempDir(), "t.parquet")
	in := rowGroupBatches(mem, 3)
	writeParquet(t, path, rgSchema, in)
	releaseBatches(in)
	tbl, err := OpenFiles(context.Background(), FormatParquet, path, nil)
	if err != nil {
		t.Fatal(err)
	}

	// Columns in any order, repeated.
	bs := readAll(t, tbl, ScanRequest{Columns: []int{3, 0, 3}}, mem, 64)
	rows := render(bs)
	releaseBatches(bs)
	if len(rows) != 300 {
		t.Fatalf("rows = %d", len(rows))
	}
	for i, r := range rows {
		want := []string{fmt.Sprintf("name%d", i/100), strconv.Itoa(i), fmt.Sprintf("name%d", i/100)}
		if strings.Join(r, "|") != strings.Join(want, "|") {
			t.Fatalf("row %d = %v, want %v", i, r, want)
		}
	}

	// No columns: only row counts, in batches of at most batchSize.
	bs = readAll(t, tbl, ScanRequest{}, mem, 128)
	defer releaseBatches(bs)
	if n := totalRows(bs); n != 300 {
		t.Fatalf("count = %d", n)
	}
	for _, b := range bs {
		if b.NumCols() != 0 || b.NumRows() > 128 {
			t.Fatalf("batch %d cols %d rows", b.NumCols(), b.NumRows())
		}
	}

	if _, err := tbl.Open(context.Background(), Split{Path: path, RowGroups: []int{7}}, ScanRequest{Columns: []int{0}}, mem, 10); err == nil {
		t.Fatal("want an error for a missing row group")
	}
	if _, err := tbl.Open(context.Background(), Split{Path: path, RowGroups: []int{0}}, ScanRequest{Columns: []int{9}}, mem, 10); err == nil {
		t.Fatal("want an error for a missing column")
	}
	if _, err := tbl.Open(context.Background(), Split{Path: "/other.parquet"}, ScanRequest{}, mem, 10); err == nil {
		t.Fatal("want an error for a foreign split")
	}
}

// splitRowGroups is the sorted row groups the splits cover.
func splitRowGroups(splits []Split) []int {
	var out []int
	for _, s := range splits {
		out = append(out, s.RowGroups...)
	}
	sort.Ints(out)
	return out
}

func TestParquetPruning(t *testing.T) {
	dec := func(v int64) decimal128.Num { return decimal128.FromI64(v) }
	all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	cases := []struct {
		name  string
		preds []ColumnPredicate
		want  []int
	}{
		{"none", nil, all},
		{"int >=", []ColumnPredicate{{Column: 0, Op: CmpGtEq, Value: int64(850)}}, []int{8, 9}},
		{"int <", []ColumnPredicate{{Column: 0, Op: CmpLt, Value: int64(100)}}, []int{0}},
		{"int <=", []ColumnPredicate{{Column: 0, Op: CmpLtEq, Value: int64(100)}}, []int{0, 1}},
		{"int >", []ColumnPredicate{{Column: 0, Op: CmpGt, Value: int64(999)}}, nil},
		{"int =", []ColumnPredicate{{Column: 0, Op: CmpEq, Value: int64(456)}}, []int{4}},
		{"int32 = (int32 value)", []ColumnPredicate{{Column: 4, Op: CmpEq, Value: int32(-3)}}, []int{3}},
		{"decimal <", []ColumnPredicate{{Column: 1, Op: CmpLt, Value: dec(200 * 125)}}, []int{0, 1}},
		{"decimal >", []ColumnPredicate{{Column: 1, Op: CmpGt, Value: dec(899 * 125)}}, []int{9}},
		{"decimal = negative", []ColumnPredicate{{Column: 1, Op: CmpEq, Value: dec(-5)}}, nil},
		{"date =", []ColumnPredicate{{Column: 2, Op: CmpEq, Value: arrow.Date32(10003)}}, []int{3}},
		{"date >=", []ColumnPredicate{{Column: 2, Op: CmpGtEq, Value: arrow.Date32(10008)}}, []int{8, 9}},
		{"string =", []ColumnPredicate{{Column: 3, Op: CmpEq, Value: "name5"}}, []int{5}},
		{"string <", []ColumnPredicate{{Column: 3, Op: CmpLt, Value: "name2"}}, []int{0, 1}},
		{"string > all", []ColumnPredicate{{Column: 3, Op: CmpGt, Value: "zzz"}}, nil},
		{"float <", []ColumnPredicate{{Column: 5, Op: CmpLt, Value: 2.0}}, []int{0, 1}},
		{"float NaN keeps", []ColumnPredicate{{Column: 5, Op: CmpLt, Value: math.NaN()}}, all},
		{"is null", []ColumnPredicate{{Column: 1, Op: CmpIsNull}}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"is not null", []ColumnPredicate{{Column: 3, Op: CmpIsNotNull}}, all},
		{"and", []ColumnPredicate{
			{Column: 0, Op: CmpGtEq, Value: int64(300)},
			{Column: 2, Op: CmpLtEq, Value: arrow.Date32(10004)},
		}, []int{3, 4}},
		// A value of an unexpected Go type never prunes.
		{"wrong value type", []ColumnPredicate{{Column: 0, Op: CmpEq, Value: "x"}}, all},
	}
	for _, storage := range []string{"flba", "int"} {
		t.Run(storage, func(t *testing.T) {
			mem := newMem(t)
			path := filepath.Join(t.TempDir(), "rg.parquet")
			in := rowGroupBatches(mem, 10)
			writeParquet(t, path, rgSchema, in, parquet.WithStoreDecimalAsInteger(storage == "int"))
			releaseBatches(in)
			tbl, err := OpenFiles(context.Background(), "", path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				splits, err := tbl.Splits(context.Background(), ScanRequest{Predicates: c.preds})
				if err != nil {
					t.Fatal(err)
				}
				if got := splitRowGroups(splits); fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
					t.Errorf("%s: row groups %v, want %v", c.name, got, c.want)
				}
			}
			// The rows of kept row groups are all read.
			req := ScanRequest{Columns: []int{0}, Predicates: []ColumnPredicate{{Column: 2, Op: CmpEq, Value: arrow.Date32(10007)}}}
			bs := readAll(t, tbl, req, mem, 1000)
			defer releaseBatches(bs)
			if rows := render(bs); len(rows) != 100 || rows[0][0] != "700" || rows[99][0] != "799" {
				t.Fatalf("rows %d, first %v", len(rows), rows[0])
			}
			if _, err := tbl.Splits(context.Background(), ScanRequest{Predicates: []ColumnPredicate{{Column: 6}}}); err == nil {
				t.Fatal("want an error for a predicate on a missing column")
			}
		})
	}
}

func TestParquetSplitSizing(t *testing.T) {
	mem := newMem(t)
	path := filepath.Join(t.TempDir(), "rg.parquet")
	in := rowGroupBatches(mem, 10)
	writeParquet(t, path, rgSchema, in)
	releaseBatches(in)
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	splits, err := tbl.Splits(context.Background(), ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// Small row groups are merged, but into enough splits for the cores.
	if len(splits) < 2 || len(splits) > 10 {
		t.Fatalf("%d splits", len(splits))
	}
	var rows int64
	next := 0
	for i, s := range splits {
		if s.Index != i || s.Path != path {
			t.Fatalf("split %d = %+v", i, s)
		}
		for _, rg := range s.RowGroups {
			if rg != next {
				t.Fatalf("row groups out of order: %+v", splits)
			}
			next++
		}
		if s.Rows != int64(100*len(s.RowGroups)) || s.Bytes <= 0 {
			t.Fatalf("split %+v", s)
		}
		rows += s.Rows
	}
	if rows != 1000 || tbl.Statistics().Rows != 1000 {
		t.Fatalf("rows %d, statistics %+v", rows, tbl.Statistics())
	}
}

func TestParquetNormalizesTypes(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32},
		{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}},
		{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}},
		{Name: "big", Type: arrow.BinaryTypes.LargeString},
		{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Uint8Builder).AppendValues([]uint8{255, 0, 7}, []bool{true, false, true})
	b.Field(1).(*array.Uint32Builder).AppendValues([]uint32{math.MaxUint32, 0, 1}, nil)
	b.Field(2).(*array.Uint64Builder).AppendValues([]uint64{math.MaxUint64, 0, 1}, nil)
	b.Field(3).(*array.Float32Builder).AppendValues([]float32{1.5, -2.25, 0}, nil)
	b.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_500, -1_500, 0}, nil)
	b.Field(5).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{3, -3, 0}, nil)
	b.Field(6).(*array.LargeStringBuilder).AppendValues([]string{"a", "", "ccc"}, nil)
	db := b.Field(7).(*array.BinaryDictionaryBuilder)
	_ = db.AppendString("x")
	db.AppendNull()
	_ = db.AppendString("x")
	rec := b.NewRecordBatch()
	b.Release()
	path := filepath.Join(t.TempDir(), "types.parquet")
	writeParquet(t, path, schema, []arrow.RecordBatch{rec})
	rec.Release()

	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"int16", "int64", "decimal(20, 0)", "float64", "timestamp[us]", "timestamp[us]", "utf8", "utf8"}
	for i, f := range tbl.Schema().Fields() {
		if f.Type.String() != wantTypes[i] || !f.Nullable {
			t.Errorf("%s: %s nullable=%v, want %s nullable", f.Name, f.Type, f.Nullable, wantTypes[i])
		}
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{0, 1, 2, 3, 4, 5, 6, 7}}, mem, 10)
	defer releaseBatches(bs)
	if len(bs) != 1 {
		t.Fatalf("%d batches", len(bs))
	}
	got := bs[0]
	if !got.Schema().Equal(tbl.Schema()) {
		t.Fatalf("batch schema %v", got.Schema())
	}
	if v := got.Column(0).(*array.Int16); v.Value(0) != 255 || !v.IsNull(1) || v.Value(2) != 7 {
		t.Errorf("u8 = %v", v)
	}
	if v := got.Column(1).(*array.Int64).Int64Values(); v[0] != math.MaxUint32 || v[2] != 1 {
		t.Errorf("u32 = %v", v)
	}
	if v := got.Column(2).(*array.Decimal128); v.Value(0).BigInt().String() != "18446744073709551615" {
		t.Errorf("u64 = %v", v)
	}
	if v := got.Column(3).(*array.Float64).Float64Values(); v[0] != 1.5 || v[1] != -2.25 {
		t.Errorf("f32 = %v", v)
	}
	// Nanoseconds floor to microseconds, also before the epoch.
	if v := got.Column(4).(*array.Timestamp).TimestampValues(); v[0] != 1 || v[1] != -2 || v[2] != 0 {
		t.Errorf("ts_ns = %v", v)
	}
	if v := got.Column(5).(*array.Timestamp).TimestampValues(); v[0] != 3000 || v[1] != -3000 {
		t.Errorf("ts_ms = %v", v)
	}
	if r := render(bs); strings.Join(r[0][6:], "|") != "a|x" || strings.Join(r[1][6:], "|") != "|(null)" || strings.Join(r[2][6:], "|") != "ccc|x" {
		t.Errorf("strings = %v", r)
	}
}

func TestParquetSchemaMismatch(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	in := rowGroupBatches(mem, 1)
	writeParquet(t, filepath.Join(dir, "a.parquet"), rgSchema, in)
	writeParquet(t, filepath.Join(dir, "b.parquet"), rgSchema, in)
	// c.parquet has id as int32.
	other := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int32}}, nil)
	b := array.NewRecordBuilder(mem, other)
	b.Field(0).(*array.Int32Builder).Append(1)
	rec := b.NewRecordBatch()
	b.Release()
	writeParquet(t, filepath.Join(dir, "sub", "c.parquet"), other, []arrow.RecordBatch{rec})
	rec.Release()
	releaseBatches(in)

	tbl, err := OpenFiles(context.Background(), "", filepath.Join(dir, "*.parquet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{0}}, mem, 1000)
	if n := totalRows(bs); n != 200 {
		t.Fatalf("rows = %d", n)
	}
	releaseBatches(bs)
	_, err = OpenFiles(context.Background(), "", dir, nil)
	want := filepath.Join(dir, "sub", "c.parquet") + ": schema differs from " + filepath.Join(dir, "a.parquet")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestParquetBadFiles(t *testing.T) {
	mem := newMem(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	in := rowGroupBatches(mem, 4)
	writeParquet(t, good, rgSchema, in)
	releaseBatches(in)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.parquet")
	writeFile(t, truncated, string(data[:len(data)/2]))
	text := filepath.Join(dir, "text.parquet")
	writeFile(t, text, "this is not parquet at all\n")
	empty := filepath.Join(dir, "empty.parquet")
	writeFile(t, empty, "")
	// A damaged footer: the length field points before the file start.
	badFooter := filepath.Join(dir, "footer.parquet")
	bf := append([]byte(nil), data...)
	copy(bf[len(bf)-8:], []byte{0xff, 0xff, 0xff, 0x7f})
	writeFile(t, badFooter, string(bf))
	for _, p := range []string{truncated, text, empty, badFooter} {
		_, err := OpenFiles(context.Background(), "", p, nil)
		if err == nil || !strings.Contains(err.Error(), p+": not a valid Parquet file") {
			t.Errorf("%s: err = %v", filepath.Base(p), err)
		}
	}

	// Random damage to the data pages, with an intact footer: reading fails
	// with an error naming the file (or, if the damage happens to decode,
	// reads something), but never panics nor leaks. (Some of these make
	// arrow-go panic: the reader turns that into an error.)
	footerStart := len(data) - 8 - int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	rng := rand.New(rand.NewPCG(1, 2))
	corrupt := filepath.Join(dir, "corrupt.parquet")
	failures := 0
	for range 200 {
		cd := append([]byte(nil), data...)
		for range 1 + rng.IntN(4) {
			cd[4+rng.IntN(footerStart-4)] = byte(rng.IntN(256))
		}
		writeFile(t, corrupt, string(cd))
		tbl, err := OpenFiles(context.Background(), "", corrupt, nil)
		if err != nil {
			t.Fatal(err) // the footer is intact
		}
		bs, err := tryReadAll(tbl, ScanRequest{Columns: []int{0, 1, 2, 3, 4, 5}}, mem, 50)
		releaseBatches(bs)
		if err != nil {
			failures++
			if !strings.Contains(err.Error(), corrupt) {
				t.Errorf("error without the path: %v", err)
			}
		}
	}
	if failures == 0 {
		t.Fatal("no damage was detected")
	}
}

func TestParquetConcurrentReaders(t *testing.T) {
	mem := newMem(t)
	path := filepath.Join(t.TempDir(), "rg.parquet")
	in := rowGroupBatches(mem, 10)
	writeParquet(t, path, rgSchema, in)
	releaseBatches(in)
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	sums := make([]int64, 4)
	errs := make([]error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bs, err := tryReadAll(tbl, ScanRequest{Columns: []int{0}, Predicates: []ColumnPredicate{{Column: 0, Op: CmpGtEq, Value: int64(0)}}}, mem, 33)
			errs[w] = err
			for _, b := range bs {
				for _, v := range b.Column(0).(*array.Int64).Int64Values() {
					sums[w] += v
				}
			}
			releaseBatches(bs)
		}()
	}
	wg.Wait()
	for w := range 4 {
		if errs[w] != nil || sums[w] != 999*1000/2 {
			t.Fatalf("reader %d: sum %d err %v", w, sums[w], errs[w])
		}
	}
}

func TestParquetStreamedPages(t *testing.T) {
	tbl, err := OpenFiles(context.Background(), "", tpchLineitem, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem := newMem(t)
	req := ScanRequest{Columns: []int{15, 0, 4}}
	whole := readAll(t, tbl, req, mem, 10000)
	defer releaseBatches(whole)
	saved := maxWholeChunk
	maxWholeChunk = 0 // every chunk streamed through a buffer
	defer func() { maxWholeChunk = saved }()
	streamed := readAll(t, tbl, req, mem, 10000)
	defer releaseBatches(streamed)
	if len(whole) != len(streamed) {
		t.Fatalf("%d batches vs %d", len(whole), len(streamed))
	}
	for i := range whole {
		if !array.RecordEqual(whole[i], streamed[i]) {
			t.Fatalf("batch %d differs", i)
		}
	}
}

func TestParquetFileGoneAfterOpen(t *testing.T) {
	mem := newMem(t)
	path := filepath.Join(t.TempDir(), "gone.parquet")
	in := rowGroupBatches(mem, 1)
	writeParquet(t, path, rgSchema, in)
	releaseBatches(in)
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	splits, _ := tbl.Splits(context.Background(), ScanRequest{})
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	_, err = tbl.Open(context.Background(), splits[0], ScanRequest{Columns: []int{0}}, mem, 10)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
}

func TestParquetCancelled(t *testing.T) {
	tbl, err := OpenFiles(context.Background(), "", tpchLineitem, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem := newMem(t)
	ctx, cancel := context.WithCancel(context.Background())
	splits, _ := tbl.Splits(ctx, ScanRequest{})
	r, err := tbl.Open(ctx, splits[0], ScanRequest{Columns: []int{0}}, mem, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cancel()
	if _, err := r.Next(ctx); err != context.Canceled {
		t.Fatalf("err = %v", err)
	}
}

func benchmarkParquet(b *testing.B, path string, cols []string) {
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		b.Fatal(err)
	}
	var req ScanRequest
	for _, c := range cols {
		req.Columns = append(req.Columns, tbl.Schema().FieldIndices(c)[0])
	}
	if cols == nil {
		for i := range tbl.Schema().NumFields() {
			req.Columns = append(req.Columns, i)
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	b.ResetTimer()
	for range b.N {
		bs, err := tryReadAll(tbl, req, mem, 64<<10)
		if err != nil {
			b.Fatal(err)
		}
		if totalRows(bs) != tbl.Statistics().Rows {
			b.Fatal("short read")
		}
		releaseBatches(bs)
	}
	b.ReportMetric(float64(tbl.Statistics().Rows)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// BenchmarkParquetLineitem reads TPC-H lineitem (SF 0.01), all columns and
// Q1's projection. Set EMBER_LINEITEM to read another file (SF 0.1).
func BenchmarkParquetLineitem(b *testing.B) {
	path := tpchLineitem
	if p := os.Getenv("EMBER_LINEITEM"); p != "" {
		path = p
	}
	b.Run("all", func(b *testing.B) { benchmarkParquet(b, path, nil) })
	b.Run("4cols", func(b *testing.B) {
		benchmarkParquet(b, path, []string{"l_returnflag", "l_linestatus", "l_quantity", "l_shipdate"})
	})
}
