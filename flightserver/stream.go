package flightserver

import (
	"context"
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/size"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/sql"
)

// maxMessageBytes is the size above which a batch is sent in slices: gRPC
// clients refuse messages over 4 MiB unless told otherwise, and arrow-go's
// Flight SQL client and driver are not told.
const maxMessageBytes = 2 << 20

// source is the text of one statement received from a client.
func source(text string) sql.Source { return sql.Source{Text: text, Line: 1, Col: 1} }

// streamQueries runs the queries one after the other and streams their
// rows, as DoGet (doget.go) reads them: a channel with room for one chunk,
// which the producer closes and whose batches the consumer releases. The first query starts before it
// returns, so that its mistakes come back as the call's error. The
// queries run under ctx and exit is called once the stream ends; a client
// that goes away cancels ctx, which stops the running query.
func (s *service) streamQueries(ctx context.Context, sess *ember.Session, texts []string, exit func()) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	res, err := sess.Execute(ctx, source(texts[0]))
	if err != nil {
		exit()
		return nil, nil, s.fail("query", err)
	}
	schema := res.Schema()
	ch := make(chan flight.StreamChunk, 1)
	go func() {
		defer exit()
		defer close(ch)
		for i := 0; ; i++ {
			err := s.pump(ctx, res, schema, ch)
			res.Close()
			if err == nil && i+1 < len(texts) {
				res, err = sess.Execute(ctx, source(texts[i+1]))
				if err == nil && !res.Schema().Equal(schema) {
					res.Close()
					err = fmt.Errorf("parameter row %d gives columns %s, unlike row 1's %s", i+2, res.Schema(), schema)
				}
				if err == nil {
					continue
				}
			}
			if err != nil {
				failStream(ch, s.streamError(err))
			}
			return
		}
	}()
	return schema, ch, nil
}

// pump sends the batches of res on ch until its end.
func (s *service) pump(ctx context.Context, res *ember.Result, schema *arrow.Schema, ch chan<- flight.StreamChunk) error {
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if b, err = conform(b, schema); err != nil {
			return err
		}
		if err := send(ctx, ch, b); err != nil {
			return err
		}
	}
}

// streamBatches streams batches the server holds (a kept result, a
// metadata listing), taking ownership of them.
func (s *service) streamBatches(ctx context.Context, batches []arrow.RecordBatch, exit func()) <-chan flight.StreamChunk {
	ch := make(chan flight.StreamChunk, 1)
	go func() {
		defer exit()
		defer close(ch)
		for i, b := range batches {
			if err := send(ctx, ch, b); err != nil {
				for _, rest := range batches[i+1:] {
					rest.Release()
				}
				return
			}
		}
	}()
	return ch
}

// send hands b to the consumer, in slices small enough for a gRPC message,
// giving up when ctx ends. It takes ownership of b.
func send(ctx context.Context, ch chan<- flight.StreamChunk, b arrow.RecordBatch) error {
	rows := b.NumRows()
	size := size.Batch(b)
	if size <= maxMessageBytes || rows <= 1 {
		return sendOne(ctx, ch, b)
	}
	defer b.Release()
	per := max(1, rows*maxMessageBytes/size)
	for off := int64(0); off < rows; off += per {
		if err := sendOne(ctx, ch, b.NewSlice(off, min(off+per, rows))); err != nil {
			return err
		}
	}
	return nil
}

func sendOne(ctx context.Context, ch chan<- flight.StreamChunk, b arrow.RecordBatch) error {
	select {
	case ch <- flight.StreamChunk{Data: b}:
		return nil
	case <-ctx.Done():
		b.Release()
		return ctx.Err()
	}
}

// failStream ends a stream with err, without waiting on the consumer: a
// DoGet can be stuck writing to a client that does not read, and Close
// must not wait for it. ch has room for one chunk and the producer is its
// only sender, so dropping the batch queued there (the stream is failing)
// always makes room. The error is sent even when the stream's context is
// done: when the server closed, rather than the client going away, the
// client must learn that its rows were cut short.
func failStream(ch chan flight.StreamChunk, err error) {
	for {
		select {
		case ch <- flight.StreamChunk{Err: err}:
			return
		default:
		}
		select {
		case c := <-ch:
			if c.Data != nil {
				c.Data.Release()
			}
		default:
		}
	}
}

// streamError is the status that ends a stream which failed with err.
func (s *service) streamError(err error) error {
	if s.ctx.Err() != nil {
		return errShutdown
	}
	return s.fail("query", err)
}

// conform gives b the stream's schema: the IPC writer refuses a batch whose
// schema differs in the least (a field's nullability or metadata), while
// the columns are what matters. It takes ownership of b.
func conform(b arrow.RecordBatch, schema *arrow.Schema) (arrow.RecordBatch, error) {
	if b.Schema().Equal(schema) {
		return b, nil
	}
	defer b.Release()
	if int(b.NumCols()) != schema.NumFields() {
		return nil, fmt.Errorf("internal error: a result batch has %d columns, the result %d", b.NumCols(), schema.NumFields())
	}
	for i, col := range b.Columns() {
		if !arrow.TypeEqual(col.DataType(), schema.Field(i).Type) {
			return nil, fmt.Errorf("internal error: result column %d is %s in a batch, %s in the result's schema", i+1, col.DataType(), schema.Field(i).Type)
		}
	}
	return array.NewRecordBatch(schema, b.Columns(), b.NumRows()), nil
}
