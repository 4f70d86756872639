package main

import "github.com/ember-sql/ember/tpch"

// The parent and each child talk in JSON lines: the parent writes one
// request to the child's stdin, the child answers with one reply on its
// stdout. A child first sends a reply with Ready (or Error) once its
// engine is open, before it reads any request.

// request asks a child to run a query or to stop.
type request struct {
	// Query is the TPC-H query number to run; 0 asks the child to send a
	// last reply and exit.
	Query int `json:"query"`
	// Keep asks for the result's cells in the reply.
	Keep bool `json:"keep,omitempty"`
}

// reply is a child's answer to a request, or its first message.
type reply struct {
	// Ready is set in the first message when the engine opened.
	Ready bool `json:"ready,omitempty"`
	// Rows is the number of rows the query returned.
	Rows int64 `json:"rows"`
	// Nanos is the query's time, from its text to its last row, as the
	// child measured it.
	Nanos int64 `json:"nanos"`
	// Cells is the result, when the request asked to keep it.
	Cells *tpch.Table `json:"cells,omitempty"`
	// Error is why the query (or, in the first message, the engine)
	// failed; the child lives on after a query's error.
	Error string `json:"error,omitempty"`
	// PeakRSS is the child's peak resident memory so far, in bytes (0 if
	// the system does not tell).
	PeakRSS int64 `json:"peak_rss"`
}
