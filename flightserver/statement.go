package flightserver

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/sql"
)

// emptySchema is the schema of statements without rows.
var emptySchema = arrow.NewSchema(nil, nil)

// bind parses and binds a statement as the session does, without running
// anything: a query gets its plan and so its schema.
func bind(ctx context.Context, sess *ember.Session, text string) (sql.Statement, error) {
	return sess.Bind(ctx, source(text))
}

// isUpdate reports whether a statement changes the catalog and returns no
// rows.
func isUpdate(stmt sql.Statement) bool {
	switch stmt.(type) {
	case *sql.CreateView, *sql.CreateTable, *sql.Insert, *sql.Drop:
		return true
	}
	return false
}

// flightInfo plans the statements texts (one, or one per parameter row of
// a prepared statement) and says how to fetch their rows. Queries are only
// bound here; they run when the ticket is fetched. Other statements run
// now, their (small) results kept for the ticket.
func (s *service) flightInfo(ctx context.Context, sess *ember.Session, texts []string, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	var schema *arrow.Schema
	queries := 0
	for i, text := range texts {
		stmt, err := bind(ctx, sess, text)
		if err != nil {
			return nil, err
		}
		q, ok := stmt.(*sql.Query)
		if !ok {
			continue
		}
		queries++
		if i == 0 {
			schema = q.Plan.Schema()
		} else if !q.Plan.Schema().Equal(schema) {
			return nil, fmt.Errorf("parameter row %d gives columns %s, unlike row 1's %s", i+1, q.Plan.Schema(), schema)
		}
	}
	var tk ticket
	records := int64(-1)
	if queries == len(texts) {
		tk.SQL = texts
	} else {
		var batches []arrow.RecordBatch
		var err error
		schema, batches, err = runAll(ctx, sess, texts)
		if err != nil {
			return nil, err
		}
		records = 0
		for _, b := range batches {
			records += b.NumRows()
		}
		tk.Result = s.pending.put(schema, batches)
	}
	tb, err := encodeTicket(tk)
	if err != nil {
		return nil, err
	}
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.mem),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: tb}}},
		TotalRecords:     records,
		TotalBytes:       -1,
	}, nil
}

// runAll runs statements in order and collects their rows, which must have
// the same columns.
func runAll(ctx context.Context, sess *ember.Session, texts []string) (*arrow.Schema, []arrow.RecordBatch, error) {
	var schema *arrow.Schema
	var out []arrow.RecordBatch
	fail := func(err error) (*arrow.Schema, []arrow.RecordBatch, error) {
		for _, b := range out {
			b.Release()
		}
		return nil, nil, err
	}
	for i, text := range texts {
		res, err := sess.Execute(ctx, source(text))
		if err != nil {
			return fail(err)
		}
		if i == 0 {
			schema = res.Schema()
		} else if !res.Schema().Equal(schema) {
			res.Close()
			return fail(fmt.Errorf("parameter row %d gives columns %s, unlike row 1's %s", i+1, res.Schema(), schema))
		}
		for {
			b, err := res.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err == nil {
				b, err = conform(b, schema)
			}
			if err != nil {
				res.Close()
				return fail(err)
			}
			out = append(out, b)
		}
		if err := res.Close(); err != nil {
			return fail(err)
		}
	}
	return schema, out, nil
}

// runUpdate runs one statement for its effect: the count of rows it
// returned, or -1 for a statement without rows (DDL and INSERT, whose
// counts Ember does not report).
func runUpdate(ctx context.Context, sess *ember.Session, text string) (int64, error) {
	res, err := sess.Execute(ctx, source(text))
	if err != nil {
		return 0, err
	}
	defer res.Close()
	var n int64
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		n += b.NumRows()
		b.Release()
	}
	if err := res.Close(); err != nil {
		return 0, err
	}
	if res.Schema() == nil || res.Schema().NumFields() == 0 {
		return -1, nil
	}
	return n, nil
}

// schemaOf is the schema of a statement's result, known without running it
// for queries and for statements without rows.
func schemaOf(ctx context.Context, sess *ember.Session, text string) (*arrow.Schema, error) {
	stmt, err := bind(ctx, sess, text)
	if err != nil {
		return nil, err
	}
	switch st := stmt.(type) {
	case *sql.Query:
		return st.Plan.Schema(), nil
	case *sql.CreateView, *sql.CreateTable, *sql.Insert, *sql.Drop:
		return emptySchema, nil
	}
	return nil, fmt.Errorf("the columns of a %T statement are known only once it runs", stmt)
}

// doGet streams the rows of statements for a DoGet: queries as they run,
// other statements once they have run.
func (s *service) doGet(ctx context.Context, sess *ember.Session, texts []string, exit func()) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	stmt, err := bind(ctx, sess, texts[0])
	if err != nil {
		exit()
		return nil, nil, s.fail("statement", err)
	}
	if _, ok := stmt.(*sql.Query); ok {
		return s.streamQueries(ctx, sess, texts, exit)
	}
	schema, batches, err := runAll(ctx, sess, texts)
	if err != nil {
		exit()
		return nil, nil, s.fail("statement", err)
	}
	return schema, s.streamBatches(ctx, batches, exit), nil
}

// GetFlightInfoStatement plans an ad-hoc statement (see flightInfo).
func (s *service) GetFlightInfoStatement(ctx context.Context, cmd flightsql.StatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer exit()
	info, err := s.flightInfo(ctx, sess, []string{cmd.GetQuery()}, desc)
	if err != nil {
		return nil, s.fail("statement", err)
	}
	return info, nil
}

// GetSchemaStatement returns an ad-hoc statement's result schema.
func (s *service) GetSchemaStatement(ctx context.Context, cmd flightsql.StatementQuery, _ *flight.FlightDescriptor) (*flight.SchemaResult, error) {
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer exit()
	schema, err := schemaOf(ctx, sess, cmd.GetQuery())
	if err != nil {
		return nil, s.fail("schema", err)
	}
	return &flight.SchemaResult{Schema: flight.SerializeSchema(schema, s.mem)}, nil
}

// DoGetStatement streams the rows of a ticket made by flightInfo.
func (s *service) DoGetStatement(ctx context.Context, cmd flightsql.StatementQueryTicket) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	tk, err := decodeTicket(cmd.GetStatementHandle())
	if err != nil {
		return nil, nil, toStatus(err)
	}
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	if tk.Result != 0 {
		p := s.pending.take(tk.Result)
		if p == nil {
			exit()
			return nil, nil, notFound("the result of this ticket was fetched already or has expired: run the statement again")
		}
		return p.schema, s.streamBatches(ctx, p.batches, exit), nil
	}
	return s.streamQueries(ctx, sess, tk.SQL, exit)
}

// DoPutCommandStatementUpdate runs an ad-hoc statement for its effect (see
// runUpdate).
func (s *service) DoPutCommandStatementUpdate(ctx context.Context, cmd flightsql.StatementUpdate) (int64, error) {
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer exit()
	n, err := runUpdate(ctx, sess, cmd.GetQuery())
	if err != nil {
		return 0, s.fail("update", err)
	}
	return n, nil
}
