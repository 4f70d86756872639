package flightserver

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
)

// ticket is what a statement's FlightInfo hands the client to fetch the
// rows with DoGet. A query's ticket carries its text (with parameters
// already substituted): the query is bound again and runs when the client
// asks for it, so nothing is held for a client that never does. Any other
// statement (DDL, SHOW TABLES, EXPLAIN) has run already when its
// FlightInfo is made; its ticket names the small result kept for DoGet.
type ticket struct {
	// SQL are the queries to run, in order, their rows streamed one
	// after the other (one per parameter row of a prepared statement).
	SQL []string `json:"sql,omitempty"`
	// Result is the id of a kept result (see pendingResults).
	Result uint64 `json:"result,omitempty"`
}

// encodeTicket makes the Flight ticket bytes of t.
func encodeTicket(t ticket) ([]byte, error) {
	handle, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return flightsql.CreateStatementQueryTicket(handle)
}

// decodeTicket reads a statement handle made by encodeTicket.
func decodeTicket(handle []byte) (ticket, error) {
	var t ticket
	if err := json.Unmarshal(handle, &t); err != nil {
		return t, fmt.Errorf("malformed ticket: %w", err)
	}
	if len(t.SQL) == 0 && t.Result == 0 {
		return t, errors.New("malformed ticket: it names no statement")
	}
	return t, nil
}
