package main

import (
	"context"
	"fmt"
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
	// PeakRSSBytes is the harness process's peak resident memory: both
	// engines, with DuckDB's own allocations.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// run runs the chosen queries in both engines, prints the table, writes
// the JSON, and returns the exit status: 1 when any query failed or any
// result differs.
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
	duck, err := openDuck(ctx, opts.data, opts.threads)
	if err != nil {
		return 1, err
	}
	defer duck.Close()
	emb, err := openEmber(ctx, opts.data, opts.threads)
	if err != nil {
		return 1, err
	}
	defer emb.Close()

	rep := report{Data: opts.data, Threads: opts.threads, Runs: opts.runs, Warmup: opts.warmup, Machine: tpch.ThisMachine()}
	for _, q := range queries {
		answer, check := answers[q]
		res := runQuery(ctx, duck, emb, q, opts, answer, check)
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
	rep.TotalRatio = ratio(rep.EmberTotalMS, rep.DuckDBTotalMS)
	rep.PeakRSSBytes, _ = tpch.PeakRSS()

	if err := printReport(&rep, opts.answers != ""); err != nil {
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

// engine is what runQuery needs of each engine.
type engine interface {
	run(ctx context.Context, text string, keep bool) (int64, time.Duration, tpch.Table, error)
}

// runQuery runs query q: the warm-up runs of each engine, then the timed
// runs alternating DuckDB and Ember; it compares the results of the first
// timed runs.
func runQuery(ctx context.Context, duck, emb engine, q int, opts *options, answer tpch.Table, check bool) queryResult {
	res := queryResult{Query: q, Name: tpch.QueryName(q)}
	text, err := tpch.Query(q)
	if err != nil {
		res.Error = err.Error()
		return res
	}
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
			rows, elapsed, cells, err := en.e.run(ctx, text, keep)
			if err != nil {
				res.Error = fmt.Sprintf("%s: %v", en.name, err)
				return res
			}
			if i > 0 && rows != en.rows {
				res.Error = fmt.Sprintf("%s returned %d rows, then %d", en.name, en.rows, rows)
				return res
			}
			en.rows = rows
			if timed {
				en.times = append(en.times, elapsed)
			}
			if keep {
				en.cells = cells
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
	return res
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
