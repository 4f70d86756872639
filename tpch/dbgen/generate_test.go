package dbgen

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
)

// The generated tables at scale factor 0.01 equal dbgen's, value for value,
// with the same types.
func TestGenerateMatchesDbgen(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir, sum := generate(t, Options{ScaleFactor: 0.01, Parallel: 2, Allocator: mem})
	if sum.Files != 8 || len(sum.Tables) != 8 {
		t.Fatalf("summary %+v, want 8 tables in 8 files", sum)
	}
	for _, ts := range sum.Tables {
		t.Run(ts.Name, func(t *testing.T) {
			if want := filepath.Join(dir, ts.Name+".parquet"); ts.Path != want {
				t.Errorf("path %s, want %s", ts.Path, want)
			}
			got := readTable(t, mem, ts.Path)
			want := readTable(t, mem, filepath.Join(refDir, ts.Name+".parquet"))
			sameSchema(t, ts.Name, got.schema, want.schema)
			if got.rows() != want.rows() || int64(got.rows()) != ts.Rows {
				t.Fatalf("%d rows (summary %d), want %d", got.rows(), ts.Rows, want.rows())
			}
			sameData(t, ts.Name, got, want, want.rows())
		})
	}
}

// Small chunks make every table many row groups, and the big ones
// directories of part files: each chunk starts its streams by skipping
// ahead, and the data is still dbgen's. The bytes written do not depend
// on the parallelism.
func TestGenerateChunksAndPartsDeterministic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const chunkRows = 233 // not a divisor of any table size
	one, _ := generate(t, Options{ScaleFactor: 0.01, Parallel: 1, Allocator: mem, RowGroupRows: chunkRows})
	two, sum := generate(t, Options{ScaleFactor: 0.01, Parallel: 2, Allocator: mem, RowGroupRows: chunkRows})

	files := listFiles(t, one)
	if got := listFiles(t, two); !slices.Equal(got, files) {
		t.Fatalf("files differ:\n%v\n%v", files, got)
	}
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(one, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(two, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between --parallel 1 and 2", f)
		}
	}

	for _, ts := range sum.Tables {
		got := readTable(t, mem, ts.Path)
		want := readTable(t, mem, filepath.Join(refDir, ts.Name+".parquet"))
		// orders and lineitem have 65 chunks (of 233 orders), the others at
		// most maxChunksPerFile.
		wantFiles := map[string]int{"orders": 9, "lineitem": 9}[ts.Name]
		if wantFiles == 0 {
			wantFiles = 1
		}
		if got.files != wantFiles || ts.Files != wantFiles {
			t.Errorf("%s: %d files (summary %d), want %d", ts.Name, got.files, ts.Files, wantFiles)
		}
		if got.rows() != want.rows() {
			t.Fatalf("%s: %d rows, want %d", ts.Name, got.rows(), want.rows())
		}
		sameData(t, ts.Name, got, want, want.rows())
	}
}

// The official row counts, lineitem's included, counted without
// generating the data.
func TestGenRowCounts(t *testing.T) {
	tests := []struct {
		sf   float64
		want map[string]int64
	}{
		{0.01, map[string]int64{"nation": 25, "region": 5, "part": 2000, "supplier": 100,
			"partsupp": 8000, "customer": 1500, "orders": 15000, "lineitem": 60175}},
		{0.1, map[string]int64{"nation": 25, "region": 5, "part": 20000, "supplier": 1000,
			"partsupp": 80000, "customer": 15000, "orders": 150000, "lineitem": 600572}},
		{1, map[string]int64{"nation": 25, "region": 5, "part": 200000, "supplier": 10000,
			"partsupp": 800000, "customer": 150000, "orders": 1500000, "lineitem": 6001215}},
	}
	for _, tt := range tests {
		for _, name := range TableNames() {
			if got := RowCount(name, tt.sf); got != tt.want[name] {
				t.Errorf("RowCount(%s, %v) = %d, want %d", name, tt.sf, got, tt.want[name])
			}
		}
	}
	if got := RowCount("nope", 1); got != 0 {
		t.Errorf("RowCount of an unknown table = %d, want 0", got)
	}
	if got := LineitemRows(1); got != 6001215 {
		t.Errorf("LineitemRows(1) = %d", got)
	}
}

// A fractional scale factor sizes every table by it; what does not depend
// on the scale factor (the suppliers' rows) is the same as at 0.01.
func TestGenerateFractionalScaleFactor(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const sf = 0.015
	_, sum := generate(t, Options{ScaleFactor: sf, Allocator: mem,
		Tables: []string{"supplier", "orders", "lineitem", "customer"}})
	got := map[string]*tableData{}
	for _, ts := range sum.Tables {
		got[ts.Name] = readTable(t, mem, ts.Path)
		if n := int64(got[ts.Name].rows()); n != RowCount(ts.Name, sf) || n != ts.Rows {
			t.Errorf("%s: %d rows (summary %d), want %d", ts.Name, n, ts.Rows, RowCount(ts.Name, sf))
		}
	}
	for name, want := range map[string]int{"supplier": 150, "orders": 22500, "customer": 2250} {
		if got[name].rows() != want {
			t.Errorf("%s: %d rows, want %d", name, got[name].rows(), want)
		}
	}
	ref := readTable(t, mem, filepath.Join(refDir, "supplier.parquet"))
	sameData(t, "supplier", got["supplier"], ref, ref.rows())

	// Order keys are sparse (1 to 7, then 8 of every 32), customers are every one but
	// each third, and lines number 1 up within their order.
	orders := got["orders"]
	for i, k := range orders.cols[0] {
		want := int64((i+1)/8*32 + (i+1)%8)
		if k != strconv.FormatInt(want, 10) {
			t.Fatalf("o_orderkey row %d = %s, want %d", i, k, want)
		}
		c, _ := strconv.ParseInt(orders.cols[1][i], 10, 64)
		if c < 1 || c > 2250 || c%3 == 0 {
			t.Fatalf("o_custkey row %d = %d", i, c)
		}
	}
	lines := got["lineitem"]
	for i := 1; i < lines.rows(); i++ {
		prev, cur := lines.cols[3][i-1], lines.cols[3][i]
		same := lines.cols[0][i] == lines.cols[0][i-1]
		p, _ := strconv.Atoi(prev)
		if same && cur != strconv.Itoa(p+1) || !same && cur != "1" {
			t.Fatalf("l_linenumber row %d = %s after %s", i, cur, prev)
		}
	}
}

// CSV output has a header line, dates as YYYY-MM-DD, money in plain
// notation, and the same values as dbgen.
func TestGenerateCSV(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	_, sum := generate(t, Options{ScaleFactor: 0.01, Format: FormatCSV, Allocator: mem})
	for _, ts := range sum.Tables {
		if filepath.Ext(ts.Path) != ".csv" {
			t.Fatalf("%s written to %s", ts.Name, ts.Path)
		}
		f, err := os.Open(ts.Path)
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", ts.Name, err)
		}
		want := readTable(t, mem, filepath.Join(refDir, ts.Name+".parquet"))
		if len(records) != want.rows()+1 {
			t.Fatalf("%s: %d lines, want %d and a header", ts.Name, len(records), want.rows())
		}
		for c, f := range want.schema.Fields() {
			if records[0][c] != f.Name {
				t.Errorf("%s header %d = %q, want %q", ts.Name, c, records[0][c], f.Name)
			}
			for r := range want.rows() {
				w := want.cols[c][r]
				switch f.Type.ID().String() {
				case "DATE32":
					d, _ := strconv.Atoi(w)
					w = string(appendDate(nil, int32(d)))
				case "DECIMAL128":
					v, _ := strconv.ParseInt(w, 10, 64)
					w = string(appendMoney(nil, v))
				}
				if g := records[r+1][c]; g != w {
					t.Fatalf("%s.%s row %d = %q, want %q", ts.Name, f.Name, r, g, w)
				}
			}
		}
	}
	// Spot checks of the formats.
	for _, tc := range []struct{ got, want string }{
		{string(appendDate(nil, 9298)), "1995-06-17"},
		{string(appendDate(nil, epochDay1992)), "1992-01-01"},
		{string(appendMoney(nil, -5)), "-0.05"},
		{string(appendMoney(nil, 123456)), "1234.56"},
		{string(appendCSVText(nil, []byte(`a, "b"`))), `"a, ""b"""`},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}

// A cancelled run returns the context's error and leaves nothing behind,
// neither finished tables nor partial ones.
func TestGenerateCancelLeavesNoFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Options{ScaleFactor: 0.01, OutDir: dir, Allocator: mem}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before starting: %v", err)
	}
	if files := listFiles(t, dir); len(files) != 0 {
		t.Errorf("left %v", files)
	}

	// Cancelled in the middle: small tables are done, lineitem is not.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	opts := Options{ScaleFactor: 0.01, OutDir: dir, Parallel: 2, Allocator: mem, RowGroupRows: 500,
		Progress: func(done, total int64) {
			if calls++; calls == 20 {
				cancel()
			}
		}}
	if _, err := Generate(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while writing: %v", err)
	}
	if calls < 20 {
		t.Errorf("progress called %d times", calls)
	}
	if files := listFiles(t, dir); len(files) != 0 {
		t.Errorf("left %v", files)
	}
}

// Progress counts up to the total rows of the tables asked for.
func TestGenerateProgress(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var last, total int64
	calls := 0
	generate(t, Options{ScaleFactor: 0.01, Allocator: mem, Tables: []string{"lineitem", "Orders"}, RowGroupRows: 1000,
		Progress: func(done, tot int64) {
			if calls == 0 && done != 0 || calls > 0 && done <= last {
				t.Errorf("progress call %d went from %d to %d", calls, last, done)
			}
			last, total = done, tot
			calls++
		}})
	// One call at the start, then one per chunk: 15 chunks of 1000 orders
	// for each table.
	if total != 60175+15000 || last != total || calls != 31 {
		t.Errorf("progress ended at %d of %d after %d calls, want 75175 after 31", last, total, calls)
	}
}

// Bad options are errors that say what is wrong.
func TestGenerateErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := Options{ScaleFactor: 0.01, OutDir: filepath.Join(dir, "out"), Allocator: mem}
	tests := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{"zero sf", func(o *Options) { o.ScaleFactor = 0 }, "scale factor 0: must be greater than 0"},
		{"negative sf", func(o *Options) { o.ScaleFactor = -1 }, "must be greater than 0"},
		{"tiny sf", func(o *Options) { o.ScaleFactor = 0.0001 }, "too small"},
		{"huge sf", func(o *Options) { o.ScaleFactor = 1e6 }, "too large"},
		{"format", func(o *Options) { o.Format = "orc" }, `unknown format "orc" (want parquet or csv)`},
		{"table", func(o *Options) { o.Tables = []string{"orders", "items"} }, `unknown table "items"`},
		{"parallel", func(o *Options) { o.Parallel = -2 }, "parallelism -2"},
		{"no dir", func(o *Options) { o.OutDir = "" }, "no output directory"},
		{"dir under a file", func(o *Options) { o.OutDir = filepath.Join(notDir, "out") }, "output directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.change(&o)
			_, err := Generate(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(ok.OutDir); !os.IsNotExist(err) {
		t.Errorf("a failed run created %s", ok.OutDir)
	}
}

// A new run replaces a table of an earlier one, whatever its format or
// layout, so that the catalog finds one table of each name.
func TestGenerateReplacesEarlierTables(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	runs := []struct {
		opts Options
		want []string
	}{
		{Options{Format: FormatCSV}, []string{"nation.csv", "region.csv"}},
		{Options{RowGroupRows: 1}, []string{"nation/part-00000.parquet", "nation/part-00001.parquet",
			"nation/part-00002.parquet", "nation/part-00003.parquet", "region.parquet"}},
		{Options{}, []string{"nation.parquet", "region.parquet"}},
	}
	for _, r := range runs {
		o := r.opts
		o.ScaleFactor, o.OutDir, o.Allocator, o.Tables = 0.01, dir, mem, []string{"nation", "region"}
		generate(t, o)
		if got := listFiles(t, dir); !slices.Equal(got, r.want) {
			t.Errorf("files %v, want %v", got, r.want)
		}
		found, err := catalog.DiscoverTables(dir)
		if err != nil || len(found) != 2 {
			t.Errorf("catalog finds %v (%v)", found, err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	textPool() // built once per process, not per run
	for b.Loop() {
		if _, err := Generate(context.Background(), Options{ScaleFactor: 0.1, OutDir: b.TempDir()}); err != nil {
			b.Fatal(err)
		}
	}
}
