package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/tpch"
)

// newBenchCommand is `ember bench`, the parent of the benchmarks.
func newBenchCommand(io stdio) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run a benchmark",
		// Without a benchmark it shows its help; a name that is not one of
		// its subcommands reaches RunE as an argument.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown benchmark %q; the benchmarks are: tpch", args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newBenchTPCHCommand(io))
	return cmd
}

// benchOptions are the flags of `ember bench tpch`.
type benchOptions struct {
	data    string
	queries string
	runs    int
	warmup  int
	conf    []string
	json    string
	answers string
	master  string
}

func newBenchTPCHCommand(io stdio) *cobra.Command {
	var opts benchOptions
	cmd := &cobra.Command{
		Use:   "tpch",
		Short: "Time the TPC-H queries over a directory of TPC-H tables",
		Long: `Time the TPC-H queries in a local session.

Each chosen query runs --warmup times untimed, then --runs times timed; the
table shows the rows returned, the least and the median time of the timed
runs, and the total of the medians. With --answers, each result is compared
with the answer file qNN.csv of that directory (by the rules of the TPC-H
answers: numbers within 1e-6 relative or 0.005 absolute, the rest exactly),
and a result that differs makes the command fail after the table. At the end
it prints the process's peak resident memory.`,
		Example: `  ember bench tpch --data testdata/tpch/sf0.01
  ember bench tpch --data sf1 --queries 1,3,18 --runs 5 --answers answers/sf1 --json bench.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchTPCH(cmd.Context(), io, &opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.data, "data", "", "the directory `DIR` of the TPC-H tables (required)")
	f.StringVar(&opts.queries, "queries", "", "the queries `LIST` to run, like 1,3,18 or 1-5 (default: all 22)")
	f.IntVar(&opts.runs, "runs", 3, "`N` timed runs of each query")
	f.IntVar(&opts.warmup, "warmup", 1, "`N` untimed runs of each query before the timed ones")
	f.StringArrayVar(&opts.conf, "conf", nil, "set the session configuration KEY to VALUE, e.g. ember.cores=2 (`KEY=VALUE`; repeatable)")
	f.StringVar(&opts.json, "json", "", "also write the figures as JSON to `FILE`")
	f.StringVar(&opts.answers, "answers", "", "compare each result with the answer qNN.csv in `DIR`")
	f.StringVar(&opts.master, "master", "", "run on the cluster whose master is at `ADDR` (the tables must be at the same paths on the workers)")
	return cmd
}

// benchReport is what `ember bench tpch --json` writes.
type benchReport struct {
	Data          string        `json:"data"`
	Runs          int           `json:"runs"`
	Warmup        int           `json:"warmup"`
	Conf          []string      `json:"conf"`
	Machine       tpch.Machine  `json:"machine"`
	Queries       []benchResult `json:"queries"`
	TotalMedianMS float64       `json:"total_median_ms"`
	// PeakRSSBytes is the process's peak resident memory (0 where the
	// system does not tell it).
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// benchResult is the outcome of one query.
type benchResult struct {
	Query    int       `json:"query"`
	Name     string    `json:"name"`
	Rows     int64     `json:"rows"`
	MinMS    float64   `json:"min_ms"`
	MedianMS float64   `json:"median_ms"`
	TimesMS  []float64 `json:"times_ms"`
	// Match says whether the result equals the answer (absent without
	// --answers); Mismatch says how it differs.
	Match    *bool  `json:"match,omitempty"`
	Mismatch string `json:"mismatch,omitempty"`
	// Error is why the query failed; the figures are then empty.
	Error string `json:"error,omitempty"`
}

// runBenchTPCH is `ember bench tpch`: check every flag and read the
// answers, then run the queries and report.
func runBenchTPCH(ctx context.Context, io stdio, opts *benchOptions) error {
	if opts.data == "" {
		return errors.New("--data DIR is required: the directory of the TPC-H tables (make one with `ember gen tpch`)")
	}
	if st, err := os.Stat(opts.data); err != nil {
		return fmt.Errorf("--data %s: %w", opts.data, err)
	} else if !st.IsDir() {
		return fmt.Errorf("--data %s is not a directory", opts.data)
	}
	if opts.runs < 1 {
		return fmt.Errorf("--runs %d: need at least 1 timed run", opts.runs)
	}
	if opts.warmup < 0 {
		return fmt.Errorf("--warmup %d: cannot be negative", opts.warmup)
	}
	queries, err := tpch.ParseQueryList(opts.queries)
	if err != nil {
		return fmt.Errorf("--queries: %w", err)
	}
	conf, err := parseConf(opts.conf)
	if err != nil {
		return err
	}
	if opts.master != "" {
		conf = append(conf, ember.WithMaster(opts.master))
	}
	answers := map[int]tpch.Table{}
	if opts.answers != "" {
		for _, q := range queries {
			a, err := tpch.ReadAnswer(tpch.AnswerPath(opts.answers, q))
			if err != nil {
				return fmt.Errorf("--answers: %w", err)
			}
			answers[q] = a
		}
	}

	ctx, stop := interruptContext(ctx)
	defer stop()
	sess, err := openSession(ctx, conf, opts.data, nil)
	if err != nil {
		return err
	}
	defer sess.Close()

	report := benchReport{Data: opts.data, Runs: opts.runs, Warmup: opts.warmup, Conf: opts.conf, Machine: tpch.ThisMachine()}
	if report.Conf == nil {
		report.Conf = []string{}
	}
	var failures []string
	for _, q := range queries {
		res := benchQuery(ctx, sess, q, opts, answers)
		if ctx.Err() != nil {
			return cancelled("benchmark")
		}
		switch {
		case res.Error != "":
			failures = append(failures, fmt.Sprintf("%s failed: %s", res.Name, res.Error))
		case res.Mismatch != "":
			failures = append(failures, fmt.Sprintf("%s differs from its answer: %s", res.Name, res.Mismatch))
		default:
			report.TotalMedianMS += res.MedianMS
		}
		report.Queries = append(report.Queries, res)
	}
	report.PeakRSSBytes, _ = tpch.PeakRSS()

	if err := writeBenchTable(io, &report, opts.answers != ""); err != nil {
		return err
	}
	if opts.json != "" {
		if err := writeBenchJSON(opts.json, &report); err != nil {
			return err
		}
	}
	switch len(failures) {
	case 0:
		return nil
	case 1:
		return errors.New(failures[0])
	}
	return fmt.Errorf("%d queries went wrong: %s", len(failures), strings.Join(failures, "; "))
}

// benchQuery runs query q warmup + runs times and, with an answer for it,
// compares the first timed run's result with the answer.
func benchQuery(ctx context.Context, sess *ember.Session, q int, opts *benchOptions, answers map[int]tpch.Table) benchResult {
	res := benchResult{Query: q, Name: tpch.QueryName(q)}
	text, err := tpch.Query(q)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	answer, check := answers[q]
	var times []time.Duration
	for i := 0; i < opts.warmup+opts.runs; i++ {
		keep := check && i == opts.warmup
		rows, elapsed, got, err := runQuery(ctx, sess, text, keep)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		if i > opts.warmup && rows != res.Rows {
			res.Error = fmt.Sprintf("run %d returned %d rows, an earlier one %d", i-opts.warmup+1, rows, res.Rows)
			return res
		}
		res.Rows = rows
		if i < opts.warmup {
			continue
		}
		times = append(times, elapsed)
		if keep {
			match := true
			if err := tpch.Compare(got, answer); err != nil {
				match, res.Mismatch = false, err.Error()
			}
			res.Match = &match
		}
	}
	t := tpch.Summarize(times)
	res.MinMS, res.MedianMS, res.TimesMS = tpch.Millis(t.Min), tpch.Millis(t.Median), tpch.MillisAll(times)
	return res
}

// runQuery runs text once and reads its whole result; the time covers the
// query from its text to its last batch. With keep it also returns the
// result as cells, converted after the clock stops.
func runQuery(ctx context.Context, sess *ember.Session, text string, keep bool) (int64, time.Duration, tpch.Table, error) {
	start := time.Now()
	res, err := sess.Query(ctx, text)
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	rows, batches, err := tpch.Drain(ctx, res, keep)
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	elapsed := time.Since(start)
	defer tpch.ReleaseAll(batches)
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	var cells tpch.Table
	if keep {
		if cells, err = tpch.TableOf(res.Schema(), batches); err != nil {
			return 0, 0, tpch.Table{}, err
		}
	}
	return rows, elapsed, cells, nil
}

// writeBenchTable prints the figures as an aligned table, then the total
// and the peak memory.
func writeBenchTable(io stdio, r *benchReport, withAnswers bool) error {
	header := []string{"query", "rows", "min ms", "median ms"}
	right := []bool{false, true, true, true, false}
	if withAnswers {
		header = append(header, "answer")
	}
	var rows [][]string
	for _, q := range r.Queries {
		row := []string{q.Name, strconv.FormatInt(q.Rows, 10), formatMillis(q.MinMS), formatMillis(q.MedianMS)}
		if q.Error != "" {
			row = []string{q.Name, "failed", "", ""}
		}
		if withAnswers {
			switch {
			case q.Match == nil:
				row = append(row, "")
			case *q.Match:
				row = append(row, "ok")
			default:
				row = append(row, "DIFFERS")
			}
		}
		rows = append(rows, row)
	}
	rows = append(rows, []string{"total", "", "", formatMillis(r.TotalMedianMS)})
	if err := tpch.WriteTextTable(io.out, header, rows, right); err != nil {
		return err
	}
	m := r.Machine
	_, err := fmt.Fprintf(io.out, "%d timed runs after %d warm-up; %d cores, GOMAXPROCS %d, %s; peak resident memory %s\n",
		r.Runs, r.Warmup, m.Cores, m.GOMAXPROCS, m.GoVersion, formatBytes(r.PeakRSSBytes))
	return err
}

// formatMillis shows milliseconds with one decimal.
func formatMillis(ms float64) string { return strconv.FormatFloat(ms, 'f', 1, 64) }

// formatBytes shows a byte count in MiB, or "unknown" for 0.
func formatBytes(n int64) string {
	if n <= 0 {
		return "unknown"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// writeBenchJSON writes the report, indented, to path.
func writeBenchJSON(path string, r *benchReport) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	return nil
}
