package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/ember-sql/ember/tpch"
)

// printReport prints the table, one row per query, then the totals, the
// worst ratio, the differences found, and each engine's peak memory, to w.
func printReport(w io.Writer, r *report, withAnswers bool) error {
	header := []string{"query", "duckdb ms", "ember ms", "ratio", "rows", "agree"}
	right := []bool{false, true, true, true, true, false, false}
	if withAnswers {
		header = append(header, "answer")
	}
	var rows [][]string
	for _, q := range r.Queries {
		var row []string
		if q.Error != "" {
			row = []string{q.Name, "", "", "", "", "FAILED"}
		} else {
			row = []string{q.Name, ms(q.DuckDBMedianMS), ms(q.EmberMedianMS), times(q.Ratio),
				strconv.FormatInt(q.Rows, 10), yesNo(q.Agree)}
		}
		if withAnswers {
			switch {
			case q.AnswerMatch == nil:
				row = append(row, "")
			default:
				row = append(row, yesNo(*q.AnswerMatch))
			}
		}
		rows = append(rows, row)
	}
	rows = append(rows, []string{"total", ms(r.DuckDBTotalMS), ms(r.EmberTotalMS), times(r.TotalRatio)})
	fmt.Fprintf(w, "TPC-H over %s: %d threads, median of %d runs after %d warm-up; %d cores, %s\n",
		r.Data, r.Threads, r.Runs, r.Warmup, r.Machine.Cores, r.Machine.GoVersion)
	if err := tpch.WriteTextTable(w, header, rows, right); err != nil {
		return err
	}
	if r.WorstQuery != "" {
		fmt.Fprintf(w, "worst ratio: %s %s\n", r.WorstQuery, times(r.WorstRatio))
	}
	for _, q := range r.Queries {
		for _, msg := range []string{q.Error, q.Difference, q.AnswerDifference} {
			if msg != "" {
				fmt.Fprintf(w, "%s: %s\n", q.Name, msg)
			}
		}
	}
	fmt.Fprintf(w, "duckdb peak RSS: %s\n", mib(r.DuckDBPeakRSSBytes))
	fmt.Fprintf(w, "ember peak RSS: %s\n", mib(r.EmberPeakRSSBytes))
	fmt.Fprintf(w, "harness peak RSS (without the engines): %s\n", mib(r.PeakRSSBytes))
	return nil
}

// mib renders a byte count in MiB, or "unknown" for 0.
func mib(b int64) string {
	if b <= 0 {
		return "unknown"
	}
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB"
}

func ms(v float64) string    { return strconv.FormatFloat(v, 'f', 1, 64) }
func times(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "x" }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// writeJSON writes the report, indented, to path.
func writeJSON(path string, r *report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("-json: %w", err)
	}
	return nil
}
