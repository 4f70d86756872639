package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/internal/output"
	"github.com/ember-sql/ember/sql"
)

// The shell's prompts: the first line of a statement, and the lines that
// continue it.
const (
	promptFirst    = "ember> "
	promptContinue = "   ...> "
)

// historyFile is where the shell keeps its history, in the home directory.
const historyFile = ".ember_history"

const shellHelp = `Statements end with ';' and may span lines.
  \d          list tables (SHOW TABLES)
  \d NAME     describe a table or view (DESCRIBE NAME)
  \timing     toggle printing each statement's elapsed time (\timing on|off)
  \?          this help
  \q          quit (also Ctrl-D)
Ctrl-C cancels the running statement, or clears the line at the prompt.
`

// lineReader reads the lines typed at the shell: readline on a terminal,
// a list of lines in tests. Readline returns readline.ErrInterrupt for
// Ctrl-C and io.EOF for Ctrl-D.
type lineReader interface {
	Readline() (string, error)
	SetPrompt(prompt string)
}

// shell is the interactive loop of `ember sql`: it reads lines, gathers
// statements, runs them and prints their results and errors, and never
// stops on an error.
type shell struct {
	in     lineReader
	out    io.Writer // results, OK, timings
	errOut io.Writer // errors
	// exec runs one statement and prints its result, reporting whether the
	// result had columns.
	exec func(ctx context.Context, src sql.Source) (hasColumns bool, err error)
	// interrupts delivers Ctrl-C while a statement runs.
	interrupts <-chan os.Signal
	timing     bool
	showOK     bool // print OK after statements without columns
	buf        stmtBuffer
}

// runShell starts the interactive shell on the terminal.
func runShell(ctx context.Context, io stdio, sess *ember.Session, opts *sqlOptions) error {
	cfg := &readline.Config{
		Prompt:            promptFirst,
		InterruptPrompt:   "^C",
		EOFPrompt:         `\q`,
		HistoryLimit:      1000,
		HistorySearchFold: true,
		Stdin:             io.in,
		Stdout:            io.out,
		Stderr:            io.err,
	}
	if home, err := os.UserHomeDir(); err == nil {
		cfg.HistoryFile = filepath.Join(home, historyFile)
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return err
	}
	defer rl.Close()

	// While a statement runs the terminal is not in raw mode, so Ctrl-C
	// is a SIGINT: catch it for the whole session, or it would kill the
	// shell.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)

	w, err := output.New(opts.format, io.out)
	if err != nil {
		return err
	}
	sh := &shell{
		in:         rl,
		out:        io.out,
		errOut:     io.err,
		interrupts: sigs,
		timing:     true,
		showOK:     strings.EqualFold(opts.format, output.FormatTable),
		exec: func(ctx context.Context, src sql.Source) (bool, error) {
			return execute(ctx, sess, src, w)
		},
	}
	fmt.Fprintf(io.out, "Ember %s. Type \\? for help, \\q to quit.\n", version)
	return sh.loop(ctx)
}

// loop reads and runs until \q or Ctrl-D.
func (sh *shell) loop(ctx context.Context) error {
	for {
		if sh.buf.Empty() {
			sh.in.SetPrompt(promptFirst)
		} else {
			sh.in.SetPrompt(promptContinue)
		}
		line, err := sh.in.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			sh.buf.Reset()
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		if !sh.buf.InLiteral() && strings.HasPrefix(strings.TrimSpace(line), `\`) {
			if quit := sh.command(ctx, strings.TrimSpace(line)); quit {
				return nil
			}
			continue
		}
		if text := sh.buf.Add(line); text != "" {
			sh.run(ctx, text)
		}
	}
}

// command runs a backslash command and reports whether it quits.
func (sh *shell) command(ctx context.Context, line string) (quit bool) {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ";"))
	switch name {
	case `\q`, `\quit`:
		return true
	case `\d`:
		if arg == "" {
			sh.run(ctx, "SHOW TABLES")
		} else {
			sh.run(ctx, "DESCRIBE "+arg)
		}
	case `\timing`:
		switch strings.ToLower(arg) {
		case "":
			sh.timing = !sh.timing
		case "on":
			sh.timing = true
		case "off":
			sh.timing = false
		default:
			fmt.Fprintf(sh.errOut, "error: \\timing takes on or off, not %q\n", arg)
			return false
		}
		if sh.timing {
			fmt.Fprintln(sh.out, "Timing is on.")
		} else {
			fmt.Fprintln(sh.out, "Timing is off.")
		}
	case `\?`, `\h`, `\help`:
		fmt.Fprint(sh.out, shellHelp)
	default:
		fmt.Fprintf(sh.errOut, "error: unknown command %s (\\? lists the commands)\n", name)
	}
	return false
}

// run splits text into statements and runs them in turn, stopping at the
// first that fails.
func (sh *shell) run(ctx context.Context, text string) {
	stmts, err := sql.Split(text)
	if err != nil {
		fmt.Fprintf(sh.errOut, "error: %v\n", err)
		return
	}
	for _, src := range stmts {
		if !sh.runOne(ctx, src) {
			return
		}
	}
}

// runOne runs one statement, which Ctrl-C cancels, and prints what came of
// it. It reports whether the statement succeeded.
func (sh *shell) runOne(ctx context.Context, src sql.Source) bool {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A Ctrl-C typed before this statement started is not meant for it.
	for len(sh.interrupts) > 0 {
		<-sh.interrupts
	}
	done := make(chan struct{})
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		select {
		case <-sh.interrupts:
			cancel()
		case <-done:
		}
	}()
	start := time.Now()
	hasColumns, err := sh.safeExec(ctx, src)
	elapsed := time.Since(start)
	close(done)
	<-watching
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(sh.errOut, "error: query cancelled")
		return false
	case err != nil:
		fmt.Fprintf(sh.errOut, "error: %v\n", err)
		return false
	}
	if !hasColumns && sh.showOK {
		fmt.Fprintln(sh.out, "OK")
	}
	if sh.timing {
		fmt.Fprintf(sh.out, "Time: %s\n", formatElapsed(elapsed))
	}
	return true
}

// safeExec runs exec, turning a panic into an error so that the shell
// survives it.
func (sh *shell) safeExec(ctx context.Context, src sql.Source) (hasColumns bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return sh.exec(ctx, src)
}
