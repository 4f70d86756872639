package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// smallData is SF 0.01, in the engine's tree.
const smallData = "../../testdata/tpch/sf0.01"

// TestMain lets the test binary be the engines' child too: the harness
// under test starts os.Executable() with -serve.
func TestMain(m *testing.M) {
	if isServe(os.Args[1:]) {
		os.Exit(serveMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestHarness runs the real children over SF 0.01 and checks the report.
func TestHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("starts both engines")
	}
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	var out bytes.Buffer
	opts := options{data: smallData, queries: "1,6", threads: 2, runs: 1, warmup: 1,
		answers: "../../../shared/tpch/answers/sf0.01", json: jsonPath, out: &out}
	code, err := run(context.Background(), &opts)
	if err != nil || code != 0 {
		t.Fatalf("run = %d, %v\n%s", code, err, out.String())
	}
	text := out.String()
	for _, want := range []string{"q01 ", "q06 ", "duckdb peak RSS: ", "ember peak RSS: ", "total "} {
		if !strings.Contains(text, want) {
			t.Errorf("the table lacks %q:\n%s", want, text)
		}
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Queries) != 2 {
		t.Fatalf("%d queries in the JSON, want 2", len(rep.Queries))
	}
	wantRows := map[int]int64{1: 4, 6: 1}
	for _, q := range rep.Queries {
		if q.failed() || q.Rows != wantRows[q.Query] || q.DuckDBRows != wantRows[q.Query] {
			t.Errorf("%s: %+v", q.Name, q)
		}
		if len(q.DuckDBTimesMS) != 1 || len(q.EmberTimesMS) != 1 || q.DuckDBMedianMS <= 0 || q.EmberMedianMS <= 0 {
			t.Errorf("%s: times %v and %v", q.Name, q.DuckDBTimesMS, q.EmberTimesMS)
		}
	}
	if rep.DuckDBPeakRSSBytes <= 0 || rep.EmberPeakRSSBytes <= 0 || rep.PeakRSSBytes <= 0 {
		t.Errorf("peak RSS: duckdb %d, ember %d, harness %d", rep.DuckDBPeakRSSBytes, rep.EmberPeakRSSBytes, rep.PeakRSSBytes)
	}
}

// startTestChild starts a child serving engine over SF 0.01 from this
// test binary.
func startTestChild(t *testing.T, ctx context.Context, name, engine, data string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c, err := startChild(ctx, exe, name, engine, data, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.kill)
	return c
}

// TestChildQueryError: a query that fails in the engine is a reply's
// error, and the child answers the next request.
func TestChildQueryError(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine")
	}
	c := startTestChild(t, context.Background(), "Ember", engineEmber, smallData)
	if err := c.ready(); err != nil {
		t.Fatal(err)
	}
	r, err := c.run(23, false)
	if err != nil || !strings.Contains(r.Error, "23") {
		t.Fatalf("query 23: %+v, %v", r, err)
	}
	r, err = c.run(6, true)
	if err != nil || r.Error != "" || r.Rows != 1 || r.Cells == nil || len(r.Cells.Rows) != 1 || r.Nanos <= 0 {
		t.Fatalf("q06 after an error: %+v, %v", r, err)
	}
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	if c.peakRSS <= 0 || !c.cmd.ProcessState.Exited() || c.cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("after close: peak %d, state %v", c.peakRSS, c.cmd.ProcessState)
	}
}

// TestChildDies: a child killed under the harness is an error that names
// the engine and the query, and the process is reaped.
func TestChildDies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine")
	}
	c := startTestChild(t, context.Background(), "Ember", engineEmber, smallData)
	if err := c.ready(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_, err := c.run(6, false)
	var died *diedError
	if !errors.As(err, &died) || !strings.Contains(err.Error(), "Ember") || !strings.Contains(err.Error(), "q06") ||
		!strings.Contains(err.Error(), "killed") {
		t.Fatalf("run after kill: %v", err)
	}
	if c.cmd.ProcessState == nil {
		t.Error("the dead child was not reaped")
	}
}

// TestChildInterrupted: cancelling the context (Ctrl-C) kills the child.
func TestChildInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine")
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := startTestChild(t, ctx, "DuckDB", engineDuckDB, smallData)
	if err := c.ready(); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err := c.run(1, false)
	if err == nil || !strings.Contains(err.Error(), "DuckDB: interrupted during q01") {
		t.Fatalf("run after cancel: %v", err)
	}
	if c.cmd.ProcessState == nil || c.cmd.ProcessState.Success() {
		t.Errorf("the child was not killed: %v", c.cmd.ProcessState)
	}
}

// TestChildCannotOpen: an engine that cannot open its tables is an error
// naming it, before any query.
func TestChildCannotOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine")
	}
	for _, e := range []struct{ name, engine string }{{"DuckDB", engineDuckDB}, {"Ember", engineEmber}} {
		c := startTestChild(t, context.Background(), e.name, e.engine, t.TempDir())
		err := c.ready()
		if err == nil || !strings.HasPrefix(err.Error(), e.name+": ") {
			t.Errorf("%s over an empty folder: %v", e.name, err)
		}
	}
}

func TestDuckCell(t *testing.T) {
	huge, _ := new(big.Int).SetString("170141183460469231731687303715884105727", 10)
	tests := []struct {
		v    any
		want string
	}{
		{nil, ""},
		{int64(-42), "-42"},
		{int32(7), "7"},
		{uint64(9), "9"},
		{huge, "170141183460469231731687303715884105727"},
		{0.25, "0.25"},
		{duckdb.Decimal{Width: 38, Scale: 2, Value: big.NewInt(123005)}, "1230.05"},
		{duckdb.Decimal{Width: 15, Scale: 4, Value: big.NewInt(-5)}, "-0.0005"},
		{duckdb.Decimal{Width: 15, Scale: 2}, ""},
		{"BUILDING", "BUILDING"},
		{time.Date(1995, 3, 15, 0, 0, 0, 0, time.UTC), "1995-03-15"},
		{time.Date(1995, 3, 15, 13, 4, 5, 0, time.UTC), "1995-03-15 13:04:05"},
		{true, "true"},
	}
	for _, tt := range tests {
		got, err := duckCell(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("duckCell(%#v) = %q, %v; want %q", tt.v, got, err, tt.want)
		}
	}
	if _, err := duckCell(struct{}{}); err == nil {
		t.Error("no error for an unknown Go type")
	}
}

func TestParquetSource(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "nation.parquet"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "lineitem"), 0o755)
	os.WriteFile(filepath.Join(dir, "lineitem", "part-0.parquet"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "orders"), 0o755)

	if src, err := parquetSource(dir, "nation"); err != nil || !strings.HasSuffix(src, "nation.parquet')") || !strings.HasPrefix(src, "read_parquet('/") {
		t.Errorf("file: %s, %v", src, err)
	}
	if src, err := parquetSource(dir, "lineitem"); err != nil || !strings.HasSuffix(src, filepath.Join("lineitem", "*.parquet')")) {
		t.Errorf("folder: %s, %v", src, err)
	}
	if _, err := parquetSource(dir, "orders"); err == nil || !strings.Contains(err.Error(), "no .parquet file") {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := parquetSource(dir, "part"); err == nil || !strings.Contains(err.Error(), "table part") {
		t.Errorf("missing: %v", err)
	}
	if src, _ := readParquet("/a'b.parquet"); src != "read_parquet('/a''b.parquet')" {
		t.Errorf("quoting: %s", src)
	}
}

func TestOptionsCheck(t *testing.T) {
	ok := options{data: "d", threads: 2, runs: 1, queries: "1,3"}
	if qs, err := ok.check(); err != nil || len(qs) != 2 {
		t.Errorf("check: %v, %v", qs, err)
	}
	for _, bad := range []options{
		{threads: 2, runs: 1},
		{data: "d", threads: 0, runs: 1},
		{data: "d", threads: 2, runs: 0},
		{data: "d", threads: 2, runs: 1, warmup: -1},
		{data: "d", threads: 2, runs: 1, queries: "23"},
	} {
		if _, err := bad.check(); err == nil {
			t.Errorf("check(%+v) gave no error", bad)
		}
	}
}
