package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/ember-sql/ember/tpch"
)

// child is one engine in its own process, as the parent sees it: the
// harness binary run again with -serve, spoken to in JSON lines over its
// stdin and stdout. Its stderr is the parent's.
type child struct {
	name    string // as the report names the engine: DuckDB or Ember
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	enc     *json.Encoder
	dec     *json.Decoder
	peakRSS int64 // from the latest reply
	ctx     context.Context
	exited  bool // Wait has returned
	waitErr error
}

// diedError says that a child process ended (crashed, was killed, or the
// run was interrupted) or broke the protocol: the run cannot go on.
type diedError struct {
	msg string
}

func (e *diedError) Error() string { return e.msg }

// startChild starts exe as the child serving engine (duckdb or ember)
// over data on threads threads. The child is killed when ctx is done; call
// ready before the first query and kill when done with it.
func startChild(ctx context.Context, exe, name, engine, data string, threads int) (*child, error) {
	cmd := exec.CommandContext(ctx, exe, serveFlag, engine, "-data", data, "-threads", strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	setParentDeathSignal(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: starting the child process: %w", name, err)
	}
	return &child{
		name: name, cmd: cmd, stdin: stdin, ctx: ctx,
		enc: json.NewEncoder(stdin), dec: json.NewDecoder(bufio.NewReader(stdout)),
	}, nil
}

// ready waits for the child to open its engine.
func (c *child) ready() error {
	var r reply
	if err := c.dec.Decode(&r); err != nil {
		return c.died("while opening the tables", err)
	}
	c.peakRSS = r.PeakRSS
	if r.Error != "" {
		c.kill()
		return &diedError{fmt.Sprintf("%s: %s", c.name, r.Error)}
	}
	if !r.Ready {
		return c.died("while opening the tables", errors.New("its first reply is not ready"))
	}
	return nil
}

// run asks the child to run query q and returns its reply. An error is
// a *diedError: the child is gone. A query that failed in the engine is
// the reply's Error, and the child lives on.
func (c *child) run(q int, keep bool) (reply, error) {
	var r reply
	during := "during " + tpch.QueryName(q)
	if q == 0 {
		during = "at exit"
	}
	if err := c.enc.Encode(request{Query: q, Keep: keep}); err != nil {
		return r, c.died(during, err)
	}
	if err := c.dec.Decode(&r); err != nil {
		return r, c.died(during, err)
	}
	c.peakRSS = r.PeakRSS
	return r, nil
}

// close asks the child for its last figures and to exit, and waits for it.
func (c *child) close() error {
	r, err := c.run(0, false)
	if err != nil {
		return err
	}
	c.peakRSS = max(c.peakRSS, r.PeakRSS)
	c.stdin.Close()
	if err := c.wait(); err != nil {
		return &diedError{fmt.Sprintf("%s: the child process exited with %v", c.name, err)}
	}
	return nil
}

// kill ends the child if it is still running and reaps it; it is safe to
// call at any time, more than once.
func (c *child) kill() {
	if c.exited {
		return
	}
	c.cmd.Process.Kill()
	c.stdin.Close()
	c.wait()
}

// wait waits for the child to exit, once.
func (c *child) wait() error {
	if !c.exited {
		c.exited, c.waitErr = true, c.cmd.Wait()
	}
	return c.waitErr
}

// died makes the error for a child that stopped answering (what it was
// doing is when): it kills the child if need be and says how it ended.
func (c *child) died(when string, err error) error {
	// A pipe that ended means the process ended; wait a moment for it so
	// that its exit status is known, then make sure it is gone.
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			c.cmd.Process.Kill()
		}
	}()
	c.stdin.Close()
	werr := c.wait()
	close(done)
	switch {
	case c.ctx.Err() != nil:
		return &diedError{fmt.Sprintf("%s: interrupted %s", c.name, when)}
	case werr != nil:
		return &diedError{fmt.Sprintf("%s: the child process died %s: %v", c.name, when, werr)}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &diedError{fmt.Sprintf("%s: the child process exited %s", c.name, when)}
	}
	return &diedError{fmt.Sprintf("%s: the child process broke off %s: %v", c.name, when, err)}
}
