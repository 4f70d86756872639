// Package tpch holds what Ember needs to run the TPC-H benchmark: the 22
// queries (embedded, with the specification's validation parameters), and
// helpers shared by the generator, the benchmark command and the tests.
//
// The data generator lives in the sub-package tpch/dbgen.
package tpch
