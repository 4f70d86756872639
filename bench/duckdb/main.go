// Command duckdb-tpch runs the TPC-H queries side by side in DuckDB and in
// Ember, over the same Parquet files and on the same number of threads,
// and says per query how long each took, the ratio, and whether the two
// results agree (by the rules of the TPC-H answers, see package tpch). It
// lives in its own module so that the engine never depends on DuckDB.
//
//	go run . -data ../../../shared/tpch/sf0.1 -threads 2 -runs 3 -answers ../../../shared/tpch/answers/sf0.1
//
// For each query, DuckDB and Ember each run -warmup untimed times, then
// the timed runs alternate, DuckDB then Ember, -runs times, so that both
// see the same state of the machine (page cache, other load). The figure
// per engine is the median. The exit status is 1 when any result differs
// (between the engines, or, with -answers, from the official answer) or a
// query fails.
//
// Flags:
//
//	-data DIR       the eight tables: DIR/lineitem.parquet, or a folder DIR/lineitem/ of part files
//	-queries LIST   1,3,18 or 1-5 (default: all 22)
//	-threads N      DuckDB's threads and Ember's ember.cores (default 2)
//	-runs N         timed runs per engine and query (default 3)
//	-warmup N       untimed runs per engine and query first (default 1)
//	-answers DIR    also compare Ember's results with DIR/qNN.csv
//	-json FILE      also write the figures as JSON
//
// Each engine runs in its own child process, so that neither's threads,
// memory or Go runtime slow the other: the harness starts itself again
// with the hidden first argument -serve duckdb or -serve ember, asks each
// child to run a query over its stdin and reads the reply (the time the
// child measured, the rows, the cells when asked) from its stdout, in JSON
// lines. Both children open their tables before the first query. The
// Ember child runs Go's collector at GOGC=400 unless GOGC is set, as the
// ember binary does, and GOMAXPROCS=-threads. Each engine's peak resident
// memory is its child's. A child that dies ends the run with an error that
// names the engine and the query; the children end with the harness (also
// on Ctrl-C).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ember-sql/ember/tpch"
)

func main() {
	if isServe(os.Args[1:]) {
		os.Exit(serveMain(os.Args[1:]))
	}
	var opts options
	flag.StringVar(&opts.data, "data", "", "directory of the TPC-H Parquet files (required)")
	flag.StringVar(&opts.queries, "queries", "", "queries to run, like 1,3,18 or 1-5 (default all 22)")
	flag.IntVar(&opts.threads, "threads", 2, "DuckDB's threads and Ember's ember.cores")
	flag.IntVar(&opts.runs, "runs", 3, "timed runs per engine and query; the median is reported")
	flag.IntVar(&opts.warmup, "warmup", 1, "untimed runs per engine and query before the timed ones")
	flag.StringVar(&opts.answers, "answers", "", "directory of the answers qNN.csv to check Ember's results against")
	flag.StringVar(&opts.json, "json", "", "also write the figures as JSON to this file")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected arguments %q", flag.Args()))
	}
	// Ctrl-C or a TERM cancels ctx, which kills the children.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, &opts)
	stop()
	if err != nil {
		fail(err)
	}
	os.Exit(code)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}

// options are the command line's flags.
type options struct {
	data, queries, answers, json string
	threads, runs, warmup        int
	// exe is the binary to start as the engines' children (default: this
	// one); out is where the table goes (default: stdout). Tests set them.
	exe string
	out io.Writer
}

// check validates the options and returns the chosen queries.
func (o *options) check() ([]int, error) {
	if o.data == "" {
		return nil, errors.New("-data DIR is required: the directory of the TPC-H Parquet files")
	}
	if o.threads < 1 {
		return nil, fmt.Errorf("-threads %d: need at least 1", o.threads)
	}
	if o.runs < 1 {
		return nil, fmt.Errorf("-runs %d: need at least 1 timed run", o.runs)
	}
	if o.warmup < 0 {
		return nil, fmt.Errorf("-warmup %d: cannot be negative", o.warmup)
	}
	qs, err := tpch.ParseQueryList(o.queries)
	if err != nil {
		return nil, fmt.Errorf("-queries: %w", err)
	}
	return qs, nil
}
