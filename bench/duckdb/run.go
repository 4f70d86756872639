package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ember-sql/ember/tpch"
)

// queryResult is the outcome of one query in both engines.
type queryResult struct {
	Query          int       `json:"query"`
	Name           string    `json:"name"`
	Rows           int64     `json:"rows"` // Ember's
	DuckDBRows     int64     `json:"duckdb_rows"`
	DuckDBMinMS    float64   `json:"duckdb_min_ms"`
	DuckDBMedianMS float64   `json:"duckdb_median_ms"`
	DuckDBTimesMS  []float64 `json:"duckdb_times_ms"`
	EmberMinMS     float64   `json:"ember_min_ms"`
	EmberMedianMS  float64   `json:"ember_median_ms"`
	EmberTimesMS   []float64 `json:"ember_times_ms"`
	// Ratio is Ember's median over DuckDB's.
	Ratio float64 `json:"ratio"`
	// Agree says whether the two results are the same by the comparison
	// rules; Difference says how they differ.
	Agree      bool   `json:"agree"`
	Difference string `json:"difference,omitempty"`
	// AnswerMatch says whether Ember's result equals the answer (absent
	// without -answers); AnswerDifference says how it differs.
	AnswerMatch      *bool  `json:"answer_match,omitempty"`
	AnswerDifference string `json:"answer_difference,omitempty"`
	// Error is why the query failed in one engine.
	Error string `json:"error,omitempty"`
}

// failed reports whether the query failed or any comparison did.
func (q *queryResult) failed() bool {
	return q.Error != "" || !q.Agree || (q.AnswerMatch != nil && !*q.AnswerMatch)
}

// report is the whole run, as -json writes it.
type report struct {
	Data    string        `json:"data"`
	Threads int           `json:"threads"`
	Runs    int           `json:"runs"`
	Warmup  int           `json:"warmup"`
	Machine tpch.Machine  `json:"machine"`
	Queries []queryResult `json:"queries"`
	// The totals are sums of medians over the queries that ran in both
	// engines.
	DuckDBTotalMS float64 `json:"duckdb_total_ms"`
	EmberTotalMS  float64 `json:"ember_total_ms"`
	TotalRatio    float64 `json:"total_ratio"`
	WorstQuery    string  `json:"worst_query"`
	WorstRatio    float64 `json:"worst_ratio"`
	// DuckDBPeakRSSBytes and EmberPeakRSSBytes are each engine's peak
	// resident memory: its child process's (0 when the system does not
	// tell).
	DuckDBPeakRSSBytes int64 `json:"duckdb_peak_rss_bytes"`
	EmberPeakRSSBytes  int64 `json:"ember_peak_rss_bytes"`
	// PeakRSSBytes is the harness process's own peak resident memory: the
	// parent that holds the results, without either engine.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// run runs the chosen queries in both engines, each in its own child
// process, prints the table, writes the JSON, and returns the exit status:
// 1 when any query failed or any result differs. An error (status 1 too)
// means the run could not go on: bad options, an engine that would not
// open, or a child process that died.
func run(ctx context.Context, opts *options) (int, error) {
	queries, err := opts.check()
	if err != nil {
		return 1, err
	}
	answers := map[int]tpch.Table{}
	if opts.answers != "" {
		for _, q := range queries {
			if answers[q], err = tpch.ReadAnswer(tpch.AnswerPath(opts.answers, q)); err != nil {
				return 1, fmt.Errorf("-answers: %w", err)
			}
		}
	}
	exe := opts.exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return 1, fmt.Errorf("finding the harness binary to start the engines: %w", err)
		}
	}
	// Both children start and open their tables before any query runs.
	duck, err := startChild(ctx, exe, "DuckDB", engineDuckDB, opts.data, opts.threads)
	if err != nil {
		return 1, err
	}
	defer duck.kill()
	emb, err := startChild(ctx, exe, "Ember", engineEmber, opts.data, opts.threads)
	if err != nil {
		return 1, err
	}
	defer emb.kill()
	if err := errors.Join(duck.ready(), emb.ready()); err != nil {
		return 1, err
	}

	rep := report{Data: opts.data, Threads: opts.threads, Runs: opts.runs, Warmup: opts.warmup, Machine: tpch.ThisMachine()}
	for _, q := range queries {
		answer, check := answers[q]
		res, err := runQuery(ctx, duck, emb, q, opts, answer, check)
		if err != nil {
			return 1, err
		}
		rep.Queries = append(rep.Queries, res)
		if res.Error != "" {
			continue
		}
		rep.DuckDBTotalMS += res.DuckDBMedianMS
		rep.EmberTotalMS += res.EmberMedianMS
		if res.Ratio > rep.WorstRatio {
			rep.WorstQuery, rep.WorstRatio = res.Name, res.Ratio
		}
	}
	if err := errors.Join(duck.close(), emb.close()); err != nil {
		return 1, err
	}
	rep.TotalRatio = ratio(rep.EmberTotalMS, rep.DuckDBTotalMS)
	rep.DuckDBPeakRSSBytes, rep.EmberPeakRSSBytes = duck.peakRSS, emb.peakRSS
	rep.PeakRSSBytes, _ = tpch.PeakRSS()

	out := opts.out
	if out == nil {
		out = os.Stdout
	}
	if err := printReport(out, &rep, opts.answers != ""); err != nil {
		return 1, err
	}
	if opts.json != "" {
		if err := writeJSON(opts.json, &rep); err != nil {
			return 1, err
		}
	}
	for i := range rep.Queries {
		if rep.Queries[i].failed() {
			return 1, nil
		}
	}
	return 0, nil
}

// engine is what runQuery needs of each engine: a *child.
type engine interface {
	run(q int, keep bool) (reply, error)
}

// runQuery runs query q: the warm-up runs of each engine, then the timed
// runs alternating DuckDB and Ember; it compares the results of the first
// timed runs. A query that fails in an engine is the result's Error; the
// error returned is a child process that died, which ends the run.
func runQuery(ctx context.Context, duck, emb engine, q int, opts *options, answer tpch.Table, check bool) (queryResult, error) {
	res := queryResult{Query: q, Name: tpch.QueryName(q)}
	engines := []struct {
		name  string
		e     engine
		times []time.Duration
		rows  int64
		cells tpch.Table
	}{{name: "DuckDB", e: duck}, {name: "Ember", e: emb}}
	for i := 0; i < opts.warmup+opts.runs; i++ {
		timed, keep := i >= opts.warmup, i == opts.warmup
		for k := range engines {
			en := &engines[k]
			if err := ctx.Err(); err != nil {
				return res, fmt.Errorf("interrupted before %s in %s", res.Name, en.name)
			}
			r, err := en.e.run(q, keep)
			if err != nil {
				return res, err
			}
			if r.Error != "" {
				res.Error = fmt.Sprintf("%s: %s", en.name, r.Error)
				return res, nil
			}
			if i > 0 && r.Rows != en.rows {
				res.Error = fmt.Sprintf("%s returned %d rows, then %d", en.name, en.rows, r.Rows)
				return res, nil
			}
			en.rows = r.Rows
			if timed {
				en.times = append(en.times, time.Duration(r.Nanos))
			}
			if keep && r.Cells != nil {
				en.cells = *r.Cells
			}
		}
	}
	d, e := tpch.Summarize(engines[0].times), tpch.Summarize(engines[1].times)
	res.DuckDBRows, res.Rows = engines[0].rows, engines[1].rows
	res.DuckDBMinMS, res.DuckDBMedianMS = tpch.Millis(d.Min), tpch.Millis(d.Median)
	res.EmberMinMS, res.EmberMedianMS = tpch.Millis(e.Min), tpch.Millis(e.Median)
	res.DuckDBTimesMS, res.EmberTimesMS = tpch.MillisAll(engines[0].times), tpch.MillisAll(engines[1].times)
	res.Ratio = ratio(res.EmberMedianMS, res.DuckDBMedianMS)
	res.Agree = true
	if err := tpch.Compare(engines[1].cells, engines[0].cells); err != nil {
		res.Agree, res.Difference = false, "Ember vs DuckDB: "+err.Error()
	}
	if check {
		match := true
		if err := tpch.Compare(engines[1].cells, answer); err != nil {
			match, res.AnswerDifference = false, "Ember vs answer: "+err.Error()
		}
		res.AnswerMatch = &match
	}
	return res, nil
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
