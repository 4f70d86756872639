package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ember-sql/ember/tpch"
)

// duckEngine runs queries in an in-memory DuckDB whose views read the
// TPC-H Parquet files.
type duckEngine struct {
	db *sql.DB
}

// openDuck opens DuckDB with threads threads and a view per table of dir.
func openDuck(ctx context.Context, dir string, threads int) (*duckEngine, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	// One connection: the settings and views belong to it.
	db.SetMaxOpenConns(1)
	e := &duckEngine{db: db}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads TO %d", threads)); err != nil {
		e.Close()
		return nil, err
	}
	for _, t := range tableNames {
		src, err := parquetSource(dir, t)
		if err != nil {
			e.Close()
			return nil, err
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM %s", t, src)); err != nil {
			e.Close()
			return nil, fmt.Errorf("DuckDB: table %s: %w", t, err)
		}
	}
	return e, nil
}

// Close closes the database.
func (e *duckEngine) Close() error { return e.db.Close() }

// run runs text once and reads every row; the time covers the query from
// its text to its last row. With keep it also returns the result as cells,
// converted after the clock stops.
func (e *duckEngine) run(ctx context.Context, text string, keep bool) (int64, time.Duration, tpch.Table, error) {
	start := time.Now()
	rs, err := e.db.QueryContext(ctx, text)
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	var rows int64
	var kept [][]any
	for rs.Next() {
		rows++
		if !keep {
			continue
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return 0, 0, tpch.Table{}, err
		}
		kept = append(kept, vals)
	}
	if err := rs.Err(); err != nil {
		return 0, 0, tpch.Table{}, err
	}
	elapsed := time.Since(start)
	t := tpch.Table{Columns: cols}
	for r, vals := range kept {
		row := make([]string, len(vals))
		for c, v := range vals {
			if row[c], err = duckCell(v); err != nil {
				return 0, 0, tpch.Table{}, fmt.Errorf("row %d column %s: %w", r+1, cols[c], err)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return rows, elapsed, t, nil
}

// duckCell renders one DuckDB value as Ember's results are rendered for
// comparison: NULL as "", decimals with their scale, dates YYYY-MM-DD.
// A DATE and a TIMESTAMP both arrive as a time.Time; a time at midnight is
// taken for a date, the only one of the two that TPC-H results hold.
func duckCell(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case bool:
		return strconv.FormatBool(v), nil
	case int8:
		return strconv.FormatInt(int64(v), 10), nil
	case int16:
		return strconv.FormatInt(int64(v), 10), nil
	case int32:
		return strconv.FormatInt(int64(v), 10), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case uint8:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(v), 10), nil
	case uint64:
		return strconv.FormatUint(v, 10), nil
	case *big.Int:
		return v.String(), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), nil
	case float64:
		return tpch.FormatFloat(v), nil
	case duckdb.Decimal:
		if v.Value == nil {
			return "", nil
		}
		return tpch.FormatDecimal(v.Value, int32(v.Scale)), nil
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case time.Time:
		u := v.UTC()
		if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
			return tpch.FormatDate(u), nil
		}
		return tpch.FormatTimestamp(u), nil
	}
	return "", fmt.Errorf("cannot compare a DuckDB value of Go type %T", v)
}
