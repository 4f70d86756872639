package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// benchArgs are the arguments of `ember bench tpch` over the repository's
// SF 0.01 data, then extra.
func benchArgs(extra ...string) []string {
	return append([]string{"bench", "tpch", "--data", filepath.Join(tpchDir, "sf0.01")}, extra...)
}

func TestBenchTPCH(t *testing.T) {
	jsonPath := filepath.Join(t.TempDir(), "bench.json")
	r := runEmber(t, "", benchArgs("--queries", "1,6", "--runs", "2", "--warmup", "0",
		"--answers", filepath.Join(tpchDir, "answers", "sf0.01"), "--json", jsonPath, "--conf", "ember.cores=2")...)
	wantSuccess(t, r)

	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("want a header, 2 queries, a total and a memory line; got\n%s", r.stdout)
	}
	if !regexp.MustCompile(`^query +rows +min ms +median ms +answer$`).MatchString(lines[0]) {
		t.Errorf("header %q", lines[0])
	}
	for i, want := range []string{`^q01 +4 +\d+\.\d +\d+\.\d +ok$`, `^q06 +1 +\d+\.\d +\d+\.\d +ok$`, `^total +\d+\.\d$`} {
		if !regexp.MustCompile(want).MatchString(lines[i+1]) {
			t.Errorf("line %d %q does not match %s", i+2, lines[i+1], want)
		}
	}
	// Aligned: every median ends in the same column.
	end := len(lines[1]) - len("  ok")
	for _, l := range lines[2:4] {
		if strings.HasPrefix(l, "total") {
			if len(l) != end {
				t.Errorf("total's median ends at %d, the queries' at %d:\n%s", len(l), end, r.stdout)
			}
		} else if len(l)-len("  ok") != end {
			t.Errorf("columns not aligned:\n%s", r.stdout)
		}
	}
	if !regexp.MustCompile(`^2 timed runs after 0 warm-up; \d+ cores, GOMAXPROCS \d+, go.*; peak resident memory \d+\.\d MiB$`).MatchString(lines[4]) {
		t.Errorf("last line %q", lines[4])
	}

	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep benchReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("%v in\n%s", err, data)
	}
	if rep.Runs != 2 || rep.Warmup != 0 || len(rep.Conf) != 1 || rep.Conf[0] != "ember.cores=2" {
		t.Errorf("run facts: %+v", rep)
	}
	if rep.Machine.Cores < 1 || rep.Machine.GOMAXPROCS < 1 || !strings.HasPrefix(rep.Machine.GoVersion, "go") {
		t.Errorf("machine: %+v", rep.Machine)
	}
	if rep.PeakRSSBytes < 1<<20 {
		t.Errorf("peak RSS %d", rep.PeakRSSBytes)
	}
	if len(rep.Queries) != 2 {
		t.Fatalf("queries: %+v", rep.Queries)
	}
	sum := 0.0
	for i, want := range []struct {
		name string
		rows int64
	}{{"q01", 4}, {"q06", 1}} {
		q := rep.Queries[i]
		if q.Name != want.name || q.Query != []int{1, 6}[i] || q.Rows != want.rows || q.Match == nil || !*q.Match || q.Error != "" {
			t.Errorf("query %d: %+v", i, q)
		}
		if len(q.TimesMS) != 2 || q.MinMS <= 0 || q.MinMS > q.MedianMS || q.MinMS != math.Min(q.TimesMS[0], q.TimesMS[1]) {
			t.Errorf("%s times: %+v", q.Name, q)
		}
		sum += q.MedianMS
	}
	if math.Abs(rep.TotalMedianMS-sum) > 1e-9 {
		t.Errorf("total %v, sum of medians %v", rep.TotalMedianMS, sum)
	}
	// JSON field names, as other tools read them.
	for _, key := range []string{`"total_median_ms"`, `"peak_rss_bytes"`, `"median_ms"`, `"min_ms"`, `"gomaxprocs"`, `"go_version"`, `"match": true`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JSON lacks %s:\n%s", key, data)
		}
	}
}

func TestBenchTPCHWithoutAnswers(t *testing.T) {
	r := runEmber(t, "", benchArgs("--queries", "6", "--runs", "1")...)
	wantSuccess(t, r)
	lines := strings.Split(r.stdout, "\n")
	if !regexp.MustCompile(`^query +rows +min ms +median ms$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`^q06 +1 +\d+\.\d +\d+\.\d$`).MatchString(lines[1]) {
		t.Errorf("table:\n%s", r.stdout)
	}
}

func TestBenchTPCHWrongAnswer(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(tpchDir, "answers", "sf0.01", "q01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "q01.csv"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "q06.csv"), []byte("revenue\n1193063.2253\n"), 0o644)
	jsonPath := filepath.Join(t.TempDir(), "bench.json")
	r := runEmber(t, "", benchArgs("--queries", "1,6", "--runs", "1", "--answers", dir, "--json", jsonPath)...)
	wantFailure(t, r, "q06 differs from its answer", "row 1 column 1 (revenue)", `got "1193053.2253"`, `want "1193063.2253"`)
	if !regexp.MustCompile(`(?m)^q01 .* ok$`).MatchString(r.stdout) || !regexp.MustCompile(`(?m)^q06 .* DIFFERS$`).MatchString(r.stdout) {
		t.Errorf("table:\n%s", r.stdout)
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep benchReport
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Queries) != 2 || rep.Queries[1].Match == nil || *rep.Queries[1].Match || !strings.Contains(rep.Queries[1].Mismatch, "revenue") {
		t.Errorf("JSON queries: %+v", rep.Queries)
	}
}

func TestBenchTPCHBadInput(t *testing.T) {
	answers := filepath.Join(tpchDir, "answers", "sf0.01")
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"no data", []string{"bench", "tpch"}, []string{"--data DIR is required"}},
		{"missing data", []string{"bench", "tpch", "--data", filepath.Join(t.TempDir(), "none")}, []string{"--data", "no such file"}},
		{"data is a file", []string{"bench", "tpch", "--data", filepath.Join(answers, "q01.csv")}, []string{"is not a directory"}},
		{"query 23", benchArgs("--queries", "1,23"), []string{"--queries", "no TPC-H query 23"}},
		{"query 0", benchArgs("--queries", "0"), []string{"no TPC-H query 0"}},
		{"not a number", benchArgs("--queries", "1,x"), []string{`"x" is not a query number`}},
		{"runs 0", benchArgs("--runs", "0"), []string{"--runs 0", "at least 1"}},
		{"negative warm-up", benchArgs("--warmup", "-1"), []string{"--warmup -1"}},
		{"master", benchArgs("--master", "127.0.0.1:1"), []string{"cannot reach master 127.0.0.1:1"}},
		{"no answer file", benchArgs("--queries", "1", "--answers", t.TempDir()), []string{"--answers", "q01.csv"}},
		{"bad conf", benchArgs("--conf", "ember.nope=1"), []string{`unknown configuration key "ember.nope"`}},
		{"bad conf value", benchArgs("--queries", "6", "--conf", "ember.cores=0"), []string{"ember.cores", "not a positive integer"}},
		{"argument", benchArgs("extra"), []string{"extra"}},
		{"unknown benchmark", []string{"bench", "tpcds"}, []string{`unknown benchmark "tpcds"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runEmber(t, "", tt.args...)
			wantFailure(t, r, tt.wants...)
			if r.stdout != "" {
				t.Errorf("printed on stdout:\n%s", r.stdout)
			}
		})
	}
}

func TestBenchTPCHMissingTable(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tpchDir, "sf0.01", "region.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "region.parquet"), data, 0o644)
	r := runEmber(t, "", "bench", "tpch", "--data", dir, "--queries", "6", "--runs", "1")
	wantFailure(t, r, "q06 failed", "lineitem")
	if !regexp.MustCompile(`(?m)^q06 +failed$`).MatchString(r.stdout) {
		t.Errorf("table:\n%s", r.stdout)
	}
}
