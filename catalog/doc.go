// Package catalog holds what queries read: the named tables and views of a
// session, and the data sources behind tables (Parquet, CSV and NDJSON files,
// in-memory batches), each cut into splits that tasks read in parallel.
//
// catalog imports none of Ember's other packages.
package catalog
