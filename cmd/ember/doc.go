// Command ember is Ember's one binary.
//
//	ember sql [-e SQL | -f FILE]... [--data DIR] [--table NAME=PATH]... [--format table|csv|tsv|json|ndjson] [--timing]
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
// The version printed by `ember version` is set at build time:
//
//	go build -ldflags "-X main.version=1.2.3" ./cmd/ember
package main
