// Package exec runs plans: pull-based operators over arrow.RecordBatch
// (scans, filters, projections, hash aggregation, hash and nested-loop joins,
// sort and top-N, windows, limits) and the machinery they share. Expression
// evaluation lives in exec/eval, key hashing in exec/hashing.
//
// exec imports planner and catalog, never sql.
package exec
