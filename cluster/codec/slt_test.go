package codec_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"

	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner/optimize"
	"github.com/ember-sql/ember/planner/physical"
	"github.com/ember-sql/ember/sql"
	"github.com/ember-sql/ember/tpch"
)

// sltQueries returns the text of every `query` block of the .slt files.
func sltQueries(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../testdata/slt/*.slt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no .slt files: %v", err)
	}
	var out []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		var cur []string
		in := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "query "):
				in, cur = true, nil
			case in && (line == "----" || strings.TrimSpace(line) == ""):
				out = append(out, strings.Join(cur, "\n"))
				in = false
			case in:
				cur = append(cur, line)
			}
		}
		if in && len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
		}
		fh.Close()
	}
	return out
}

// TestSLTQueriesRoundTrip round-trips the plan of every .slt query that
// binds against the TPC-H tables alone (those needing tables that the
// files create are skipped), and runs both plans: same rows, or the same
// error.
func TestSLTQueriesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about a thousand queries twice")
	}
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	cat := tpchCatalog(t, mem)
	ctx := context.Background()
	sent, skipped := 0, 0
	for _, text := range sltQueries(t) {
		st, err := sql.Bind(ctx, cat, sql.Source{Text: text, Line: 1, Col: 1}, sql.BindOptions{})
		q, ok := st.(*sql.Query)
		if err != nil || !ok {
			skipped++
			continue
		}
		opt, err := optimize.Optimize(&optimize.Context{TargetPartitions: 4, Fold: eval.EvalConstant}, q.Plan, optimize.DefaultRules())
		if err != nil {
			skipped++
			continue
		}
		phys, err := physical.Plan(ctx, opt, physical.Config{
			ShufflePartitions: 4, MaxScanPartitions: 4, BroadcastRows: 1000, PartialSchema: exec.PartialSchema,
		})
		if err != nil {
			skipped++
			continue
		}
		sp := physical.SplitStages(phys)
		got, _ := roundTripPlan(t, sp)
		want, wantErr := tryRunPlan(sp, mem)
		rows, gotErr := tryRunPlan(got, mem)
		switch {
		case wantErr != nil || gotErr != nil:
			if wantErr == nil || gotErr == nil || wantErr.Error() != gotErr.Error() {
				t.Errorf("%s\nerror %v, want %v", text, gotErr, wantErr)
			}
		default:
			if err := tpch.CompareUnordered(rows, want); err != nil {
				t.Errorf("%s\n%v", text, err)
			}
		}
		sent++
	}
	t.Logf("%d queries sent, %d skipped", sent, skipped)
	if sent < 500 {
		t.Fatalf("only %d .slt queries could be planned", sent)
	}
}

// tryRunPlan runs a stage plan locally and returns its rows as text.
func tryRunPlan(sp *physical.StagePlan, mem memory.Allocator) (tpch.Table, error) {
	s := &cluster.LocalScheduler{Slots: 2, BatchSize: 1024}
	rs := s.Run(context.Background(), sp, mem, nil)
	defer rs.Close()
	return tpch.ReadTable(context.Background(), rs)
}
