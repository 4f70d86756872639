package dbgen

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// refDir holds dbgen's tables at scale factor 0.01.
var refDir = filepath.Join("..", "..", "testdata", "tpch", "sf0.01")

// tableData is a table read back: its Arrow schema and each column's
// values as text (integers, decimals as hundredths, dates as days).
type tableData struct {
	schema *arrow.Schema
	cols   [][]string
	files  int
}

func (d *tableData) rows() int {
	if len(d.cols) == 0 {
		return 0
	}
	return len(d.cols[0])
}

// readTable reads the Parquet file at path, or the part files of the
// directory at path in name order.
func readTable(t *testing.T, mem memory.Allocator, path string) *tableData {
	t.Helper()
	files := []string{path}
	if st, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.parquet"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no part files in %s (%v)", path, err)
		}
		slices.Sort(files)
	}
	d := &tableData{files: len(files)}
	for _, f := range files {
		readParquet(t, mem, f, d)
	}
	return d
}

func readParquet(t *testing.T, mem memory.Allocator, path string, d *tableData) {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	r, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, mem)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := r.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	if d.schema == nil {
		d.schema = rr.Schema()
		d.cols = make([][]string, d.schema.NumFields())
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		for c := range rec.NumCols() {
			d.cols[c] = appendValues(t, d.cols[c], rec.Column(int(c)))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
}

func appendValues(t *testing.T, out []string, a arrow.Array) []string {
	t.Helper()
	for i := range a.Len() {
		if a.IsNull(i) {
			out = append(out, "NULL")
			continue
		}
		switch a := a.(type) {
		case *array.Int64:
			out = append(out, strconv.FormatInt(a.Value(i), 10))
		case *array.Int32:
			out = append(out, strconv.FormatInt(int64(a.Value(i)), 10))
		case *array.Date32:
			out = append(out, strconv.FormatInt(int64(a.Value(i)), 10))
		case *array.Decimal128:
			out = append(out, strconv.FormatInt(int64(a.Value(i).LowBits()), 10))
		case *array.String:
			out = append(out, a.Value(i))
		default:
			t.Fatalf("unexpected column type %s", a.DataType())
		}
	}
	return out
}

// sameSchema fails unless got and want have the same fields: names, types
// and nullability.
func sameSchema(t *testing.T, table string, got, want *arrow.Schema) {
	t.Helper()
	if got.NumFields() != want.NumFields() {
		t.Fatalf("%s: %d columns, want %d", table, got.NumFields(), want.NumFields())
	}
	for i := range got.NumFields() {
		g, w := got.Field(i), want.Field(i)
		if g.Name != w.Name || !arrow.TypeEqual(g.Type, w.Type) || g.Nullable != w.Nullable {
			t.Errorf("%s column %d: %s %s (nullable %v), want %s %s (nullable %v)",
				table, i, g.Name, g.Type, g.Nullable, w.Name, w.Type, w.Nullable)
		}
	}
}

// sameData fails at the first differing value of each column, and
// reports how many differ.
func sameData(t *testing.T, table string, got, want *tableData, rows int) {
	t.Helper()
	for c := range want.cols {
		name := want.schema.Field(c).Name
		if len(got.cols[c]) < rows || len(want.cols[c]) < rows {
			t.Errorf("%s.%s: %d rows, want %d", table, name, len(got.cols[c]), rows)
			continue
		}
		bad := 0
		for r := range rows {
			if got.cols[c][r] != want.cols[c][r] {
				if bad == 0 {
					t.Errorf("%s.%s row %d: %q, want %q", table, name, r, got.cols[c][r], want.cols[c][r])
				}
				bad++
			}
		}
		if bad > 1 {
			t.Errorf("%s.%s: %d values differ", table, name, bad)
		}
	}
}

// generate runs Generate into a new directory and fails the test on error.
func generate(t *testing.T, opts Options) (string, Summary) {
	t.Helper()
	if opts.OutDir == "" {
		opts.OutDir = t.TempDir()
	}
	s, err := Generate(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return opts.OutDir, s
}

// listFiles returns every file under dir (relative paths, sorted).
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
