package jobs

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ember-sql/ember/cluster"
	emberpb "github.com/ember-sql/ember/proto"
)

// fakeRunner runs jobs by their name: it records the order they start in
// and how many run at once, and behaves as behave says (by default it
// writes a result of 5 rows).
type fakeRunner struct {
	mem *memory.CheckedAllocator

	mu         sync.Mutex
	starts     []string    // job names, in the order their attempts started
	startTimes []time.Time // parallel to starts
	running    int
	maxRunning int
	behave     func(ctx context.Context, job *emberpb.Job, path string, progress func(cluster.Progress)) (int64, error)
}

func newFakeRunner(t *testing.T) *fakeRunner {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return &fakeRunner{mem: mem}
}

func (f *fakeRunner) Run(ctx context.Context, job *emberpb.Job, path string, progress func(cluster.Progress)) (int64, error) {
	f.mu.Lock()
	f.starts = append(f.starts, job.Spec.Name)
	f.startTimes = append(f.startTimes, time.Now())
	f.running++
	f.maxRunning = max(f.maxRunning, f.running)
	behave := f.behave
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()
	if behave == nil {
		return writeInts(path, 5, f.mem)
	}
	return behave(ctx, job, path, progress)
}

func (f *fakeRunner) setBehave(b func(ctx context.Context, job *emberpb.Job, path string, progress func(cluster.Progress)) (int64, error)) {
	f.mu.Lock()
	f.behave = b
	f.mu.Unlock()
}

func (f *fakeRunner) startOrder() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.starts)
}

// writeInts writes a result of n rows, one int64 column "x" = 0..n-1.
func writeInts(path string, n int, mem memory.Allocator) (int64, error) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for i := range n {
		b.Append(int64(i))
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(n))
	defer rec.Release()
	done := false
	return writeResult(context.Background(), path, schema, func(context.Context) (arrow.RecordBatch, error) {
		if done {
			return nil, io.EOF
		}
		done = true
		rec.Retain()
		return rec, nil
	}, mem)
}

// readInts reads back the column "x" of a result file.
func readInts(t *testing.T, path string) []int64 {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, mem)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	var out []int64
	for _, c := range tbl.Column(0).Data().Chunks() {
		out = append(out, c.(*array.Int64).Int64Values()...)
	}
	return out
}

// openManager opens a Manager over dir with runner r and test-sized
// delays.
func openManager(t *testing.T, dir string, r Runner, maxRunning int) *Manager {
	t.Helper()
	m, err := Open(Config{WorkDir: dir, MaxRunning: maxRunning, Runner: r, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sqlSpec is a job spec named name running a trivial script.
func sqlSpec(name string, priority int32) *emberpb.JobSpec {
	return &emberpb.JobSpec{Name: name, Sql: "SELECT 1", Priority: priority}
}

func submit(t *testing.T, m *Manager, spec *emberpb.JobSpec) *emberpb.Job {
	t.Helper()
	job, err := m.Submit(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// waitState waits until job id is in state want and returns its record.
func waitState(t *testing.T, m *Manager, id string, want emberpb.JobState) *emberpb.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		job, err := m.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State == want {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s is %s (error %q), want %s", id, StateName(job.State), job.Error, StateName(want))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitFor waits until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// resultFiles lists the files in dir/results.
func resultFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "results"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// logMessages are job id's log messages.
func logMessages(t *testing.T, m *Manager, id string) []string {
	t.Helper()
	lines, err := m.Logs(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = fmt.Sprintf("%d: %s", l.Attempt, l.Message)
	}
	return out
}
