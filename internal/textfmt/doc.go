// Package textfmt renders Arrow values as text, one way for every writer of
// text in Ember: the CLI's output formats (internal/output) and the CSV and
// NDJSON data files (catalog). It imports nothing of Ember's, so that both
// can use it: catalog sits below planner, which internal/output imports.
//
// The renderings:
//
//	BOOLEAN      true, false
//	integers     -12
//	DOUBLE       shortest form that reads back to the same value, without an
//	             exponent between 1e-5 and 1e15: 0.05, 1e+20; NaN, Infinity,
//	             -Infinity; with FloatPoint always a point or an exponent
//	             (1.0), as Spark writes doubles
//	DECIMAL      plain notation with exactly its scale: 12.30, -0.05
//	DATE         YYYY-MM-DD (proleptic Gregorian; other years as time.Format
//	             writes them: -0001, 12345)
//	TIMESTAMP    2020-01-31T10:00:00[.ffffff] (nine digits for nanoseconds
//	             that need them), a Z after an instant with a time zone
//	TIME         10:20:30[.ffffff]
//	INTERVAL     1 month 2 days 03:00:00, -3 days, 00:00:00
//	BINARY       \x followed by hex digits (PostgreSQL's notation)
//
// The Append functions append to a byte slice and allocate nothing (but
// for decimals beyond an int64), so that writers can render a row into a
// reused buffer. NewAppender picks the right one for an array once, so that
// writing a row costs no type switch.
//
// Quoting for the container formats is here too: JSON strings
// (AppendJSONString), CSV fields (CSVNeedsQuotes, AppendCSVQuoted) and TSV
// fields (AppendTSVEscaped).
package textfmt
