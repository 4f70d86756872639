// Package sql turns SQL text into bound statements: Split cuts a script into
// statements, and Bind parses one statement with PostgreSQL's grammar
// (through pg_query) and binds it against a catalog into a logical plan of
// package planner, following Spark's semantics (ANSI mode, case-insensitive
// identifiers).
//
// Binding resolves every name once: a column becomes an index into the
// input schema of the plan node holding the expression, a table becomes a
// Scan, a view is parsed and bound again at each use. Every user mistake is
// an *Error carrying the line and column of the offending token in the
// script.
//
// A few Spark habits are honoured on top of PostgreSQL's grammar: backquoted
// identifiers, DESCRIBE, Spark's type names (STRING, LONG, ...), and file
// tables written parquet.`path` or read_parquet('path').
//
// The binder leaves subquery expressions (planner.ScalarSubquery, Exists,
// InSubquery) in place, with planner.OuterColumn references to the
// enclosing queries; the decorrelation rule of the optimizer removes them.
package sql
