package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
)

// placedExecutor is an in-process executor with local directories that
// records where each scan task ran.
type placedExecutor struct {
	*LocalExecutor
	localDirs
	mu     sync.Mutex
	placed map[int]bool // stage-0 partitions run here
}

func (p *placedExecutor) Run(ctx context.Context, q *Query, t Task, emit func(arrow.RecordBatch) error) error {
	if t.Stage == 0 {
		p.mu.Lock()
		p.placed[t.Partition] = true
		p.mu.Unlock()
	}
	return p.LocalExecutor.Run(ctx, q, t, emit)
}

// localityPlan writes two CSV files under each of root/a and root/b and
// plans a grouped sum over all four: one scan task per file.
func localityPlan(t *testing.T, root string) *physical.StagePlan {
	t.Helper()
	for _, dir := range []string{"a", "b"} {
		for i := 0; i < 2; i++ {
			path := filepath.Join(root, dir, fmt.Sprintf("part-%d.csv", i))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			text := "k,v\n"
			for r := 0; r < 50; r++ {
				// Keys past the int32 range make the column BIGINT.
				text += fmt.Sprintf("%d,%d\n", 5_000_000_000+int64(r%10), int64(r)+5_000_000_000)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tbl, err := catalog.OpenFiles(context.Background(), "csv", filepath.Join(root, "*", "*.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	scan := planner.NewScan("t", tbl, nil)
	sum := &planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{col(scan, 1)}, DataType: planner.TypeBigInt}
	agg := planner.NewAggregate(scan, []planner.Expr{col(scan, 0)}, []*planner.AggregateCall{sum}, []string{"k", "s"})
	sp := stagesOf(t, agg)
	if n := sp.Stages[0].Tasks(); n != 4 {
		t.Fatalf("the scan stage has %d tasks, want one per file", n)
	}
	return sp
}

// TestTasksRunWhereTheirFilesAre checks that scan tasks go to the executor
// whose local directories hold their files, waiting for a busy one rather
// than running elsewhere, and that without the wait they spread out.
func TestTasksRunWhereTheirFilesAre(t *testing.T) {
	root := t.TempDir()
	plan := localityPlan(t, root)
	for _, tc := range []struct {
		name string
		wait time.Duration
		// slots of A (which holds every file) and B (which holds none).
		slotsA int
		onlyA  bool
	}{
		{"local executor free", 0, 4, true},
		{"waits for the busy local executor", time.Minute, 1, true},
		{"no wait: runs elsewhere", -1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			a := &placedExecutor{LocalExecutor: NewLocalExecutor("A", tc.slotsA, 0, ""), localDirs: newLocalDirs([]string{root}), placed: map[int]bool{}}
			b := &placedExecutor{LocalExecutor: NewLocalExecutor("B", 4, 0, ""), placed: map[int]bool{}}
			peers := map[string]*LocalExecutor{"A": a.LocalExecutor, "B": b.LocalExecutor}
			a.SetPeers(func(n string) *LocalExecutor { return peers[n] })
			b.SetPeers(func(n string) *LocalExecutor { return peers[n] })
			s := &Scheduler{Executors: func() []Executor { return []Executor{b, a} }, MaxTaskAttempts: 1, MaxStageAttempts: 1, LocalityWait: tc.wait}
			rs := s.Run(context.Background(), &Query{ID: NewQueryID(), Plan: plan, Mem: mem})
			rows, err := drain(t, rs)
			rs.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 10 {
				t.Fatalf("got %d groups, want 10", len(rows))
			}
			if tc.onlyA && (len(a.placed) != 4 || len(b.placed) != 0) {
				t.Errorf("scan tasks on A %v and on B %v; want all on A, which holds the files", a.placed, b.placed)
			}
			if !tc.onlyA && len(b.placed) == 0 {
				t.Errorf("without a locality wait, B (free) ran no scan task; A ran %v", a.placed)
			}
		})
	}
}

// TestLocalDirs checks the directory-prefix matching of --local-dir.
func TestLocalDirs(t *testing.T) {
	l := newLocalDirs([]string{"/data/disk1", "/data/disk2/"})
	for path, want := range map[string]bool{
		"/data/disk1/t/part-0.parquet": true,
		"/data/disk2/x.csv":            true,
		"/data/disk1":                  true,
		"/data/disk10/x.csv":           false,
		"/data/x.csv":                  false,
		"/data/disk1/../disk3/x.csv":   false,
	} {
		if got := l.IsLocal(path); got != want {
			t.Errorf("IsLocal(%q) = %v, want %v", path, got, want)
		}
	}
}
