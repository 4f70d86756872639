package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// version is the version `ember version` prints, set with -ldflags
// "-X main.version=...".
var version = "dev"

// Exit statuses: a failure of any kind is 1; a run stopped by Ctrl-C is
// 130, as shells report a process killed by SIGINT.
const (
	exitOK          = 0
	exitFailure     = 1
	exitInterrupted = 130
)

func main() {
	tuneGC()
	stopProfile, err := startCPUProfile()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(exitFailure)
	}
	code := run(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stopProfile()
	os.Exit(code)
}

// tuneGC lets the heap grow to five times the live data between
// collections instead of twice (GOGC=400 rather than 100), unless GOGC is
// set: a query allocates and drops batches at a high rate, and with the
// default the collector costs about a quarter of the run time of the TPC-H
// queries.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// stdio is where a run reads and writes; tests do not replace it (they run
// the binary), but it keeps the standard streams out of package state.
type stdio struct {
	in  *os.File
	out io.Writer
	err io.Writer
}

// run executes the command line and returns the exit status. It is the one
// place that turns errors, and panics, into messages on stderr.
func run(args []string, io stdio) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(io.err, "error: internal error: %v\n", r)
			code = exitFailure
		}
	}()
	cmd := newRootCommand(io)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errCancelled):
		fmt.Fprintf(io.err, "error: %v\n", err)
		return exitInterrupted
	}
	fmt.Fprintf(io.err, "error: %v\n", err)
	return exitFailure
}

// errCancelled reports work stopped by Ctrl-C; commands wrap it to say
// what was cancelled ("query cancelled").
var errCancelled = errors.New("cancelled")

// cancelled is errCancelled for the named work: "query cancelled".
func cancelled(what string) error { return fmt.Errorf("%s %w", what, errCancelled) }
