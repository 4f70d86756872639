package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/internal/output"
	"github.com/ember-sql/ember/sql"
)

// sqlOptions are the flags of `ember sql`.
type sqlOptions struct {
	inputs []input  // -e and -f, in command-line order
	data   string   // --data DIR
	tables []string // --table NAME=PATH
	conf   []string // --conf KEY=VALUE
	format string   // --format
	timing bool     // --timing
	master string   // --master HOST:PORT
	secret string   // --secret-file
	// serveFlight is --serve-flight HOST:PORT (see serve_flight.go).
	serveFlight string
}

func newSQLCommand(io stdio) *cobra.Command {
	var opts sqlOptions
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "Run SQL statements, or an interactive SQL shell",
		Long: `Run SQL in a local session, or on a cluster with --master.

The -e and -f inputs run in the order given. Without them, a script is read
from standard input, or, when standard input is a terminal, an interactive
shell starts. A script stops at the first failing statement.`,
		Example: `  ember sql --data testdata/tpch/sf0.01 -e 'SELECT count(*) FROM lineitem'
  ember sql --table t=data/t.parquet -f report.sql --format csv > report.csv
  echo 'SELECT 1;' | ember sql --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSQL(cmd.Context(), io, &opts)
		},
	}
	f := cmd.Flags()
	f.VarP(inputFlag{list: &opts.inputs}, "execute", "e", "run the SQL statements `SQL` (repeatable)")
	f.VarP(inputFlag{list: &opts.inputs, file: true}, "file", "f", "run the SQL script `FILE` (repeatable)")
	f.StringVar(&opts.data, "data", "", "register every table found in `DIR`")
	f.StringArrayVar(&opts.tables, "table", nil, "register the file, directory or glob PATH as table NAME (`NAME=PATH`; repeatable)")
	f.StringArrayVar(&opts.conf, "conf", nil, "set the session configuration KEY to VALUE, e.g. ember.sql.shuffle.partitions=8 (`KEY=VALUE`; repeatable)")
	f.StringVar(&opts.format, "format", output.FormatTable, "output format: "+strings.Join(output.Formats(), ", "))
	f.BoolVar(&opts.timing, "timing", false, "print each statement's elapsed time (on stderr for scripts)")
	f.StringVar(&opts.master, "master", "", "run the queries on the cluster of the master at `HOST:PORT` (default: in this process)")
	f.StringVar(&opts.secret, "secret-file", "", "file holding the cluster's shared secret")
	f.StringVar(&opts.serveFlight, "serve-flight", "", "serve the session's tables over Arrow Flight SQL on `HOST:PORT` (port 0: any free port) until interrupted")
	return cmd
}

// runSQL is `ember sql`: check the flags and read every input, then open a
// session, register the tables, and run the script or the shell.
func runSQL(ctx context.Context, io stdio, opts *sqlOptions) error {
	if _, err := output.New(opts.format, io.out); err != nil {
		return err
	}
	tables, err := parseTables(opts.tables)
	if err != nil {
		return err
	}
	conf, err := parseConf(opts.conf)
	if err != nil {
		return err
	}
	if opts.master != "" {
		conf = append(conf, ember.WithMaster(opts.master))
	}
	if opts.secret != "" {
		conf = append(conf, ember.WithSecretFile(opts.secret))
	}
	if opts.serveFlight != "" {
		return runServeFlight(ctx, io, opts, conf, tables)
	}
	if len(opts.inputs) == 0 && term.IsTerminal(int(io.in.Fd())) {
		sess, err := openSession(ctx, conf, opts.data, tables)
		if err != nil {
			return err
		}
		defer sess.Close()
		return runShell(ctx, io, sess, opts)
	}

	// A script: Ctrl-C cancels whatever it is doing, from reading standard
	// input to running a statement, and ends the run.
	ctx, stop := interruptContext(ctx)
	defer stop()
	err = func() error {
		scripts, err := loadScripts(ctx, io, opts.inputs)
		if err != nil {
			return err
		}
		sess, err := openSession(ctx, conf, opts.data, tables)
		if err != nil {
			return err
		}
		defer sess.Close()
		return runScripts(ctx, io, sess, opts, scripts)
	}()
	if err != nil && ctx.Err() != nil {
		return cancelled("query")
	}
	return err
}

// parseConf turns --conf KEY=VALUE flags into session options.
func parseConf(args []string) ([]ember.Option, error) {
	var opts []ember.Option
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--conf %q: want KEY=VALUE", a)
		}
		opts = append(opts, ember.WithConfig(strings.TrimSpace(k), v))
	}
	return opts, nil
}

// openSession starts a session configured by conf, with the tables of
// --data and --table.
func openSession(ctx context.Context, conf []ember.Option, dataDir string, tables []tableArg) (*ember.Session, error) {
	sess, err := ember.NewSession(ctx, conf...)
	if err != nil {
		return nil, err
	}
	if err := registerTables(ctx, sess, dataDir, tables); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}

// loadScripts reads every input, or standard input when there is none.
func loadScripts(ctx context.Context, io stdio, inputs []input) ([]script, error) {
	if len(inputs) == 0 {
		text, err := readAll(ctx, io.in)
		if err != nil {
			return nil, err
		}
		inputs = []input{{text: text}}
	}
	scripts := make([]script, 0, len(inputs))
	for _, in := range inputs {
		s, err := in.load()
		if err != nil {
			return nil, err
		}
		scripts = append(scripts, s)
	}
	return scripts, nil
}

// readAll reads r to its end, giving up when ctx is cancelled, so that
// Ctrl-C stops a command waiting on a pipe that never closes.
func readAll(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(r)
		ch <- result{b, err}
	}()
	select {
	case res := <-ch:
		if res.err != nil {
			return "", fmt.Errorf("reading standard input: %w", res.err)
		}
		return string(res.b), nil
	case <-ctx.Done():
		return "", cancelled("query")
	}
}

// tableArg is one --table NAME=PATH.
type tableArg struct{ name, path string }

func parseTables(args []string) ([]tableArg, error) {
	out := make([]tableArg, 0, len(args))
	for _, a := range args {
		name, path, ok := strings.Cut(a, "=")
		name, path = strings.TrimSpace(name), strings.TrimSpace(path)
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("--table %q: want NAME=PATH", a)
		}
		out = append(out, tableArg{name, path})
	}
	return out, nil
}

// registerTables registers the tables found in dataDir, then the --table
// ones, which so take precedence over a discovered table of the same name.
func registerTables(ctx context.Context, sess *ember.Session, dataDir string, tables []tableArg) error {
	if dataDir != "" {
		found, err := catalog.DiscoverTables(dataDir)
		if err != nil {
			return fmt.Errorf("--data %s: %w", dataDir, err)
		}
		names := make([]string, 0, len(found))
		for name := range found {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if err := sess.RegisterPath(ctx, name, found[name]); err != nil {
				return fmt.Errorf("--data %s: table %s: %w", dataDir, name, err)
			}
		}
	}
	for _, t := range tables {
		if err := sess.RegisterPath(ctx, t.name, t.path); err != nil {
			return fmt.Errorf("--table %s=%s: %w", t.name, t.path, err)
		}
	}
	return nil
}

// runScripts runs every statement in order and stops at the first failure.
func runScripts(ctx context.Context, io stdio, sess *ember.Session, opts *sqlOptions, scripts []script) error {
	w, err := output.New(opts.format, io.out)
	if err != nil {
		return err
	}
	for _, s := range scripts {
		for _, src := range s.stmts {
			start := time.Now()
			_, err := execute(ctx, sess, src, w)
			if err != nil {
				if s.file != "" {
					return fmt.Errorf("%s: %w", s.file, err)
				}
				return err
			}
			if opts.timing {
				fmt.Fprintf(io.err, "Time: %s\n", formatElapsed(time.Since(start)))
			}
		}
	}
	return nil
}

// execute runs one statement and writes its result with w. It reports
// whether the result had columns (statements like CREATE have none).
func execute(ctx context.Context, sess *ember.Session, src sql.Source, w output.Writer) (hasColumns bool, err error) {
	res, err := sess.Execute(ctx, src)
	if err != nil {
		return false, err
	}
	defer res.Close()
	schema := res.Schema()
	if schema == nil {
		schema = emptySchema
	}
	if err := w.Begin(schema); err != nil {
		return false, err
	}
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, err
		}
		err = w.Write(b)
		b.Release()
		if err != nil {
			return false, err
		}
	}
	return schema.NumFields() > 0, w.End()
}

// emptySchema stands for the schema of a result that has none.
var emptySchema = arrow.NewSchema(nil, nil)

// formatElapsed renders a duration the way psql's \timing does.
func formatElapsed(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.3f s", d.Seconds())
}
