// Package flightserver serves an Ember session over Arrow Flight SQL, so
// that arrow-go's Flight SQL client and database/sql driver
// (flightsql://host:port), ADBC and JDBC clients query Ember unchanged.
// The master registers it on its gRPC port; `ember sql --serve-flight`
// serves a local session.
//
// What it serves:
//
//   - Ad-hoc queries: GetFlightInfo binds the query (which gives its schema
//     without running it) and returns a ticket carrying the query's text;
//     DoGet binds it again and streams the batches as the engine produces
//     them. Nothing is held between the two calls. A cancelled DoGet
//     cancels the query.
//   - Other statements (CREATE VIEW, CREATE TABLE AS, INSERT, DROP, SHOW
//     TABLES, DESCRIBE, EXPLAIN) run when their FlightInfo is asked for;
//     their small result waits, under an id in the ticket, for one DoGet
//     (ten minutes at most). DoPutCommandStatementUpdate runs a statement
//     and returns -1 (Ember does not count the rows of DDL or INSERT), or
//     the number of rows of a statement that returns rows.
//   - Prepared statements with `?` or `$1..$N` placeholders. Ember's binder
//     has no parameters: bound values are turned into SQL literals
//     (literals.go) substituted for the placeholders outside quotes and
//     comments (placeholders.go) before the text is bound. Each row of a
//     parameter batch is one execution. A statement without placeholders
//     is bound when prepared and reports its dataset schema.
//   - Metadata: one catalog ("ember") of one schema ("default") holding
//     the session's tables and views; table types TABLE and VIEW; empty
//     key listings; SqlInfo with the server's name and version and the
//     basics of its SQL.
//
// Errors carry Ember's message (which says what and where): mistakes in a
// statement are codes.InvalidArgument, unknown handles codes.NotFound.
// Authentication is the gRPC server's business: register the service on a
// server made with the cluster authenticator's ServerOptions and every
// call needs the bearer token.
//
// Transactions, Substrait plans, bulk ingestion, PollFlightInfo and
// CancelFlightInfo are not supported (codes.Unimplemented).
package flightserver
