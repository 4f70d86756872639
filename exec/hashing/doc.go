// Package hashing hashes rows of Arrow key columns and maps composite keys
// to dense group ids.
//
// HashArrays is the one row hash of the engine: the shuffle partitions rows
// by it (in other processes too), so it is deterministic across runs and
// machines. Table is a collision-safe hash table from key tuples to group ids
// (0, 1, 2, ...) used by hash aggregation, DISTINCT and hash joins: it keeps
// every distinct key column-wise in Go slices and compares actual values,
// never trusting the hash alone.
package hashing
