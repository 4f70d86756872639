// Package shuffle moves rows between stages: a Partitioner splits a map
// task's output by the next stage's partitioning (hash of the keys, round
// robin, one partition, or broadcast), a Store keeps each map task's output
// per reduce partition, and the Store serves the reduce tasks' reads.
//
// This package holds the in-process transport used in local mode; the same
// interfaces are served over Arrow Flight between processes.
package shuffle
