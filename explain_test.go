package ember

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden EXPLAIN files in testdata/explain")

// TestExplainGolden pins the EXPLAIN output of the queries in
// testdata/explain/*.sql to the .golden file beside each, with two cores
// and two shuffle partitions so that the plan does not depend on the
// machine. Run with -update to rewrite the files after an intended change,
// and read the diff.
func TestExplainGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/explain/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no EXPLAIN queries found: %v", err)
	}
	ctx := context.Background()
	s, err := NewSession(ctx, WithConfig("ember.cores", "2"), WithConfig("ember.sql.shuffle.partitions", "2"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
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
			golden := strings.TrimSuffix(f, ".sql") + ".golden"
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
