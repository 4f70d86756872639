package flightserver

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"

	"github.com/ember-sql/ember/sql"
)

// preparedStatement is a statement a client prepared: its text, with its
// placeholders found, and the parameter values last bound to it. Values
// are kept as the SQL literals they become; each row of the parameter
// batch is one execution.
//
// As in JDBC, a prepared statement is meant for one client at a time: two
// clients binding values to the same handle concurrently may run each
// other's values (the server stays consistent).
type preparedStatement struct {
	text *paramText
	mu   sync.Mutex
	rows [][]string // nil until values are bound
}

// texts returns the statements to run: the text itself without
// parameters, else the text with each bound row's values.
func (p *preparedStatement) texts(rows [][]string) ([]string, error) {
	if p.text.count == 0 {
		return []string{p.text.text}, nil
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("the statement has %d parameter(s): bind their values before running it", p.text.count)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		text, err := p.text.substitute(r)
		if err != nil {
			return nil, err
		}
		out[i] = text
	}
	return out, nil
}

func (p *preparedStatement) bound() [][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rows
}

func (p *preparedStatement) bind(rows [][]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows = rows
}

// preparedStatements holds the open prepared statements by handle. It is
// safe for concurrent use.
type preparedStatements struct {
	mu       sync.Mutex
	byHandle map[string]*preparedStatement
}

func newPreparedStatements() *preparedStatements {
	return &preparedStatements{byHandle: map[string]*preparedStatement{}}
}

// add keeps p under a new random handle.
func (ps *preparedStatements) add(p *preparedStatement) []byte {
	handle := make([]byte, 16)
	rand.Read(handle)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.byHandle[string(handle)] = p
	return handle
}

func (ps *preparedStatements) get(handle []byte) (*preparedStatement, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byHandle[string(handle)]
	if p == nil {
		return nil, notFound("no open prepared statement has this handle (it was closed, or the server restarted)")
	}
	return p, nil
}

func (ps *preparedStatements) remove(handle []byte) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	_, ok := ps.byHandle[string(handle)]
	delete(ps.byHandle, string(handle))
	return ok
}

func (ps *preparedStatements) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	clear(ps.byHandle)
}

// readParameters reads the parameter batches a client sent: one row of
// SQL literals per row of the batches. A statement with count parameters
// needs batches of count columns.
func readParameters(rdr flight.MessageReader, count int) ([][]string, error) {
	var rows [][]string
	for rdr.Next() {
		b := rdr.RecordBatch()
		if b.NumRows() == 0 {
			continue
		}
		if int(b.NumCols()) != count {
			return nil, countError(count, int(b.NumCols()))
		}
		for i := 0; i < int(b.NumRows()); i++ {
			lits, err := rowLiterals(b, i)
			if err != nil {
				if b.NumRows() > 1 {
					return nil, fmt.Errorf("parameter row %d: %w", len(rows)+1, err)
				}
				return nil, err
			}
			rows = append(rows, lits)
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, fmt.Errorf("reading the parameters: %w", err)
	}
	return rows, nil
}

// CreatePreparedStatement prepares a statement with `?` or `$N`
// placeholders. Without placeholders it is bound at once, so that its
// mistakes show now, and its result schema is returned (with an empty
// parameter schema, so that database/sql refuses arguments). With
// placeholders nothing more is known before values are bound: Ember
// infers no parameter types, so no parameter schema is returned and the
// client sends values of the types it has.
func (s *service) CreatePreparedStatement(ctx context.Context, req flightsql.ActionCreatePreparedStatementRequest) (flightsql.ActionCreatePreparedStatementResult, error) {
	var res flightsql.ActionCreatePreparedStatementResult
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return res, err
	}
	defer exit()
	pt, err := parsePlaceholders(req.GetQuery())
	if err != nil {
		return res, s.fail("prepare", err)
	}
	if pt.count == 0 {
		stmt, err := bind(ctx, sess, pt.text)
		if err != nil {
			return res, s.fail("prepare", err)
		}
		update := isUpdate(stmt)
		res.IsUpdate = &update
		res.ParameterSchema = emptySchema
		if q, ok := stmt.(*sql.Query); ok {
			res.DatasetSchema = q.Plan.Schema()
		}
	}
	res.Handle = s.prepared.add(&preparedStatement{text: pt})
	return res, nil
}

// ClosePreparedStatement frees a prepared statement.
func (s *service) ClosePreparedStatement(_ context.Context, req flightsql.ActionClosePreparedStatementRequest) error {
	if !s.prepared.remove(req.GetPreparedStatementHandle()) {
		return notFound("no open prepared statement has this handle")
	}
	return nil
}

// DoPutPreparedStatementQuery binds parameter values to a prepared
// statement; they stay bound until the next binding. The handle does not
// change.
func (s *service) DoPutPreparedStatementQuery(ctx context.Context, cmd flightsql.PreparedStatementQuery, rdr flight.MessageReader, _ flight.MetadataWriter) ([]byte, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	rows, err := readParameters(rdr, p.text.count)
	if err != nil {
		return nil, s.fail("bind", err)
	}
	p.bind(rows)
	return cmd.GetPreparedStatementHandle(), nil
}

// GetFlightInfoPreparedStatement plans a prepared statement with its bound
// values (see flightInfo).
func (s *service) GetFlightInfoPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	texts, err := p.texts(p.bound())
	if err != nil {
		return nil, s.fail("prepared statement", err)
	}
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer exit()
	info, err := s.flightInfo(ctx, sess, texts, desc)
	if err != nil {
		return nil, s.fail("prepared statement", err)
	}
	return info, nil
}

// GetSchemaPreparedStatement returns a prepared statement's result schema,
// with the values bound to it if it has parameters.
func (s *service) GetSchemaPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery, _ *flight.FlightDescriptor) (*flight.SchemaResult, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	texts, err := p.texts(p.bound())
	if err != nil {
		return nil, s.fail("prepared statement", err)
	}
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer exit()
	schema, err := schemaOf(ctx, sess, texts[0])
	if err != nil {
		return nil, s.fail("schema", err)
	}
	return &flight.SchemaResult{Schema: flight.SerializeSchema(schema, s.mem)}, nil
}

// DoGetPreparedStatement streams a prepared statement's rows, for clients
// that fetch with the command as the ticket.
func (s *service) DoGetPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, nil, err
	}
	texts, err := p.texts(p.bound())
	if err != nil {
		return nil, nil, s.fail("prepared statement", err)
	}
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s.doGet(ctx, sess, texts, exit)
}

// DoPutPreparedStatementUpdate runs a prepared statement for its effect,
// once per row of the parameters sent with it (or bound before); the
// counts add up, and are -1 when a statement has no count (see
// runUpdate).
func (s *service) DoPutPreparedStatementUpdate(ctx context.Context, cmd flightsql.PreparedStatementUpdate, rdr flight.MessageReader) (int64, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return 0, err
	}
	rows, err := readParameters(rdr, p.text.count)
	if err != nil {
		return 0, s.fail("bind", err)
	}
	if len(rows) == 0 {
		rows = p.bound()
	}
	texts, err := p.texts(rows)
	if err != nil {
		return 0, s.fail("prepared statement", err)
	}
	ctx, sess, exit, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer exit()
	total := int64(0)
	for _, text := range texts {
		n, err := runUpdate(ctx, sess, text)
		if err != nil {
			return 0, s.fail("update", err)
		}
		if n < 0 || total < 0 {
			total = -1
		} else {
			total += n
		}
	}
	return total, nil
}
