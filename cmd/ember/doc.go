// Command ember is Ember's one binary.
//
//	ember sql [-e SQL | -f FILE]... [--data DIR] [--table NAME=PATH]... [--format table|csv|tsv|json|ndjson] [--timing]
//	ember gen tpch --sf N --out DIR [--format parquet|csv] [--parallel N] [--tables t1,t2]
//	ember bench tpch --data DIR [--queries 1,3,18] [--runs N] [--warmup N] [--answers DIR] [--json FILE]
//	ember version
//
// `ember sql` runs SQL in a local, in-process session. The -e and -f
// inputs run in the order they are given; without them it reads a script
// from standard input, or starts an interactive shell when standard input
// is a terminal (see shell.go for its commands). A script stops at its first failing statement, printing
// "error: <message>" on standard error and exiting with status 1; Ctrl-C
// cancels the running statement (exit status 130). No input ends in a
// panic: an internal error is reported like any other.
//
// `ember gen tpch` writes the eight TPC-H tables at a scale factor, the
// same data as the official dbgen, in parallel and committed by rename.
// `ember bench tpch` times the 22 queries over such data and can check
// them against answer files.
//
// The version printed by `ember version` is set at build time:
//
//	go build -ldflags "-X main.version=1.2.3" ./cmd/ember
package main
