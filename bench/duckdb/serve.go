package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/ember-sql/ember/tpch"
)

// serveFlag is the hidden first argument that makes the binary a child:
// `-serve duckdb` or `-serve ember`, then -data DIR and -threads N.
const serveFlag = "-serve"

// isServe reports whether args (without the program name) ask for a child.
func isServe(args []string) bool {
	return len(args) > 0 && (args[0] == serveFlag || args[0] == "-"+serveFlag)
}

// runner is one engine inside a child.
type runner interface {
	run(ctx context.Context, text string, keep bool) (int64, time.Duration, tpch.Table, error)
	Close() error
}

// serveMain is the child's main: it opens one engine and answers the
// parent's requests on stdin and stdout until asked to stop or until
// stdin ends (the parent is gone). It returns the exit status.
func serveMain(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	name := fs.String("serve", "", "the engine to serve: duckdb or ember")
	data := fs.String("data", "", "directory of the TPC-H Parquet files")
	threads := fs.Int("threads", 2, "threads of the engine")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *name == engineEmber {
		// As the ember binary does: its collector at GOGC=400 (cmd/ember's
		// tuneGC) and Go's threads as many as the engine's cores.
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
		runtime.GOMAXPROCS(*threads)
	}
	// The replies own stdout; anything else the Go code prints goes to
	// stderr so that it cannot break the protocol.
	out := os.Stdout
	os.Stdout = os.Stderr
	if err := serve(context.Background(), *name, *data, *threads, os.Stdin, out); err != nil {
		fmt.Fprintf(os.Stderr, "%s child: %v\n", *name, err)
		return 1
	}
	return 0
}

// The names of the engines as -serve takes them.
const (
	engineDuckDB = "duckdb"
	engineEmber  = "ember"
)

// openRunner opens the engine called name over the tables of data.
func openRunner(ctx context.Context, name, data string, threads int) (runner, error) {
	switch name {
	case engineDuckDB:
		return openDuck(ctx, data, threads)
	case engineEmber:
		return openEmber(ctx, data, threads)
	}
	return nil, fmt.Errorf("-serve %q: the engine is duckdb or ember", name)
}

// serve opens the engine, says so (or why not) in a first reply, then runs
// each request read from in and writes its reply to out.
func serve(ctx context.Context, name, data string, threads int, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	send := func(r reply) error {
		r.PeakRSS, _ = tpch.PeakRSS()
		if err := enc.Encode(&r); err != nil {
			return err
		}
		return w.Flush()
	}
	eng, err := openRunner(ctx, name, data, threads)
	if err != nil {
		return send(reply{Error: err.Error()})
	}
	defer eng.Close()
	if err := send(reply{Ready: true}); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil // the parent is gone
			}
			return fmt.Errorf("reading a request: %w", err)
		}
		if req.Query == 0 {
			return send(reply{})
		}
		if err := send(runRequest(ctx, eng, req)); err != nil {
			return err
		}
	}
}

// runRequest runs one requested query and makes its reply.
func runRequest(ctx context.Context, eng runner, req request) reply {
	text, err := tpch.Query(req.Query)
	if err != nil {
		return reply{Error: err.Error()}
	}
	rows, elapsed, cells, err := eng.run(ctx, text, req.Keep)
	if err != nil {
		return reply{Error: err.Error()}
	}
	r := reply{Rows: rows, Nanos: int64(elapsed)}
	if req.Keep {
		r.Cells = &cells
	}
	return r
}
