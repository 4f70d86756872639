package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/userhost"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/internal/output"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/sql"
)

// submitOptions are the flags of `ember submit`.
type submitOptions struct {
	mf       masterFlags
	name     string
	priority int
	retries  int
	timeout  time.Duration
	conf     []string
	data     string
	tables   []string
	wait     bool
	output   string
	format   string
}

// scriptOnlyFlags are the flags that make sense for a SQL job and not for
// a Go program, which sets up its own session.
var scriptOnlyFlags = []string{"name", "priority", "retries", "timeout", "conf", "data", "table", "wait", "output", "format"}

func newSubmitCommand(io stdio) *cobra.Command {
	var opts submitOptions
	cmd := &cobra.Command{
		Use:   "submit [flags] FILE.sql | ./go/main/package [args...]",
		Short: "Queue a SQL script as a job on a cluster, or run a Go program against it",
		Long: `Queue a SQL script as a job on a master's durable queue and print the job's id,
alone on the first line. The master runs the job when a slot is free (higher
--priority first, then first come first served), retries transient failures,
and keeps the result (see ember jobs). With --wait, follow the job with a
progress bar and print its result, or write it to --output.

The statements of the script run in order in a session on the master; the
result is that of the last statement that returns rows. Paths given to
--data and --table are read by the master and its workers.

Given a directory or a .go file instead, build that Go main package and run
it here with EMBER_MASTER (and EMBER_SECRET_FILE) in its environment, which
ember.NewSession reads: spark-submit's client mode. Its arguments follow it,
and its exit status is ember's.`,
		Example: `  ember submit --master 127.0.0.1:7077 --data /data/tpch report.sql
  ember submit --master 127.0.0.1:7077 --priority 5 --retries 1 --wait --format csv report.sql
  ember submit --master 127.0.0.1:7077 --wait --output report.parquet report.sql
  ember submit --master 127.0.0.1:7077 ./cmd/etl --day 2024-01-31`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := args[0]
			if st, err := os.Stat(target); (err == nil && st.IsDir()) || strings.HasSuffix(target, ".go") {
				for _, name := range scriptOnlyFlags {
					if cmd.Flags().Changed(name) {
						return fmt.Errorf("--%s applies to SQL scripts, not to Go programs", name)
					}
				}
				return runProgram(cmd.Context(), io, &opts.mf, target, args[1:])
			}
			if len(args) > 1 {
				return fmt.Errorf("unexpected arguments after the script %s: %s (flags go before it)", target, strings.Join(args[1:], " "))
			}
			return submitScript(cmd, io, &opts, target)
		},
	}
	f := cmd.Flags()
	// The program's own flags follow it: parse none of them.
	f.SetInterspersed(false)
	opts.mf.add(f)
	f.StringVar(&opts.name, "name", "", "the job's name (default: the script's file name)")
	f.IntVar(&opts.priority, "priority", 0, "higher priorities run first when slots are short")
	f.IntVar(&opts.retries, "retries", ember.DefaultJobRetries, "retries of a transient failure (a lost worker, an I/O error)")
	f.DurationVar(&opts.timeout, "timeout", 0, "cancel an attempt that runs longer than this (0: no limit)")
	f.StringArrayVar(&opts.conf, "conf", nil, "set the job's session configuration KEY to VALUE (`KEY=VALUE`; repeatable)")
	f.StringVar(&opts.data, "data", "", "register every table found in `DIR`")
	f.StringArrayVar(&opts.tables, "table", nil, "register the file, directory or glob PATH as table NAME (`NAME=PATH`; repeatable)")
	f.BoolVar(&opts.wait, "wait", false, "follow the job until it ends and print its result")
	f.StringVar(&opts.output, "output", "", "with --wait, write the result to `PATH` (Parquet, CSV or JSON, from --format or the extension)")
	f.StringVar(&opts.format, "format", output.FormatTable, "output format of the result: "+strings.Join(output.Formats(), ", ")+"; with --output also parquet")
	return cmd
}

// submitScript queues a SQL script, prints its id and, with --wait,
// follows it to its end.
func submitScript(cmd *cobra.Command, io stdio, opts *submitOptions, path string) error {
	spec, err := scriptSpec(opts, path)
	if err != nil {
		return err
	}
	if opts.output != "" && !opts.wait {
		return fmt.Errorf("--output needs --wait (or fetch the result later: ember jobs result ID --output PATH)")
	}
	target, err := newResultTarget(opts.format, cmd.Flags().Changed("format"), opts.output)
	if err != nil {
		return err
	}
	conn, err := opts.mf.dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx := cmd.Context()
	job, err := conn.jobs.SubmitJob(ctx, spec)
	if err != nil {
		return conn.callError("", err)
	}
	if _, err := fmt.Fprintln(io.out, job.GetId()); err != nil {
		return err
	}
	if !opts.wait {
		return nil
	}
	ctx, stop := interruptContext(ctx)
	defer stop()
	err = followJob(ctx, io, conn, job)
	if err == nil {
		err = target.write(ctx, io.out, io.err, conn, job.GetId())
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("stopped waiting for job %s, which goes on (ember jobs cancel %s stops it): %w", job.GetId(), job.GetId(), errCancelled)
	}
	return err
}

// scriptSpec reads and checks the script and the flags, so that a missing
// file, an unterminated quote or a malformed flag fails before anything
// is queued.
func scriptSpec(opts *submitOptions, path string) (*emberpb.JobSpec, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	stmts, err := sql.Split(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("%s holds no SQL statement", path)
	}
	if opts.retries < 0 {
		return nil, fmt.Errorf("--retries %d: must not be negative", opts.retries)
	}
	if opts.timeout < 0 {
		return nil, fmt.Errorf("--timeout %s: must not be negative", opts.timeout)
	}
	spec := &emberpb.JobSpec{
		Name:      opts.name,
		Submitter: userhost.Name(),
		Priority:  int32(opts.priority),
		Retries:   int32(opts.retries),
		TimeoutMs: opts.timeout.Milliseconds(),
		Sql:       string(text),
	}
	if spec.Name == "" {
		spec.Name = filepath.Base(path)
	}
	for _, a := range opts.conf {
		k, v, ok := strings.Cut(a, "=")
		if k = strings.TrimSpace(k); !ok || k == "" {
			return nil, fmt.Errorf("--conf %q: want KEY=VALUE", a)
		}
		if spec.Conf == nil {
			spec.Conf = map[string]string{}
		}
		spec.Conf[k] = v
	}
	// The master reads the paths, from its own working directory.
	if opts.data != "" {
		if spec.DataDir, err = filepath.Abs(opts.data); err != nil {
			return nil, fmt.Errorf("--data %s: %w", opts.data, err)
		}
	}
	tables, err := parseTables(opts.tables)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		p := t.path
		if !strings.Contains(p, "://") {
			if p, err = filepath.Abs(p); err != nil {
				return nil, fmt.Errorf("--table %s=%s: %w", t.name, t.path, err)
			}
		}
		if spec.Tables == nil {
			spec.Tables = map[string]string{}
		}
		spec.Tables[t.name] = p
	}
	return spec, nil
}

// followPoll is how often --wait asks for the job's state.
const followPoll = 250 * time.Millisecond

// followJob polls the job until it ends, showing its progress on stderr:
// a progress bar when stderr is a terminal, otherwise a line per change of
// state. A job that fails or is cancelled is an error.
func followJob(ctx context.Context, io stdio, conn *jobsConn, job *emberpb.Job) error {
	id := job.GetId()
	show := newJobProgress(io.err, id)
	defer show.done()
	for {
		show.update(job)
		switch job.GetState() {
		case emberpb.JobState_JOB_SUCCEEDED:
			return nil
		case emberpb.JobState_JOB_FAILED:
			return fmt.Errorf("job %s failed: %s", id, job.GetError())
		case emberpb.JobState_JOB_CANCELLED:
			if job.GetError() != "" {
				return fmt.Errorf("job %s was cancelled: %s", id, job.GetError())
			}
			return fmt.Errorf("job %s was cancelled", id)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(followPoll):
		}
		var err error
		if job, err = conn.jobs.GetJob(ctx, &emberpb.JobRef{Id: id}); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return conn.callError(id, err)
		}
	}
}

// jobProgress shows a followed job's progress.
type jobProgress struct {
	w   io.Writer
	id  string
	bar *progressbar.ProgressBar // nil when w is not a terminal
	// last is the last state line written, to write only changes.
	last string
}

func newJobProgress(w io.Writer, id string) *jobProgress {
	p := &jobProgress{w: w, id: id}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(1,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(id),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("tasks"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// update shows the job's record.
func (p *jobProgress) update(job *emberpb.Job) {
	state := stateName(job.GetState())
	pr := job.GetProgress()
	if p.bar != nil {
		desc := p.id + " " + state
		if pr.GetStagesTotal() > 0 {
			desc += fmt.Sprintf(", stages %d/%d", pr.GetStagesDone(), pr.GetStagesTotal())
		}
		p.bar.Describe(desc)
		if total := int(pr.GetTasksTotal()); total > 0 {
			p.bar.ChangeMax(total)
			_ = p.bar.Set(int(pr.GetTasksDone()))
		}
		return
	}
	line := p.id + " " + state
	switch job.GetState() {
	case emberpb.JobState_JOB_RUNNING:
		line += fmt.Sprintf(" (attempt %d)", job.GetAttempts())
	case emberpb.JobState_JOB_RETRYING:
		line += fmt.Sprintf(" (attempt %d failed: %s)", job.GetAttempts(), job.GetError())
	case emberpb.JobState_JOB_SUCCEEDED:
		if job.GetResultPath() != "" {
			line += fmt.Sprintf(" (%d rows)", job.GetResultRows())
		}
	}
	if line != p.last {
		p.last = line
		fmt.Fprintln(p.w, line)
	}
}

// done clears the progress bar.
func (p *jobProgress) done() {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

// runProgram builds the Go main package at pkg and runs it with the
// master's address and secret file in its environment, passing the
// standard streams through, and exits with its status.
func runProgram(ctx context.Context, io stdio, mf *masterFlags, pkg string, args []string) error {
	if err := mf.resolve(); err != nil {
		return err
	}
	env := append(os.Environ(), ember.EnvMaster+"="+mf.master)
	if mf.secretFile != "" {
		if _, err := readSecret(mf.secretFile); err != nil {
			return err
		}
		abs, err := filepath.Abs(mf.secretFile)
		if err != nil {
			return fmt.Errorf("--secret-file: %w", err)
		}
		env = append(env, ember.EnvSecretFile+"="+abs)
	}
	tmp, err := os.MkdirTemp("", "ember-submit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin, err := buildProgram(ctx, pkg, tmp)
	if err != nil {
		return err
	}
	code, err := runChild(io, bin, args, env)
	if err != nil {
		return err
	}
	if code != 0 {
		os.RemoveAll(tmp)
		// The program's status is ours; it has said what went wrong.
		os.Exit(code)
	}
	return nil
}

// buildProgram runs go build on the main package at pkg (a directory or
// a .go file) into dir and returns the binary's path. It builds in the
// package's directory, so that its own go.mod decides the build.
func buildProgram(ctx context.Context, pkg, dir string) (string, error) {
	abs, err := filepath.Abs(pkg)
	if err != nil {
		return "", fmt.Errorf("building %s: %w", pkg, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("building %s: %w", pkg, err)
	}
	workDir, target := abs, "."
	if !st.IsDir() {
		workDir, target = filepath.Dir(abs), filepath.Base(abs)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building %s: the go command is not installed or not on PATH", pkg)
	}
	bin := filepath.Join(dir, strings.TrimSuffix(filepath.Base(abs), ".go"))
	build := exec.CommandContext(ctx, goCmd, "build", "-o", bin, target)
	build.Dir = workDir
	out, err := build.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building %s: %s", pkg, buildErrors(out, err))
	}
	return bin, nil
}

// buildErrors is go build's complaint on one line: its messages without
// the "# package" headers, joined by "; ".
func buildErrors(out []byte, err error) string {
	var msgs []string
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			msgs = append(msgs, line)
		}
	}
	if len(msgs) == 0 {
		return err.Error()
	}
	return strings.Join(msgs, "; ")
}

// runChild runs the program with the standard streams passed through and
// returns its exit status (128+N when a signal N killed it). Ctrl-C
// reaches the program, as the whole terminal's process group gets it;
// ember ignores it meanwhile and lets the program decide.
func runChild(io stdio, bin string, args, env []string) (int, error) {
	child := exec.Command(bin, args...)
	child.Env = env
	child.Stdin, child.Stdout, child.Stderr = io.in, io.out, io.err
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	// SIGTERM sent to ember alone is passed on.
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	defer signal.Stop(terms)
	if err := child.Start(); err != nil {
		return 0, fmt.Errorf("running %s: %w", filepath.Base(bin), err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	for {
		select {
		case sig := <-terms:
			_ = child.Process.Signal(sig)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					return 128 + int(ws.Signal()), nil
				}
				return exit.ExitCode(), nil
			}
			if err != nil {
				return 0, fmt.Errorf("running %s: %w", filepath.Base(bin), err)
			}
			return 0, nil
		}
	}
}
