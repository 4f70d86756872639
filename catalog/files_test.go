package catalog

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// newMem returns a checked allocator that fails the test if anything is
// left allocated when it ends.
func newMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// readAll reads every split of tbl and returns the batches, which the
// caller releases (releaseBatches).
func readAll(t testing.TB, tbl Table, req ScanRequest, mem memory.Allocator, batchSize int) []arrow.RecordBatch {
	t.Helper()
	out, err := tryReadAll(tbl, req, mem, batchSize)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tryReadAll(tbl Table, req ScanRequest, mem memory.Allocator, batchSize int) ([]arrow.RecordBatch, error) {
	ctx := context.Background()
	splits, err := tbl.Splits(ctx, req)
	if err != nil {
		return nil, err
	}
	var out []arrow.RecordBatch
	for _, s := range splits {
		r, err := tbl.Open(ctx, s, req, mem, batchSize)
		if err != nil {
			releaseBatches(out)
			return nil, err
		}
		for {
			b, err := r.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				r.Close()
				releaseBatches(out)
				return nil, err
			}
			out = append(out, b)
		}
		if err := r.Close(); err != nil {
			releaseBatches(out)
			return nil, err
		}
		if err := r.Close(); err != nil { // Close is safe twice
			releaseBatches(out)
			return nil, err
		}
	}
	return out, nil
}

func releaseBatches(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// render turns batches into rows of strings (Arrow's ValueStr; NULL is
// "(null)").
func render(bs []arrow.RecordBatch) [][]string {
	var rows [][]string
	for _, b := range bs {
		for i := range int(b.NumRows()) {
			row := make([]string, b.NumCols())
			for j, c := range b.Columns() {
				row[j] = c.ValueStr(i)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func totalRows(bs []arrow.RecordBatch) int64 {
	var n int64
	for _, b := range bs {
		n += b.NumRows()
	}
	return n
}

// writeFile creates path (and its directories) holding text.
func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFormatFromPath(t *testing.T) {
	cases := map[string]string{
		"a/b.parquet": FormatParquet, "x.PARQ": FormatParquet,
		"x.csv": FormatCSV, "x.tsv": FormatCSV, "x.csv.gz": FormatCSV,
		"x.json": FormatJSON, "x.ndjson": FormatJSON, "x.jsonl.gz": FormatJSON,
		"x.txt": "", "x": "", "x.gz": "",
	}
	for path, want := range cases {
		if got := FormatFromPath(path); got != want {
			t.Errorf("FormatFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestExpandPath(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"t/a.csv", "t/b.csv", "t/sub/c.csv", "t/_SUCCESS", "t/.a.csv.crc", "t/_tmp/d.csv", "t/.hidden/e.csv",
		"t/notes.txt", "u/x.json", "u/y", "v/deep/er/z.csv",
	} {
		writeFile(t, filepath.Join(dir, f), "a\n1\n")
	}
	rel := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			r, _ := filepath.Rel(dir, p)
			out[i] = filepath.ToSlash(r)
		}
		return out
	}
	cases := []struct {
		path, format string
		want         []string
		err          string
	}{
		{path: "t/a.csv", want: []string{"t/a.csv"}},
		{path: "t", want: []string{"t/a.csv", "t/b.csv", "t/sub/c.csv"}},
		{path: "t", format: FormatCSV, want: []string{"t/a.csv", "t/b.csv", "t/sub/c.csv"}},
		{path: "t/*.csv", want: []string{"t/a.csv", "t/b.csv"}},
		{path: "t/[a]*", want: []string{"t/a.csv"}},
		{path: "t/**/*.csv", want: []string{"t/a.csv", "t/b.csv", "t/sub/c.csv"}},
		{path: "**/z.csv", want: []string{"v/deep/er/z.csv"}},
		{path: "t/s*", want: []string{"t/sub/c.csv"}}, // a matched directory is listed
		// A directory without files of the format: its files without a
		// known extension.
		{path: "u", format: FormatJSON, want: []string{"u/x.json"}},
		{path: "u", format: FormatParquet, want: []string{"u/y"}},
		{path: "nothing", err: "no files match"},
		{path: "t/*.parquet", err: "no files match"},
		{path: "t/[", err: "bad glob"},
		{path: "t/a**/x", err: "whole path segment"},
	}
	for _, c := range cases {
		t.Run(c.path+"/"+c.format, func(t *testing.T) {
			got, err := expandPath(filepath.Join(dir, c.path), c.format)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rel(got), c.want) {
				t.Fatalf("got %v, want %v", rel(got), c.want)
			}
		})
	}
}

func TestOpenFilesFormatErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mixed/a.csv"), "a\n1\n")
	writeFile(t, filepath.Join(dir, "mixed/b.json"), `{"a":1}`+"\n")
	writeFile(t, filepath.Join(dir, "x.txt"), "a\n1\n")
	ctx := context.Background()
	cases := []struct {
		format, path string
		opts         map[string]string
		err          string
	}{
		{"", "mixed", nil, "two formats"},
		{"", "x.txt", nil, "cannot tell the format"},
		{"orc", "x.txt", nil, "unknown file format"},
		{"csv", "x.txt", map[string]string{"Header": "maybe"}, "must be true or false"},
		{"csv", "x.txt", map[string]string{"bogus": "1"}, `unknown CSV option "bogus"`},
		{"csv", "x.txt", map[string]string{"sep": ";;"}, "one ASCII character"},
		{"json", "mixed/b.json", map[string]string{"header": "true"}, "unknown JSON option"},
		{"", "missing.csv", nil, "no files match " + filepath.Join(dir, "missing.csv")},
	}
	for _, c := range cases {
		_, err := OpenFiles(ctx, c.format, filepath.Join(dir, c.path), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("OpenFiles(%q, %q) err = %v, want %q", c.format, c.path, err, c.err)
		}
	}
	// With a format, a file of any extension is read.
	tbl, err := OpenFiles(ctx, "CSV", filepath.Join(dir, "x.txt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tbl.Schema().Field(0).Name; got != "a" {
		t.Fatalf("column = %q", got)
	}
}

func TestDiscoverTables(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "lineitem.parquet"), "x")
	writeFile(t, filepath.Join(dir, "nation.csv.gz"), "x")
	writeFile(t, filepath.Join(dir, "logs.ndjson"), "x")
	writeFile(t, filepath.Join(dir, "events/part-0.json"), "x")
	writeFile(t, filepath.Join(dir, "events/part-1.json"), "x")
	writeFile(t, filepath.Join(dir, "empty/readme.txt"), "x")
	writeFile(t, filepath.Join(dir, "_tmp/t.csv"), "x")
	writeFile(t, filepath.Join(dir, ".cache.csv"), "x")
	writeFile(t, filepath.Join(dir, "README.md"), "x")
	got, err := DiscoverTables(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"lineitem": filepath.Join(dir, "lineitem.parquet"),
		"nation":   filepath.Join(dir, "nation.csv.gz"),
		"logs":     filepath.Join(dir, "logs.ndjson"),
		"events":   filepath.Join(dir, "events"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	writeFile(t, filepath.Join(dir, "Lineitem.csv"), "x")
	if _, err := DiscoverTables(dir); err == nil || !strings.Contains(err.Error(), "would both be table") {
		t.Fatalf("err = %v, want a name clash", err)
	}
	if _, err := DiscoverTables(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

func TestDiscoverTPCH(t *testing.T) {
	got, err := DiscoverTables("../testdata/tpch/sf0.01")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("got %v", names)
	}
}
