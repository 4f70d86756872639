// Package dbgen generates the eight TPC-H tables at any scale factor, value
// for value the data of dbgen, the TPC's generator, as DuckDB embeds it
// (the data of Ember's reference files and answers), and writes them as
// Snappy-compressed Parquet or as CSV.
//
// dbgen draws every column from its own Park–Miller random stream (the
// minimal standard generator, x' = 16807·x mod 2³¹−1). Each stream spends a
// fixed number of draws per row, whatever the row actually used, so the
// stream at row N is the stream at row 0 moved on by N times that number:
// any range of rows can be generated alone, by skipping each stream ahead
// with a modular power (random.go). That is what makes the generation
// parallel and deterministic here: a table is cut into chunks of rows (one
// Parquet row group each), chunks are grouped into files (plan.go), and a
// pool of workers writes the files, each its own, so the bytes written do
// not depend on the number of workers.
//
// Comments are slices of a 10 MB pool of pseudo-English sentences built
// once from dbgen's grammar and word lists (textpool.go, dists.go). The
// TPC's dbgen builds 300 MB from the same stream; with the same draws, the
// offsets into the pool scale with its size, so only the comments would
// differ.
//
// The Parquet writer drives arrow-go's column writers with the chunk's
// plain slices; columns with a short list of values (ship modes, flags,
// part types…) are generated as codes and written as the indices of a
// dictionary given to the encoder, so they are never hashed.
//
// Files are written under a hidden temporary directory and moved into place
// only when every requested table is complete, so a failed or cancelled run
// leaves no table behind, whole or partial.
package dbgen
