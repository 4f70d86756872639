package ember

import (
	"context"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/sql"
)

// Session is the entry point to Ember: it holds a catalog of tables and
// views and runs statements on the engine (in-process by default).
type Session struct {
	cat *catalog.Catalog
}

// Option configures a Session.
type Option func(*Session) error

// NewSession starts a session.
func NewSession(ctx context.Context, opts ...Option) (*Session, error) {
	s := &Session{cat: catalog.New()}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close ends the session.
func (s *Session) Close() error { return nil }

// Catalog returns the session's catalog.
func (s *Session) Catalog() *catalog.Catalog { return s.cat }

// RegisterPath makes the file, directory or glob at path a table named name.
func (s *Session) RegisterPath(ctx context.Context, name, path string) error {
	return errors.New("not implemented yet")
}

// Execute runs one statement. Statements without rows (DDL) return a Result
// with an empty schema.
func (s *Session) Execute(ctx context.Context, src sql.Source) (*Result, error) {
	return nil, errors.New("not implemented yet")
}

// Result streams the rows of one statement.
type Result struct {
	schema *arrow.Schema
}

// Schema is the schema of the result's batches.
func (r *Result) Schema() *arrow.Schema { return r.schema }

// Next returns the next batch, or io.EOF. The caller releases each batch.
func (r *Result) Next(ctx context.Context) (arrow.RecordBatch, error) {
	return nil, errors.New("not implemented yet")
}

// Close stops the statement and releases its resources; safe to call twice.
func (r *Result) Close() error { return nil }
