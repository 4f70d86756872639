// Command duckdb-tpch times the TPC-H queries in DuckDB over the same
// Parquet files Ember reads, for side-by-side comparisons. It lives in its
// own module so that the engine never depends on DuckDB.
//
//	go run . -data ../../../shared/tpch/sf0.1 -queries ../../tpch/queries -threads 2 -runs 5
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	data := flag.String("data", "", "directory of the TPC-H Parquet files")
	queries := flag.String("queries", "../../tpch/queries", "directory of q01.sql … q22.sql")
	threads := flag.Int("threads", 2, "DuckDB threads")
	runs := flag.Int("runs", 5, "runs per query; the median is reported")
	flag.Parse()
	if err := run(*data, *queries, *threads, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(data, queries string, threads, runs int) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads TO %d", threads)); err != nil {
		return err
	}
	for _, t := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		p, err := filepath.Abs(filepath.Join(data, t+".parquet"))
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')", t, p)); err != nil {
			return err
		}
	}
	var total time.Duration
	for q := 1; q <= 22; q++ {
		text, err := os.ReadFile(filepath.Join(queries, fmt.Sprintf("q%02d.sql", q)))
		if err != nil {
			return err
		}
		var times []time.Duration
		rows := 0
		for r := 0; r < runs; r++ {
			start := time.Now()
			rs, err := db.QueryContext(ctx, string(text))
			if err != nil {
				return fmt.Errorf("q%02d: %w", q, err)
			}
			rows = 0
			for rs.Next() {
				rows++
			}
			rs.Close()
			times = append(times, time.Since(start))
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		med := times[len(times)/2]
		total += med
		fmt.Printf("q%02d %8.1f ms %6d rows\n", q, float64(med.Microseconds())/1000, rows)
	}
	fmt.Printf("total %8.1f ms\n", float64(total.Microseconds())/1000)
	return nil
}
