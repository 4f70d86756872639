package ember

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ember-sql/ember/tpch"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden EXPLAIN files in testdata/explain")

// goldenTPCH are the TPC-H queries whose plans are pinned, read from
// package tpch (testdata/explain/tpch_qNN.golden).
var goldenTPCH = []int{3, 5}

// TestExplainGolden pins the EXPLAIN output of the queries in
// testdata/explain/*.sql, and of the TPC-H queries of goldenTPCH, to the
// .golden file beside each, with two cores and two shuffle partitions so
// that the plan does not depend on the machine. Run with -update to rewrite
// the files after an intended change, and read the diff.
func TestExplainGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/explain/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no EXPLAIN queries found: %v", err)
	}
	queries := map[string]func() ([]byte, error){}
	for _, f := range files {
		queries[strings.TrimSuffix(filepath.Base(f), ".sql")] = func() ([]byte, error) { return os.ReadFile(f) }
	}
	for _, n := range goldenTPCH {
		queries["tpch_"+tpch.QueryName(n)] = func() ([]byte, error) {
			q, err := tpch.Query(n)
			return []byte(q), err
		}
	}
	ctx := context.Background()
	s, err := NewSession(ctx, WithConfig("ember.cores", "2"), WithConfig("ember.sql.shuffle.partitions", "2"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	for name, read := range queries {
		t.Run(name, func(t *testing.T) {
			text, err := read()
			if err != nil {
				t.Fatal(err)
			}
			rows, err := queryStrings(ctx, s, "EXPLAIN "+string(text))
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, r := range rows[1:] {
				lines = append(lines, r[0])
			}
			got := strings.Join(lines, "\n") + "\n"
			golden := filepath.Join("testdata/explain", name+".golden")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("EXPLAIN output changed; run with -update if intended.\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
