// Package hashing hashes rows of Arrow key columns and maps composite keys
// to dense group ids.
//
// HashArrays is the one row hash of the engine: the shuffle partitions rows
// by it (in other processes too), so it is deterministic across runs and
// machines, and pinned by a test.
//
// Table is a collision-safe hash table from key tuples to group ids
// (0, 1, 2, ...) used by hash aggregation, DISTINCT and hash joins. It keeps
// every distinct key column-wise in Go slices, so the keys can be rebuilt as
// Arrow arrays, and never trusts a hash alone: a single integer key, or a
// key whose values pack into 64 bits (small integers, dates, short strings),
// is itself the table's key; any other key is found by its hash and then
// compared value by value. All work is done a batch at a time in typed
// loops.
package hashing
