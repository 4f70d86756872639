// Package output writes query results, a stream of arrow.RecordBatch, as
// text: aligned tables for people, and CSV, TSV, JSON and NDJSON for
// programs.
//
// Every format renders a value the same way, so that a result reads the
// same whichever format shows it: decimals in plain notation with exactly
// their scale (12.30, never 1.23E1), doubles in the shortest form that
// reads back to the same value (without an exponent between 1e-5 and
// 1e15), dates as YYYY-MM-DD, timestamps in ISO 8601 with fractional
// seconds only when they are not zero, booleans as true and false. NULL is
// an empty field in CSV and TSV, null in JSON, and NULL in tables. The
// renderings are internal/textfmt's, which the data file writers of
// catalog share.
//
// A Writer is driven as Begin(schema), Write(batch) any number of times,
// then End. The streaming formats flush after every batch, so a long query
// shows its rows as they come; the table format has to see every row to
// align the columns, so it keeps at most a fixed number of rows and says
// how many it left out.
package output
