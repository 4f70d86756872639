package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// `ember gen tpch` writes the eight tables, says what it wrote, and `ember
// sql --data` reads them.
func TestGenTPCH(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sf0.01")
	r := runEmber(t, "", "gen", "tpch", "--sf", "0.01", "--out", dir, "--parallel", "2")
	wantSuccess(t, r)
	want := regexp.MustCompile(`^generated 8 tables, 86,805 rows in 8 files in ` + regexp.QuoteMeta(dir) +
		` \(scale factor 0\.01, \d+\.\d s\)\n$`)
	if !want.MatchString(r.stdout) {
		t.Errorf("summary %q", r.stdout)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	wantNames := []string{"customer.parquet", "lineitem.parquet", "nation.parquet", "orders.parquet",
		"part.parquet", "partsupp.parquet", "region.parquet", "supplier.parquet"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("wrote %v, want %v", names, wantNames)
	}

	// The same answer as over the repository's dbgen data.
	r = runEmber(t, "", "sql", "--data", dir, "--format", "csv", "-e",
		"SELECT count(*), sum(l_quantity) FROM lineitem")
	wantSuccess(t, r)
	if !strings.HasSuffix(r.stdout, "\n60175,1536127.00\n") {
		t.Errorf("lineitem count and quantity: %q", r.stdout)
	}
}

// --format csv and --tables.
func TestGenTPCHCSVTables(t *testing.T) {
	dir := t.TempDir()
	r := runEmber(t, "", "gen", "tpch", "--sf", "0.01", "--out", dir, "--format", "CSV", "--tables", "region,nation")
	wantSuccess(t, r)
	if !strings.HasPrefix(r.stdout, "generated 2 tables, 30 rows in 2 files") {
		t.Errorf("summary %q", r.stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "region.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "r_regionkey,r_name,r_comment\n0,AFRICA,") || strings.Count(string(b), "\n") != 6 {
		t.Errorf("region.csv:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "nation.csv")); err != nil {
		t.Error(err)
	}
}

// Bad input is one error line, and exit status 1.
func TestGenTPCHErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "file", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gen", "tpch", "--sf", "0", "--out", dir}, "scale factor 0: must be greater than 0"},
		{[]string{"gen", "tpch", "--sf", "-1", "--out", dir}, "must be greater than 0"},
		{[]string{"gen", "tpch", "--sf", "x", "--out", dir}, `invalid argument "x" for "--sf"`},
		{[]string{"gen", "tpch", "--sf", "0.01", "--out", dir, "--format", "orc"}, `unknown format "orc"`},
		{[]string{"gen", "tpch", "--sf", "0.01", "--out", dir, "--tables", "orders,items"}, `unknown table "items"`},
		{[]string{"gen", "tpch", "--sf", "0.01", "--out", dir, "--parallel", "0"}, "--parallel 0: must be at least 1"},
		{[]string{"gen", "tpch", "--sf", "0.01", "--out", filepath.Join(file, "sub")}, "output directory"},
		{[]string{"gen", "tpch", "--sf", "0.01"}, `required flag(s) "out" not set`},
		{[]string{"gen", "tpcds"}, `unknown generator "tpcds"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			wantFailure(t, runEmber(t, "", tt.args...), tt.want)
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left %d entries in the output directory", len(entries))
	}
}
