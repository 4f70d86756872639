// Package physical holds physical plans: plain-data nodes that say which
// algorithm runs each step (hash aggregation in two phases, broadcast or
// partitioned hash joins, top-N) and how data is partitioned between them.
// Plan turns an optimized logical plan into one, inserting Exchange nodes
// where distribution must change; SplitStages cuts it into stages at those
// exchanges for the scheduler.
package physical
