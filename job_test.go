package ember_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/jobs"
)

// startJobMaster starts an in-process master with a job queue (what ember
// master runs) and returns its address; it stops when the test ends.
// executors is the master's own task slots (0: none, so that jobs wait).
func startJobMaster(t testing.TB, executors int) string {
	t.Helper()
	addr, stop, err := startMasterWithJobs(t.TempDir(), executors)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}

// startMasterWithJobs starts a master with local executors and a job
// queue keeping its files in dir.
func startMasterWithJobs(dir string, executors int) (addr string, stop func(), err error) {
	node, err := cluster.StartMaster(cluster.MasterNodeConfig{
		Host: "127.0.0.1", UIPort: -1, WorkDir: dir, LocalExecutors: executors, NoExecutorTimeout: 10 * time.Minute,
		Services: func(srv *grpc.Server, rpcAddr string) (func(), error) {
			m, err := jobs.Open(jobs.Config{WorkDir: filepath.Join(dir, "jobs"), MaxRunning: 2,
				Runner: &jobs.SessionRunner{Master: rpcAddr}, BackoffBase: 10 * time.Millisecond})
			if err != nil {
				return nil, err
			}
			jobs.NewService(m).Register(srv)
			return func() { m.Close() }, nil
		},
	})
	if err != nil {
		return "", nil, err
	}
	return node.RPCAddr, node.Stop, nil
}

// rowsText renders batches as lines of values, to compare results.
func rowsText(t *testing.T, batches []arrow.RecordBatch) string {
	t.Helper()
	var sb strings.Builder
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			for c := 0; c < int(b.NumCols()); c++ {
				if c > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(b.Column(c).ValueStr(r))
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// readResult drains and closes res.
func readResult(t *testing.T, ctx context.Context, res *ember.Result) (string, *arrow.Schema) {
	t.Helper()
	defer res.Close()
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, b)
	}
	return rowsText(t, batches), res.Schema()
}

// TestDataFrameSubmit submits a DataFrame as a job: Wait and Result give
// what Collect gives, and a Job made again from the id sees the record.
func TestDataFrameSubmit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	addr := startJobMaster(t, 2)
	var heard []ember.Progress
	s, err := ember.NewSession(ctx, ember.WithMaster(addr), ember.WithAllocator(mem), ember.WithAppName("tests"),
		ember.WithProgress(func(p ember.Progress) { heard = append(heard, p) }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	people := s.CreateDataFrame([][]any{{"Alice", 1}, {"Bob", 2}, {"Carol", 3}, {"Alice", 4}}, "name", "n")
	df := people.GroupBy("name").Agg(ember.Sum("n").Alias("total"), ember.Count("*").Alias("rows")).OrderBy("name")
	batches, err := df.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := rowsText(t, batches)
	for _, b := range batches {
		b.Release()
	}
	if want != "Alice,5,2\nBob,2,1\nCarol,3,1\n" {
		t.Fatalf("Collect gave:\n%s", want)
	}

	job, err := df.Submit(ctx, ember.JobName("people"), ember.JobPriority(3), ember.JobRetries(1))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(job.ID(), "job-") {
		t.Errorf("id %q", job.ID())
	}
	res, err := job.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, schema := readResult(t, ctx, res)
	if got != want || !schema.Equal(df.Schema()) {
		t.Errorf("Wait gave\n%s(schema %v), Collect\n%s(schema %v)", got, schema, want, df.Schema())
	}
	if len(heard) == 0 || heard[len(heard)-1].StagesDone != heard[len(heard)-1].StagesTotal {
		t.Errorf("WithProgress heard %v", heard)
	}

	// Later, from the id alone.
	again := s.Job(job.ID())
	st, err := again.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ID != job.ID() || st.Name != "people" || st.State != ember.JobSucceeded || !st.State.Done() ||
		st.Priority != 3 || st.Retries != 1 || st.Attempts != 1 || st.ResultRows != 3 || st.Error != "" {
		t.Errorf("status %+v", st)
	}
	if st.Submitted.IsZero() || st.Started.Before(st.Submitted) || st.Finished.Before(st.Started) ||
		!st.ResultExpires.After(st.Finished) || !strings.Contains(st.Submitter, "@") {
		t.Errorf("times or submitter of %+v", st)
	}
	res, err = again.Result(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := readResult(t, ctx, res); got != want {
		t.Errorf("Result gave\n%s", got)
	}
	if err := again.Cancel(ctx); err == nil || !strings.Contains(err.Error(), job.ID()) {
		t.Errorf("cancelling a finished job: %v", err)
	}
	// A result closed before it is read frees what it holds.
	res, err = again.Result(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
}

// TestSubmitSQL runs SQL scripts as jobs: the last statement that returns
// rows is the result, an empty result keeps its columns, and a mistake
// fails the job at once with a JobError.
func TestSubmitSQL(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	addr := startJobMaster(t, 2)
	s, err := ember.NewSession(ctx, ember.WithMaster(addr), ember.WithAllocator(mem),
		ember.WithConfig("ember.sql.shuffle.partitions", "3"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	nation, err := filepath.Abs(filepath.Join("testdata", "tpch", "sf0.01", "nation.parquet"))
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, script string
		opts         []ember.JobOption
		want         string
		columns      int
	}{
		{"two statements", "SELECT 1 AS a; SELECT 40 + 2 AS answer", nil, "42\n", 1},
		{"a table", "SELECT count(*) AS n FROM nation WHERE n_regionkey = 1", []ember.JobOption{ember.JobTable("nation", nation)}, "5\n", 1},
		{"no rows", "SELECT n_name, n_nationkey FROM nation WHERE n_nationkey < 0", []ember.JobOption{ember.JobTable("nation", nation)}, "", 2},
		{"no query", "CREATE VIEW v AS SELECT 1 AS x", nil, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			job, err := s.SubmitSQL(ctx, tc.script, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := job.Wait(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, schema := readResult(t, ctx, res)
			if got != tc.want || schema.NumFields() != tc.columns {
				t.Errorf("got %q with %d columns, want %q with %d", got, schema.NumFields(), tc.want, tc.columns)
			}
		})
	}

	job, err := s.SubmitSQL(ctx, "SELECT nosuch FROM (SELECT 1 AS x) t", ember.JobName("bad"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = job.Wait(ctx)
	var je *ember.JobError
	if !errors.As(err, &je) || je.ID != job.ID() || je.State != ember.JobFailed || !strings.Contains(je.Message, "nosuch") ||
		err.Error() != fmt.Sprintf("job %s failed: %s", job.ID(), je.Message) {
		t.Fatalf("Wait of bad SQL: %v", err)
	}
	if st, err := job.Status(ctx); err != nil || st.Attempts != 1 || st.State != ember.JobFailed {
		t.Errorf("status of bad SQL: %+v, %v", st, err)
	}
	if _, err := job.Result(ctx); err == nil || !strings.Contains(err.Error(), job.ID()) {
		t.Errorf("Result of a failed job: %v", err)
	}
	if _, err := s.SubmitSQL(ctx, "SELECT 'abc"); err == nil || !strings.Contains(err.Error(), "unterminated") {
		t.Errorf("an unterminated quote: %v", err)
	}
	if _, err := s.SubmitSQL(ctx, " -- nothing\n"); err == nil || !strings.Contains(err.Error(), "no statement") {
		t.Errorf("an empty script: %v", err)
	}
	if _, err := s.Job("job-999999").Status(ctx); err == nil || err.Error() != "no job job-999999 on master "+addr {
		t.Errorf("an unknown id: %v", err)
	}
}

// TestJobCancel: a job waiting for executors is cancelled; Wait then
// reports it, and a job queued behind it too.
func TestJobCancel(t *testing.T) {
	ctx := context.Background()
	addr := startJobMaster(t, 0)
	s, err := ember.NewSession(ctx, ember.WithMaster(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	df := s.Range(0, 1000, 1, 2).Agg(ember.Sum("id"))
	var running []*ember.Job
	for i := 0; i < 3; i++ { // two run (and wait for executors), one waits for a slot
		job, err := df.Submit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		running = append(running, job)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := running[0].Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == ember.JobRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first job is %s", st.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, err := running[2].Status(ctx); err != nil || st.State != ember.JobQueued {
		t.Fatalf("the third job: %+v, %v", st, err)
	}
	for _, job := range running {
		if err := job.Cancel(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := job.Wait(ctx)
		var je *ember.JobError
		if !errors.As(err, &je) || je.State != ember.JobCancelled || !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("Wait of a cancelled job: %v", err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	job, err := df.Submit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(wctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past its context: %v", err)
	}
	if err := job.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestLocalSessionHasNoJobs: jobs need a cluster.
func TestLocalSessionHasNoJobs(t *testing.T) {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Range(0, 10, 1, 1).Submit(ctx); err == nil || !strings.Contains(err.Error(), "WithMaster") {
		t.Errorf("Submit on a local session: %v", err)
	}
	if _, err := s.SubmitSQL(ctx, "SELECT 1"); err == nil || !strings.Contains(err.Error(), "WithMaster") {
		t.Errorf("SubmitSQL on a local session: %v", err)
	}
	if _, err := s.Job("job-000001").Status(ctx); err == nil || !strings.Contains(err.Error(), "WithMaster") {
		t.Errorf("Status on a local session: %v", err)
	}
	bad := s.Table("nosuch")
	if _, err := bad.Submit(ctx); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("Submit of a DataFrame with an error: %v", err)
	}
}
