package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// specRows reads tbl whole and in a projection (its columns reversed), as
// text, with small batches so that readers cut batches.
func specRows(t *testing.T, tbl Table, mem memory.Allocator) (all, reversed [][]string) {
	t.Helper()
	n := tbl.Schema().NumFields()
	bs := readAll(t, tbl, allColumns(tbl.Schema()), mem, 7)
	all = render(bs)
	releaseBatches(bs)
	cols := make([]int, n)
	for i := range cols {
		cols[i] = n - 1 - i
	}
	bs = readAll(t, tbl, ScanRequest{Columns: cols}, mem, 7)
	reversed = render(bs)
	releaseBatches(bs)
	return all, reversed
}

// TestTableSpecRoundTrip describes each kind of table, opens the
// description as another process would, and checks the new table has the
// same schema, the same splits and the same rows.
func TestTableSpecRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), "id;name;price\n1;ann;1.5\n2;NA;2.25\n3;cy;NA\n")
	writeFile(t, filepath.Join(dir, "b.csv"), "id;name;price\n4;dee;4\n")
	writeFile(t, filepath.Join(dir, "j.json"), "{\"k\": 1, \"s\": \"x\"}\n{\"k\": 2, \"f\": 2.5}\n{\"s\": null}\n")
	writeFile(t, filepath.Join(dir, "parts", "year=2020", "region=eu", "p.csv"), "id,v\n1,a\n2,b\n")
	writeFile(t, filepath.Join(dir, "parts", "year=2021", "region=us", "p.csv"), "id,v\n3,c\n")
	writeFile(t, filepath.Join(dir, "parts", "year=2021", "region="+DefaultPartitionName, "p.csv"), "id,v\n4,d\n")
	tpch := filepath.Join("..", "testdata", "tpch", "sf0.01")

	cases := []struct {
		name string
		kind SpecKind
		open func(t *testing.T, mem memory.Allocator) (Table, func())
	}{
		{"parquet", SpecFiles, func(t *testing.T, _ memory.Allocator) (Table, func()) {
			tbl, err := OpenFiles(ctx, "", filepath.Join(tpch, "nation.parquet"), nil)
			if err != nil {
				t.Fatal(err)
			}
			return tbl, func() {}
		}},
		{"csv with options", SpecFiles, func(t *testing.T, _ memory.Allocator) (Table, func()) {
			tbl, err := OpenFiles(ctx, "csv", filepath.Join(dir, "*.csv"), map[string]string{"Delimiter": ";", "nullValue": "NA"})
			if err != nil {
				t.Fatal(err)
			}
			return tbl, func() {}
		}},
		{"ndjson", SpecFiles, func(t *testing.T, _ memory.Allocator) (Table, func()) {
			tbl, err := OpenFiles(ctx, "", filepath.Join(dir, "j.json"), nil)
			if err != nil {
				t.Fatal(err)
			}
			return tbl, func() {}
		}},
		{"partitioned", SpecPartitioned, func(t *testing.T, _ memory.Allocator) (Table, func()) {
			tbl, err := OpenFiles(ctx, "csv", filepath.Join(dir, "parts"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tbl.(*PartitionedTable); !ok {
				t.Fatalf("got a %T, want a partitioned table", tbl)
			}
			return tbl, func() {}
		}},
		{"range", SpecRange, func(t *testing.T, _ memory.Allocator) (Table, func()) {
			tbl, err := NewRangeTable(-5, 100, 3, 4)
			if err != nil {
				t.Fatal(err)
			}
			return tbl, func() {}
		}},
		{"memory", SpecMemory, func(t *testing.T, mem memory.Allocator) (Table, func()) {
			b1, b2 := memBatch(mem, 0, 10), memBatch(mem, 10, 25)
			defer b1.Release()
			defer b2.Release()
			tbl := NewMemTable(memSchema, []arrow.RecordBatch{b1, b2}, 3)
			return tbl, tbl.Release
		}},
		{"memory with empty partitions", SpecMemory, func(t *testing.T, mem memory.Allocator) (Table, func()) {
			b := memBatch(mem, 0, 2)
			defer b.Release()
			tbl := NewMemTable(memSchema, []arrow.RecordBatch{b}, 4)
			return tbl, tbl.Release
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := newMem(t)
			orig, release := c.open(t, mem)
			spec, err := SpecOf(orig)
			if err != nil {
				t.Fatal(err)
			}
			if spec.Kind != c.kind {
				t.Fatalf("kind %s, want %s", spec.Kind, c.kind)
			}
			wantAll, wantRev := specRows(t, orig, mem)
			wantSplits, err := orig.Splits(ctx, allColumns(orig.Schema()))
			if err != nil {
				t.Fatal(err)
			}
			// The copy must not depend on the original: release it first.
			release()

			got, err := OpenSpec(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Schema().Equal(orig.Schema()) {
				t.Fatalf("schema %s, want %s", got.Schema(), orig.Schema())
			}
			if fmt.Sprint(got) != fmt.Sprint(orig) {
				t.Errorf("described as %v, want %v", got, orig)
			}
			gotSplits, err := got.Splits(ctx, allColumns(got.Schema()))
			if err != nil {
				t.Fatal(err)
			}
			if c.kind != SpecMemory && !reflect.DeepEqual(gotSplits, wantSplits) {
				t.Fatalf("splits %+v, want %+v", gotSplits, wantSplits)
			}
			if len(gotSplits) != len(wantSplits) {
				t.Fatalf("%d splits, want %d", len(gotSplits), len(wantSplits))
			}
			for i := range gotSplits {
				if gotSplits[i].Index != wantSplits[i].Index || gotSplits[i].Rows != wantSplits[i].Rows {
					t.Fatalf("split %d is %+v, want %+v", i, gotSplits[i], wantSplits[i])
				}
			}
			gotAll, gotRev := specRows(t, got, mem)
			if len(wantAll) == 0 {
				t.Fatal("the table read no rows: the test proves nothing")
			}
			if !reflect.DeepEqual(gotAll, wantAll) || !reflect.DeepEqual(gotRev, wantRev) {
				t.Fatalf("rows\n%v\n%v\nwant\n%v\n%v", gotAll, gotRev, wantAll, wantRev)
			}
			// The opened table describes itself the same way.
			again, err := SpecOf(got)
			if err != nil {
				t.Fatal(err)
			}
			if again.Kind != spec.Kind || !reflect.DeepEqual(again.Paths, spec.Paths) ||
				!reflect.DeepEqual(again.Options, spec.Options) || !again.Schema.Equal(spec.Schema) ||
				!reflect.DeepEqual(again.PartitionValues, spec.PartitionValues) || again.Range != spec.Range ||
				!reflect.DeepEqual(again.MemoryRows, spec.MemoryRows) {
				t.Fatalf("spec of the opened table %+v, want %+v", again, spec)
			}
		})
	}
}

// TestTableSpecKeepsSchema checks that a worker reads text files with the
// spec's types instead of inferring its own.
func TestTableSpecKeepsSchema(t *testing.T) {
	ctx := context.Background()
	mem := newMem(t)
	path := filepath.Join(t.TempDir(), "n.csv")
	writeFile(t, path, "a,b\n1,2.5\n")
	tbl, err := OpenFiles(ctx, "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := SpecOf(tbl)
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.Schema.Field(0).Type; got.ID() == arrow.STRING {
		t.Fatalf("inferred %s, want a number", got)
	}
	spec.Schema = arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	opened, err := OpenSpec(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	bs := readAll(t, opened, allColumns(opened.Schema()), mem, 10)
	defer releaseBatches(bs)
	if bs[0].Column(0).DataType().ID() != arrow.STRING {
		t.Fatalf("read %s, want the spec's VARCHAR", bs[0].Column(0).DataType())
	}
}

// otherTable is a table only this process knows.
type otherTable struct{ Table }

func (otherTable) String() string { return "other" }

// sendableTable describes itself as a range.
type sendableTable struct{ otherTable }

func (sendableTable) Spec() (TableSpec, error) {
	return TableSpec{Kind: SpecRange, Range: RangeSpec{Start: 0, Step: 1, Rows: 3, Partitions: 1}}, nil
}

func TestTableSpecErrors(t *testing.T) {
	ctx := context.Background()
	rt, err := NewRangeTable(0, 10, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, err = SpecOf(otherTable{rt})
	if !errors.Is(err, ErrNotSendable) || !strings.Contains(err.Error(), "table other cannot be sent to the cluster") {
		t.Fatalf("got %v, want a not-sendable error naming the table", err)
	}
	spec, err := SpecOf(sendableTable{})
	if err != nil || spec.Kind != SpecRange || spec.Range.Rows != 3 {
		t.Fatalf("Sendable table: got %+v, %v", spec, err)
	}

	mt := NewMemTable(memSchema, nil, 1)
	mt.Release()
	if _, err := SpecOf(mt); err == nil || !strings.Contains(err.Error(), "released") {
		t.Fatalf("released memory table: got %v", err)
	}

	tpch := filepath.Join("..", "testdata", "tpch", "sf0.01")
	nation, err := OpenFiles(ctx, "", filepath.Join(tpch, "nation.parquet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	good, err := SpecOf(nation)
	if err != nil {
		t.Fatal(err)
	}
	changed := good
	changed.Paths = []string{filepath.Join(tpch, "region.parquet")}
	missing := good
	missing.Paths = []string{filepath.Join(t.TempDir(), "gone.parquet")}
	noSchema := good
	noSchema.Schema = nil
	badFormat := good
	badFormat.Format = "xml"
	csvOpts := good
	csvOpts.Options = map[string]string{"header": "false"}
	for _, c := range []struct {
		name string
		spec TableSpec
		want string
	}{
		{"schema changed", changed, "changed since the query was planned"},
		{"missing file", missing, "gone.parquet"},
		{"no schema", noSchema, "has no schema"},
		{"bad format", badFormat, `unknown file format "xml"`},
		{"options for parquet", csvOpts, `unknown Parquet option "header"`},
		{"unknown kind", TableSpec{Kind: 42, Schema: memSchema}, "unknown table spec kind 42"},
		{"bad range", TableSpec{Kind: SpecRange, Range: RangeSpec{Step: 0, Partitions: 1}}, "invalid range"},
		{"memory without rows", TableSpec{Kind: SpecMemory, Schema: memSchema, Memory: [][]byte{{1}}}, "1 partitions and 0 row counts"},
		{"partitioned without values", TableSpec{Kind: SpecPartitioned, Format: FormatCSV, Paths: []string{"x"}, Schema: memSchema}, "1 files and 0 partition value lists"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenSpec(ctx, c.spec)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}

	// A corrupt memory partition fails when read, not by panicking.
	mem := newMem(t)
	bad, err := OpenSpec(ctx, TableSpec{Kind: SpecMemory, Schema: memSchema, Memory: [][]byte{[]byte("not ipc")}, MemoryRows: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tryReadAll(bad, allColumns(memSchema), mem, 10); err == nil {
		t.Fatal("reading a corrupt memory partition succeeded")
	}
}
