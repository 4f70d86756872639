package main

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

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
