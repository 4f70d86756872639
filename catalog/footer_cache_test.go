package catalog

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestFooterCacheReusesUnchangedFiles checks that a footer is parsed once
// per version of a file, that a rewritten file is parsed again, and that
// the cache keeps at most its size.
func TestFooterCacheReusesUnchangedFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.parquet")
	b := filepath.Join(dir, "b.parquet")
	writeParquetInts(t, a, []int64{1, 2, 3})
	writeParquetInts(t, b, []int64{4})
	c := newFooterCache(1)

	first, _, err := c.read(a)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := c.read(a)
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("an unchanged file's footer was parsed twice")
	}

	// Rewrite a with other contents (and a later time, in case the size
	// matched): the cache must not serve the old footer.
	writeParquetInts(t, a, []int64{1, 2, 3, 4, 5, 6, 7})
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	changed, _, err := c.read(a)
	if err != nil {
		t.Fatal(err)
	}
	if changed == first || changed.meta.NumRows != 7 {
		t.Errorf("rewritten file: got the footer of %d rows, want a new one of 7", changed.meta.NumRows)
	}

	if _, _, err := c.read(b); err != nil {
		t.Fatal(err)
	}
	if n := c.order.Len(); n != 1 || len(c.byKey) != 1 {
		t.Errorf("cache of size 1 holds %d entries (%d keys)", n, len(c.byKey))
	}
	if _, _, err := c.read(filepath.Join(dir, "missing.parquet")); !os.IsNotExist(err) {
		t.Errorf("missing file: got %v, want a not-exist error", err)
	}
}

// writeParquetInts writes one int64 column x holding values.
func writeParquetInts(t *testing.T, path string, values []int64) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(values, nil)
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(values)))
	defer rec.Release()
	writeParquet(t, path, schema, []arrow.RecordBatch{rec})
}
