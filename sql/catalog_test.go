package sql

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// fakeTable is a table with a schema and no data: binding never reads.
type fakeTable struct{ schema *arrow.Schema }

func (t *fakeTable) Schema() *arrow.Schema          { return t.schema }
func (t *fakeTable) Statistics() catalog.Statistics { return catalog.Statistics{Rows: -1, Bytes: -1} }
func (t *fakeTable) Splits(context.Context, catalog.ScanRequest) ([]catalog.Split, error) {
	return nil, errors.New("fake table has no data")
}
func (t *fakeTable) Open(context.Context, catalog.Split, catalog.ScanRequest, memory.Allocator, int) (catalog.BatchReader, error) {
	return nil, errors.New("fake table has no data")
}

func field(name string, t arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: true}
}

func addTable(t testing.TB, cat *catalog.Catalog, name string, fields ...arrow.Field) {
	t.Helper()
	s := arrow.NewSchema(fields, nil)
	if err := cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindTable, Table: &fakeTable{s}, Schema: s}, false); err != nil {
		t.Fatal(err)
	}
}

func addView(t testing.TB, cat *catalog.Catalog, name, sql string, schema *arrow.Schema) {
	t.Helper()
	if err := cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindView, ViewSQL: sql, Schema: schema}, false); err != nil {
		t.Fatal(err)
	}
}

var dec152 = planner.Decimal(15, 2)

// testCatalog holds small tables for the binder tests:
//
//	t(a INT, b BIGINT, c VARCHAR, d DATE, e DECIMAL(15,2), f DOUBLE, g BOOLEAN)
//	u(a INT, x VARCHAR, y BIGINT)
//	s(k INT, v VARCHAR)
func testCatalog(t testing.TB) *catalog.Catalog {
	cat := catalog.New()
	addTable(t, cat, "t",
		field("a", planner.TypeInt), field("b", planner.TypeBigInt), field("c", planner.TypeString),
		field("d", planner.TypeDate), field("e", dec152), field("f", planner.TypeDouble), field("g", planner.TypeBoolean))
	addTable(t, cat, "u", field("a", planner.TypeInt), field("x", planner.TypeString), field("y", planner.TypeBigInt))
	addTable(t, cat, "s", field("k", planner.TypeInt), field("v", planner.TypeString))
	addView(t, cat, "va", "SELECT a, c AS name FROM t WHERE a > 1", nil)
	addView(t, cat, "vself", "SELECT * FROM vself", nil)
	addView(t, cat, "vloop1", "SELECT * FROM vloop2", nil)
	addView(t, cat, "vloop2", "SELECT * FROM vloop1", nil)
	addView(t, cat, "vbad", "SELECT nope FROM t", nil)
	return cat
}

// fileOpener is an OpenFiles that knows one file, /data/f.parquet (and
// its CSV and JSON twins), with columns (id BIGINT, name VARCHAR); it
// records the options it was given.
type fileOpener struct {
	lastFormat  string
	lastOptions map[string]string
}

func (o *fileOpener) open(_ context.Context, format, path string, options map[string]string) (catalog.Table, error) {
	o.lastFormat, o.lastOptions = format, options
	switch path {
	case "/data/f.parquet", "/data/f.csv", "/data/f.json":
		return &fakeTable{arrow.NewSchema([]arrow.Field{field("id", planner.TypeBigInt), field("name", planner.TypeString)}, nil)}, nil
	}
	return nil, errors.New("no such file: " + path)
}

func bindWith(t testing.TB, cat *catalog.Catalog, fo *fileOpener, sql string) (Statement, error) {
	t.Helper()
	return Bind(context.Background(), cat, Source{Text: sql, Line: 1, Col: 1}, BindOptions{OpenFiles: fo.open})
}

type catalogAndName struct {
	cat  *catalog.Catalog
	name string
}
