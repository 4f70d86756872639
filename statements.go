package ember

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/sql"
)

// emptySchema is the schema of statements that return no rows.
var emptySchema = arrow.NewSchema(nil, nil)

// run executes one bound statement.
func (s *Session) run(ctx context.Context, stmt sql.Statement) (*Result, error) {
	switch st := stmt.(type) {
	case *sql.Query:
		qp, err := s.planQuery(ctx, st.Plan, false)
		if err != nil {
			return nil, err
		}
		stream, _ := s.start(ctx, qp, nil)
		return &Result{schema: st.Plan.Schema(), stream: stream}, nil
	case *sql.Explain:
		text, err := s.explain(ctx, st)
		if err != nil {
			return nil, err
		}
		return s.textResult("plan", text)
	case *sql.CreateView:
		if e := s.cat.Lookup(st.Name); e != nil && e.Kind != catalog.KindView {
			return nil, fmt.Errorf("cannot create view %s: a table of that name exists", st.Name)
		}
		err := s.cat.Put(&catalog.Entry{Name: st.Name, Kind: catalog.KindView, ViewSQL: st.SQL,
			Schema: st.Plan.Schema(), Temporary: st.Temporary}, st.OrReplace)
		return s.noRows(err)
	case *sql.CreateTable:
		return s.createTable(ctx, st)
	case *sql.Insert:
		return s.insert(ctx, st)
	case *sql.Drop:
		kind := catalog.KindTable
		if st.View {
			kind = catalog.KindView
		}
		e := s.cat.Lookup(st.Name)
		err := s.cat.Drop(st.Name, kind, st.IfExists)
		if err == nil && e != nil && e.Kind == kind {
			if r, ok := e.Table.(interface{ Release() }); ok {
				r.Release()
			}
		}
		return s.noRows(err)
	case *sql.ShowTables:
		return s.showTables()
	case *sql.Describe:
		return s.describe(st.Schema)
	}
	return nil, fmt.Errorf("statement %T not supported", stmt)
}

func (s *Session) noRows(err error) (*Result, error) {
	if err != nil {
		return nil, err
	}
	return &Result{schema: emptySchema}, nil
}

// collect runs a logical plan to completion and returns its batches.
func (s *Session) collect(ctx context.Context, plan planner.Node) ([]arrow.RecordBatch, error) {
	qp, err := s.planQuery(ctx, plan, false)
	if err != nil {
		return nil, err
	}
	stream, _ := s.start(ctx, qp, nil)
	defer stream.Close()
	return readAll(ctx, stream.Next)
}

// readAll reads batches from next until io.EOF; on an error it releases
// what it read.
func readAll(ctx context.Context, next func(context.Context) (arrow.RecordBatch, error)) ([]arrow.RecordBatch, error) {
	var out []arrow.RecordBatch
	for {
		b, err := next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, b)
	}
}

func (s *Session) createTable(ctx context.Context, st *sql.CreateTable) (*Result, error) {
	if e := s.cat.Lookup(st.Name); e != nil {
		switch {
		case st.IfNotExists:
			return s.noRows(nil)
		case !st.OrReplace:
			return nil, fmt.Errorf("table %s already exists", st.Name)
		}
	}
	var batches []arrow.RecordBatch
	if st.Plan != nil {
		var err error
		if batches, err = s.collect(ctx, st.Plan); err != nil {
			return nil, err
		}
	}
	t := catalog.NewMemTable(st.Schema, batches, s.conf.Cores)
	for _, b := range batches {
		b.Release()
	}
	if old := s.cat.Lookup(st.Name); old != nil {
		if r, ok := old.Table.(interface{ Release() }); ok {
			defer r.Release()
		}
	}
	return s.noRows(s.cat.Put(&catalog.Entry{Name: st.Name, Kind: catalog.KindTable, Table: t, Schema: st.Schema}, true))
}

func (s *Session) insert(ctx context.Context, st *sql.Insert) (*Result, error) {
	e := s.cat.Lookup(st.Table)
	if e == nil || e.Kind != catalog.KindTable {
		return nil, fmt.Errorf("table %s not found", st.Table)
	}
	mt, ok := e.Table.(*catalog.MemTable)
	if !ok {
		return nil, fmt.Errorf("cannot insert into %s: it is backed by files, which are read-only", st.Table)
	}
	batches, err := s.collect(ctx, st.Plan)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	// The plan's columns have the table's types but may differ in names or
	// nullability: give the batches the table's schema.
	fixed := make([]arrow.RecordBatch, 0, len(batches))
	for _, b := range batches {
		fixed = append(fixed, array.NewRecordBatch(mt.Schema(), b.Columns(), b.NumRows()))
	}
	defer func() {
		for _, b := range fixed {
			b.Release()
		}
	}()
	return s.noRows(mt.Append(fixed...))
}

func (s *Session) showTables() (*Result, error) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "kind", Type: arrow.BinaryTypes.String},
		{Name: "temporary", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(s.mem, schema)
	defer b.Release()
	for _, e := range s.cat.List() {
		b.Field(0).(*array.StringBuilder).Append(e.Name)
		b.Field(1).(*array.StringBuilder).Append(e.Kind.String())
		b.Field(2).(*array.BooleanBuilder).Append(e.Temporary)
	}
	return &Result{schema: schema, batches: []arrow.RecordBatch{b.NewRecordBatch()}}, nil
}

func (s *Session) describe(target *arrow.Schema) (*Result, error) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "column_name", Type: arrow.BinaryTypes.String},
		{Name: "data_type", Type: arrow.BinaryTypes.String},
		{Name: "nullable", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(s.mem, schema)
	defer b.Release()
	for _, f := range target.Fields() {
		b.Field(0).(*array.StringBuilder).Append(f.Name)
		b.Field(1).(*array.StringBuilder).Append(planner.TypeName(f.Type))
		b.Field(2).(*array.BooleanBuilder).Append(f.Nullable)
	}
	return &Result{schema: schema, batches: []arrow.RecordBatch{b.NewRecordBatch()}}, nil
}

// textResult returns text as rows of one VARCHAR column, one per line.
func (s *Session) textResult(column, text string) (*Result, error) {
	schema := arrow.NewSchema([]arrow.Field{{Name: column, Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(s.mem, schema)
	defer b.Release()
	for _, line := range splitLines(text) {
		b.Field(0).(*array.StringBuilder).Append(line)
	}
	return &Result{schema: schema, batches: []arrow.RecordBatch{b.NewRecordBatch()}}, nil
}
