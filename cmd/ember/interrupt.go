package main

import (
	"context"
	"os"
	"os/signal"
)

// interruptContext returns a context cancelled by the first SIGINT, so that
// Ctrl-C stops the running statement and the command exits cleanly with
// its resources released. A second SIGINT, for a statement that does not
// stop, exits at once. stop restores the default handling.
func interruptContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
