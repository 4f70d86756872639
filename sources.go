package ember

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/internal/gorows"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/sql"
)

// SQL runs one SQL statement. A query becomes a lazy DataFrame; any other
// statement (CREATE VIEW, DROP TABLE, INSERT, …) runs at once, as in
// Spark, and returns an empty DataFrame. Mistakes in the statement are the
// DataFrame's error, with their line and column.
func (s *Session) SQL(query string) *DataFrame {
	ctx := context.Background()
	stmt, err := sql.Bind(ctx, s.cat, sql.Source{Text: query, Line: 1, Col: 1}, s.bindOptions())
	if err != nil {
		return s.errDataFrame(err)
	}
	if q, ok := stmt.(*sql.Query); ok {
		return s.newDataFrame(&sql.Frame{Plan: q.Plan})
	}
	res, err := s.run(ctx, stmt)
	if err != nil {
		return s.errDataFrame(err)
	}
	schema := res.Schema()
	batches, err := drain(ctx, res)
	if err != nil {
		return s.errDataFrame(err)
	}
	return s.fromBatches(schema, batches)
}

// drain reads a result to its end and closes it.
func drain(ctx context.Context, res *Result) ([]arrow.RecordBatch, error) {
	defer res.Close()
	return readAll(ctx, res.Next)
}

// Table reads a table or view of the session's catalog; its columns answer
// to the table's name as a qualifier ("orders.o_orderkey").
func (s *Session) Table(name string) *DataFrame {
	sel := selectFrom(pg.MakeSimpleRangeVarNode(name, -1), star())
	f, err := sql.BindFrameQuery(context.Background(), s.cat, sel, nil, s.bindOptions())
	if err != nil {
		return s.errDataFrame(err)
	}
	return s.newDataFrame(f)
}

// scanOf is a DataFrame reading table t under the name name.
func (s *Session) scanOf(name string, t catalog.Table) *DataFrame {
	return s.newDataFrame(&sql.Frame{Plan: planner.NewScan(name, t, nil)})
}

// Range is a DataFrame of one BIGINT column "id" holding start, start+step,
// … up to end (excluded), in the given number of partitions (the session's
// cores when 0), generated as it is read.
func (s *Session) Range(start, end, step int64, partitions int) *DataFrame {
	if partitions <= 0 {
		partitions = s.conf.Cores
	}
	t, err := catalog.NewRangeTable(start, end, step, partitions)
	if err != nil {
		return s.errDataFrame(err)
	}
	return s.scanOf("range", t)
}

// CreateDataFrame makes a DataFrame of Go values held in memory, as
// PySpark's createDataFrame does. data is either rows ([][]any) with
// their column names:
//
//	s.CreateDataFrame([][]any{{"Alice", 1}, {"Bob", 2}}, "Name", "Age")
//
// or a slice of structs (or of pointers to structs), whose exported fields
// are the columns, named by an `ember:"name"` tag or else the field's name
// (`ember:"-"` skips a field). Types follow the Go values: string is
// VARCHAR, int and int64 BIGINT, int32 INT, float64 DOUBLE, bool BOOLEAN,
// time.Time TIMESTAMP; nil is NULL.
func (s *Session) CreateDataFrame(data any, columns ...string) *DataFrame {
	var schema *arrow.Schema
	var batches []arrow.RecordBatch
	var err error
	switch rows := data.(type) {
	case [][]any:
		if len(columns) == 0 {
			return s.errDataFrame(fmt.Errorf("CreateDataFrame: rows need column names"))
		}
		schema, batches, err = gorows.FromRows(s.mem, rows, columns)
	default:
		if len(columns) > 0 {
			return s.errDataFrame(fmt.Errorf("CreateDataFrame: column names apply to [][]any rows; a slice of structs names its columns by its fields"))
		}
		schema, batches, err = gorows.FromStructs(s.mem, data)
	}
	if err != nil {
		return s.errDataFrame(fmt.Errorf("CreateDataFrame: %w", err))
	}
	return s.fromBatches(schema, batches)
}

// CreateDataFrameFromArrow makes a DataFrame of Arrow record batches, which
// must share one schema. The DataFrame keeps its own references; the
// caller still releases its batches.
func (s *Session) CreateDataFrameFromArrow(batches ...arrow.RecordBatch) *DataFrame {
	if len(batches) == 0 {
		return s.errDataFrame(fmt.Errorf("CreateDataFrameFromArrow: no batches (the schema comes from the first)"))
	}
	schema := batches[0].Schema()
	for i, b := range batches[1:] {
		if !b.Schema().Equal(schema) {
			return s.errDataFrame(fmt.Errorf("CreateDataFrameFromArrow: batch %d has schema %s, unlike batch 0's %s", i+1, b.Schema(), schema))
		}
	}
	for _, b := range batches {
		b.Retain()
	}
	return s.fromBatches(schema, batches)
}

// fromBatches makes a DataFrame of batches it takes ownership of, held in
// an in-memory table that the session releases when it closes.
func (s *Session) fromBatches(schema *arrow.Schema, batches []arrow.RecordBatch) *DataFrame {
	t := catalog.NewMemTable(schema, batches, s.conf.Cores)
	for _, b := range batches {
		b.Release()
	}
	s.own(t)
	return s.scanOf("memory", t)
}

// own makes the session release r when it closes.
func (s *Session) own(r interface{ Release() }) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owned = append(s.owned, r)
}

// Read starts reading files into a DataFrame:
//
//	s.Read().Option("header", "false").CSV("data/*.csv")
func (s *Session) Read() *DataFrameReader {
	return &DataFrameReader{s: s, options: map[string]string{}}
}

// DataFrameReader reads files as a DataFrame (Session.Read).
type DataFrameReader struct {
	s       *Session
	options map[string]string
	schema  *arrow.Schema
	err     error
}

// Option sets a reader option. CSV knows header (default true),
// delimiter (or sep), quote, nullValue and inferSchema.
func (r *DataFrameReader) Option(key, value string) *DataFrameReader {
	r.options[strings.ToLower(key)] = value
	return r
}

// Options sets several reader options.
func (r *DataFrameReader) Options(opts map[string]string) *DataFrameReader {
	for k, v := range opts {
		r.Option(k, v)
	}
	return r
}

// Schema gives the columns instead of inferring them: an Arrow schema, or
// SQL column definitions as text ("name STRING, age INT"). The files'
// columns are converted to these types (by position for CSV, by name for
// Parquet and JSON); a value that does not convert is an error when read.
func (r *DataFrameReader) Schema(schema any) *DataFrameReader {
	switch x := schema.(type) {
	case *arrow.Schema:
		r.schema = x
	case string:
		sc, err := sql.ParseSchema(x)
		if err != nil {
			r.err = fmt.Errorf("Schema: %w", err)
			return r
		}
		r.schema = sc
	default:
		r.err = fmt.Errorf("Schema takes an *arrow.Schema or a string, not a %T", schema)
	}
	return r
}

// Parquet reads Parquet files: each path is a file, a directory (read
// with its partition directories, col=value/) or a glob.
func (r *DataFrameReader) Parquet(paths ...string) *DataFrame { return r.load("parquet", paths) }

// CSV reads CSV files (paths as for Parquet).
func (r *DataFrameReader) CSV(paths ...string) *DataFrame { return r.load("csv", paths) }

// JSON reads newline-delimited JSON files (paths as for Parquet).
func (r *DataFrameReader) JSON(paths ...string) *DataFrame { return r.load("json", paths) }

// Table reads a catalog table (Session.Table).
func (r *DataFrameReader) Table(name string) *DataFrame { return r.s.Table(name) }

func (r *DataFrameReader) load(format string, paths []string) *DataFrame {
	s := r.s
	if r.err != nil {
		return s.errDataFrame(r.err)
	}
	if len(paths) == 0 {
		return s.errDataFrame(fmt.Errorf("read %s: no path given", format))
	}
	opts := r.options
	if r.schema != nil && format == "csv" {
		opts = map[string]string{"inferschema": "false"}
		for k, v := range r.options {
			opts[k] = v
		}
	}
	var out *DataFrame
	for _, p := range paths {
		t, err := catalog.OpenFiles(context.Background(), format, p, opts)
		if err != nil {
			return s.errDataFrame(err)
		}
		df := s.scanOf(p, t)
		if r.schema != nil {
			df = df.conform(r.schema, format == "csv")
		}
		if out == nil {
			out = df
		} else {
			out = out.Union(df)
		}
	}
	return out
}

// conform casts and renames df's columns to schema: by position, or by
// name.
func (df *DataFrame) conform(schema *arrow.Schema, byPosition bool) *DataFrame {
	if df.err != nil {
		return df
	}
	have := df.Columns()
	if byPosition && len(have) != schema.NumFields() {
		return df.s.errDataFrame(fmt.Errorf("the schema has %d columns but the files have %d (%s)", schema.NumFields(), len(have), strings.Join(have, ", ")))
	}
	cols := make([]any, schema.NumFields())
	for i, f := range schema.Fields() {
		src := quotedCol(f.Name)
		if byPosition {
			src = quotedCol(have[i])
		} else if !containsFold(have, f.Name) {
			return df.s.errDataFrame(fmt.Errorf("schema column %q not found in the files; they have: %s", f.Name, strings.Join(have, ", ")))
		}
		cols[i] = src.Cast(planner.TypeName(f.Type)).Alias(f.Name)
	}
	return df.Select(cols...)
}
