package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ember-sql/ember/cluster"
	emberpb "github.com/ember-sql/ember/proto"
)

func TestPriorityThenFIFO(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	release := make(chan struct{})
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if job.Spec.Name == "blocker" {
			<-release
		}
		return writeInts(path, 1, r.mem)
	})
	m := openManager(t, dir, r, 1)
	defer m.Close()
	blocker := submit(t, m, sqlSpec("blocker", 0))
	waitState(t, m, blocker.Id, emberpb.JobState_JOB_RUNNING)
	specs := []*emberpb.JobSpec{sqlSpec("low1", 0), sqlSpec("high1", 5), sqlSpec("low2", 0), sqlSpec("high2", 5), sqlSpec("mid", 3), sqlSpec("neg", -1)}
	var ids []string
	for _, s := range specs {
		ids = append(ids, submit(t, m, s).Id)
	}
	close(release)
	for _, id := range ids {
		waitState(t, m, id, emberpb.JobState_JOB_SUCCEEDED)
	}
	want := []string{"blocker", "high1", "high2", "mid", "low1", "low2", "neg"}
	if got := r.startOrder(); !slices.Equal(got, want) {
		t.Errorf("start order %v, want %v", got, want)
	}
}

func TestAtMostMaxRunning(t *testing.T) {
	for _, maxRunning := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(maxRunning), func(t *testing.T) {
			r := newFakeRunner(t)
			r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
				time.Sleep(30 * time.Millisecond)
				return writeInts(path, 1, r.mem)
			})
			m := openManager(t, t.TempDir(), r, maxRunning)
			defer m.Close()
			var ids []string
			for i := range 2*maxRunning + 1 {
				ids = append(ids, submit(t, m, sqlSpec(fmt.Sprint("j", i), 0)).Id)
			}
			for _, id := range ids {
				waitState(t, m, id, emberpb.JobState_JOB_SUCCEEDED)
			}
			if r.maxRunning != maxRunning {
				t.Errorf("%d jobs ran at once, want %d", r.maxRunning, maxRunning)
			}
		})
	}
}

func TestTransientFailureRetriedThenSucceeds(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		// A partial result, then a failure: it must not survive.
		if _, err := writeInts(path, 2, r.mem); err != nil {
			return 0, err
		}
		if job.Attempts < 3 {
			return 0, fmt.Errorf("lost worker %d", job.Attempts)
		}
		return writeInts(path, 7, r.mem)
	})
	m, err := Open(Config{WorkDir: dir, Runner: r, BackoffBase: 20 * time.Millisecond, BackoffMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "flaky", Sql: "SELECT 1", Retries: 3})
	retrying := waitState(t, m, job.Id, emberpb.JobState_JOB_RETRYING)
	if retrying.NextAttemptMs == 0 || retrying.Error != "lost worker 1" {
		t.Errorf("retrying record: next_attempt_ms %d, error %q", retrying.NextAttemptMs, retrying.Error)
	}
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if done.Attempts != 3 || done.ResultRows != 7 || done.Error != "" || done.StartedMs == 0 || done.FinishedMs < done.StartedMs {
		t.Errorf("record %v", done)
	}
	if got := readInts(t, done.ResultPath); !slices.Equal(got, []int64{0, 1, 2, 3, 4, 5, 6}) {
		t.Errorf("result %v", got)
	}
	// Backoff: 20ms doubled per attempt, jitter ±50%.
	times := r.startTimes
	if gap := times[1].Sub(times[0]); gap < 10*time.Millisecond {
		t.Errorf("first retry after %v, want at least 10ms", gap)
	}
	if gap := times[2].Sub(times[1]); gap < 20*time.Millisecond {
		t.Errorf("second retry after %v, want at least 20ms", gap)
	}
	logs := strings.Join(logMessages(t, m, job.Id), "\n")
	for _, want := range []string{"0: queued", "1: attempt 1 started", "1: attempt 1 failed: lost worker 1", "1: retrying in ",
		"2: attempt 2 failed: lost worker 2", "3: attempt 3 started", "3: succeeded: 7 rows in "} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if files := resultFiles(t, dir); !slices.Equal(files, []string{job.Id + ".parquet"}) {
		t.Errorf("results dir holds %v", files)
	}
}

func TestRetriesExhausted(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		return 0, fmt.Errorf("boom %d", job.Attempts)
	})
	m := openManager(t, dir, r, 2)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "doomed", Sql: "SELECT 1", Retries: 2})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_FAILED)
	if done.Attempts != 3 || done.Error != "boom 3" || done.FinishedMs == 0 || done.ResultPath != "" {
		t.Errorf("record %v", done)
	}
	logs := logMessages(t, m, job.Id)
	if last := logs[len(logs)-1]; last != "3: failed: no retries left (3 attempts)" {
		t.Errorf("last log line %q", last)
	}
	if _, err := m.ResultPath(context.Background(), job.Id); !errors.Is(err, ErrResultUnavailable) || !strings.Contains(err.Error(), "boom 3") {
		t.Errorf("ResultPath error %v", err)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		return 0, fmt.Errorf("statement 1: %w", Permanent(errors.New(`column "nope" does not exist`)))
	})
	m := openManager(t, t.TempDir(), r, 2)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "bad", Sql: "SELECT nope", Retries: 5})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_FAILED)
	if done.Attempts != 1 || done.Error != `statement 1: column "nope" does not exist` {
		t.Errorf("record %v", done)
	}
}

func TestRunnerPanicFailsTheJob(t *testing.T) {
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		panic("oops")
	})
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Sql: "SELECT 1", Retries: 3})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_FAILED)
	if done.Attempts != 1 || !strings.Contains(done.Error, "panicked: oops") {
		t.Errorf("record %v", done)
	}
}

func TestTimeoutCancels(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if _, err := writeInts(path, 3, r.mem); err != nil {
			return 0, err
		}
		<-ctx.Done()
		return 0, ctx.Err()
	})
	m := openManager(t, dir, r, 1)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "slow", Sql: "SELECT 1", Retries: 3, TimeoutMs: 50})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_CANCELLED)
	if done.Attempts != 1 || done.Error != "cancelled: ran past its timeout of 50ms" {
		t.Errorf("record %v", done)
	}
	if files := resultFiles(t, dir); len(files) != 0 {
		t.Errorf("a timed out attempt left %v", files)
	}
}

func TestCancelQueuedJob(t *testing.T) {
	r := newFakeRunner(t)
	release := make(chan struct{})
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if job.Spec.Name == "blocker" {
			<-release
		}
		return writeInts(path, 1, r.mem)
	})
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	blocker := submit(t, m, sqlSpec("blocker", 0))
	waitState(t, m, blocker.Id, emberpb.JobState_JOB_RUNNING)
	queued := submit(t, m, sqlSpec("queued", 9))
	after := submit(t, m, sqlSpec("after", 0))
	got, err := m.Cancel(context.Background(), queued.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != emberpb.JobState_JOB_CANCELLED || got.FinishedMs == 0 {
		t.Errorf("Cancel returned %v", got)
	}
	close(release)
	waitState(t, m, after.Id, emberpb.JobState_JOB_SUCCEEDED)
	if order := r.startOrder(); !slices.Equal(order, []string{"blocker", "after"}) {
		t.Errorf("started %v; the cancelled job must not run", order)
	}
	if job := waitState(t, m, queued.Id, emberpb.JobState_JOB_CANCELLED); job.Attempts != 0 {
		t.Errorf("cancelled queued job has %d attempts", job.Attempts)
	}
}

func TestCancelRunningJob(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	stopped := make(chan error, 1)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if _, err := writeInts(path, 3, r.mem); err != nil {
			return 0, err
		}
		<-ctx.Done()
		stopped <- context.Cause(ctx)
		// Claim success: the cancel must win all the same.
		return 3, nil
	})
	m := openManager(t, dir, r, 1)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "long", Sql: "SELECT 1", Retries: 2})
	waitState(t, m, job.Id, emberpb.JobState_JOB_RUNNING)
	waitFor(t, "the partial result", func() bool { return len(resultFiles(t, dir)) == 1 })
	got, err := m.Cancel(context.Background(), job.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != emberpb.JobState_JOB_CANCELLED {
		t.Errorf("Cancel returned %v", got)
	}
	if cause := <-stopped; !errors.Is(cause, errCancelled) {
		t.Errorf("the attempt's context was cancelled with %v", cause)
	}
	waitFor(t, "the partial result to go", func() bool { return len(resultFiles(t, dir)) == 0 })
	waitFor(t, "the slot to free", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return len(m.running) == 0
	})
	final := waitState(t, m, job.Id, emberpb.JobState_JOB_CANCELLED)
	if final.ResultPath != "" || final.Attempts != 1 {
		t.Errorf("record %v", final)
	}
	logs := logMessages(t, m, job.Id)
	if last := logs[len(logs)-1]; last != "1: cancelled during attempt 1" {
		t.Errorf("last log line %q", last)
	}
}

func TestCancelFinishedOrUnknown(t *testing.T) {
	r := newFakeRunner(t)
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	ctx := context.Background()
	job := submit(t, m, sqlSpec("quick", 0))
	waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if _, err := m.Cancel(ctx, job.Id); !errors.Is(err, ErrFinished) {
		t.Errorf("cancel of a finished job: %v, want ErrFinished", err)
	}
	if job := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED); job.ResultPath == "" {
		t.Error("cancel of a finished job changed it")
	}
	for _, id := range []string{"job-999999", "job-0", "bogus", ""} {
		if _, err := m.Cancel(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Cancel(%q): %v, want ErrNotFound", id, err)
		}
		if _, err := m.Get(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): %v, want ErrNotFound", id, err)
		}
		if _, err := m.Logs(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Logs(%q): %v, want ErrNotFound", id, err)
		}
	}
}

func TestLiveProgress(t *testing.T) {
	r := newFakeRunner(t)
	release := make(chan struct{})
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, progress func(cluster.Progress)) (int64, error) {
		progress(cluster.Progress{StagesTotal: 2, TasksDone: 3, TasksTotal: 10, TasksRunning: 2})
		<-release
		progress(cluster.Progress{StagesDone: 2, StagesTotal: 2, TasksDone: 10, TasksTotal: 10})
		return writeInts(path, 1, r.mem)
	})
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	job := submit(t, m, sqlSpec("p", 0))
	waitFor(t, "live progress", func() bool {
		j, err := m.Get(context.Background(), job.Id)
		return err == nil && j.Progress.GetTasksDone() == 3 && j.Progress.GetTasksTotal() == 10
	})
	// The store catches up within about a second.
	waitFor(t, "stored progress", func() bool {
		j, err := m.st.get(job.Id)
		return err == nil && j.Progress.GetTasksDone() == 3
	})
	close(release)
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if done.Progress.GetTasksDone() != 10 || done.Progress.GetStagesDone() != 2 {
		t.Errorf("final progress %v", done.Progress)
	}
}

func TestJobWithoutResult(t *testing.T) {
	dir := t.TempDir()
	r := newFakeRunner(t)
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		return 0, nil
	})
	m := openManager(t, dir, r, 1)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Sql: "CREATE VIEW v AS SELECT 1"})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if done.ResultPath != "" || done.ResultRows != 0 || done.ResultExpiresMs != 0 {
		t.Errorf("record %v", done)
	}
	if _, err := m.ResultPath(context.Background(), job.Id); !errors.Is(err, ErrNoResult) {
		t.Errorf("ResultPath: %v, want ErrNoResult", err)
	}
}

func TestListNewestFirst(t *testing.T) {
	r := newFakeRunner(t)
	release := make(chan struct{})
	r.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if job.Spec.Name == "blocker" {
			<-release
		}
		return writeInts(path, 1, r.mem)
	})
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	defer close(release)
	ctx := context.Background()
	a := submit(t, m, sqlSpec("blocker", 0))
	waitState(t, m, a.Id, emberpb.JobState_JOB_RUNNING)
	b := submit(t, m, sqlSpec("b", 0))
	c := submit(t, m, sqlSpec("c", 0))
	if _, err := m.Cancel(ctx, b.Id); err != nil {
		t.Fatal(err)
	}
	ids := func(jobs []*emberpb.Job) []string {
		var out []string
		for _, j := range jobs {
			out = append(out, j.Id)
		}
		return out
	}
	for _, tc := range []struct {
		states []emberpb.JobState
		limit  int
		want   []string
	}{
		{nil, 0, []string{c.Id, b.Id, a.Id}},
		{nil, 2, []string{c.Id, b.Id}},
		{[]emberpb.JobState{emberpb.JobState_JOB_QUEUED}, 0, []string{c.Id}},
		{[]emberpb.JobState{emberpb.JobState_JOB_RUNNING, emberpb.JobState_JOB_CANCELLED}, 0, []string{b.Id, a.Id}},
		{[]emberpb.JobState{emberpb.JobState_JOB_FAILED}, 0, nil},
	} {
		got, err := m.List(ctx, tc.states, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("List(%v, %d) = %v, want %v", tc.states, tc.limit, ids(got), tc.want)
		}
	}
	if a.Id != "job-000001" || b.Id != "job-000002" || b.Seq != 2 {
		t.Errorf("ids %s %s (seq %d)", a.Id, b.Id, b.Seq)
	}
}

func TestSubmitValidates(t *testing.T) {
	m := openManager(t, t.TempDir(), newFakeRunner(t), 1)
	defer m.Close()
	for _, tc := range []struct {
		name string
		spec *emberpb.JobSpec
	}{
		{"nil", nil},
		{"no work", &emberpb.JobSpec{}},
		{"both", &emberpb.JobSpec{Sql: "SELECT 1", Plan: []byte{1}}},
		{"empty script", &emberpb.JobSpec{Sql: " ; -- nothing\n;"}},
		{"unterminated", &emberpb.JobSpec{Sql: "SELECT 'abc"}},
		{"negative retries", &emberpb.JobSpec{Sql: "SELECT 1", Retries: -1}},
		{"negative timeout", &emberpb.JobSpec{Sql: "SELECT 1", TimeoutMs: -5}},
		{"negative batch size", &emberpb.JobSpec{Plan: []byte{1}, BatchSize: -1}},
		{"bad failAttempts", &emberpb.JobSpec{Sql: "SELECT 1", Conf: map[string]string{"ember.job.failAttempts": "x"}}},
		{"unknown job key", &emberpb.JobSpec{Sql: "SELECT 1", Conf: map[string]string{"ember.job.nope": "1"}}},
		{"table without path", &emberpb.JobSpec{Sql: "SELECT 1", Tables: map[string]string{"t": ""}}},
	} {
		if _, err := m.Submit(context.Background(), tc.spec); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: %v, want ErrInvalidSpec", tc.name, err)
		}
	}
	if jobs, _ := m.List(context.Background(), nil, 0); len(jobs) != 0 {
		t.Errorf("invalid specs were stored: %v", jobs)
	}
}

func TestFaultInjection(t *testing.T) {
	r := newFakeRunner(t)
	m := openManager(t, t.TempDir(), r, 1)
	defer m.Close()
	job := submit(t, m, &emberpb.JobSpec{Name: "inj", Sql: "SELECT 1", Retries: 2, Conf: map[string]string{"ember.job.failAttempts": "2"}})
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if done.Attempts != 3 {
		t.Errorf("%d attempts, want 3", done.Attempts)
	}
	if got := r.startOrder(); len(got) != 1 {
		t.Errorf("the runner ran %d times, want once (the injected failures come first)", len(got))
	}
	logs := strings.Join(logMessages(t, m, job.Id), "\n")
	if !strings.Contains(logs, "1: attempt 1 failed: injected failure (ember.job.failAttempts)") {
		t.Errorf("logs:\n%s", logs)
	}
}

func TestRestartRecoversJobsAndKeepsResults(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	r1 := newFakeRunner(t)
	started := make(chan struct{}, 1)
	r1.setBehave(func(ctx context.Context, job *emberpb.Job, path string, _ func(cluster.Progress)) (int64, error) {
		if job.Spec.Name == "done-before" {
			return writeInts(path, 4, r1.mem)
		}
		if _, err := writeInts(path, 2, r1.mem); err != nil {
			return 0, err
		}
		started <- struct{}{}
		<-ctx.Done()
		return 0, context.Cause(ctx)
	})
	m1 := openManager(t, dir, r1, 1)
	early := submit(t, m1, sqlSpec("done-before", 0))
	earlyDone := waitState(t, m1, early.Id, emberpb.JobState_JOB_SUCCEEDED)
	running := submit(t, m1, &emberpb.JobSpec{Name: "running", Sql: "SELECT 1", Retries: 0})
	<-started
	queued := submit(t, m1, sqlSpec("queued", 0))
	if err := m1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m1.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := m1.Submit(ctx, sqlSpec("late", 0)); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Close: %v", err)
	}
	// A stray temporary file, as a crash would leave.
	stray := filepath.Join(dir, "results", "job-000777.attempt-1.parquet.tmp")
	if err := os.WriteFile(stray, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The store says what Close left: the running job still RUNNING.
	st, err := openStore(filepath.Join(dir, "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	if j, _ := st.get(running.Id); j.State != emberpb.JobState_JOB_RUNNING || j.Attempts != 1 {
		t.Errorf("after Close the running job is %v", j)
	}
	st.close()

	r2 := newFakeRunner(t)
	m2 := openManager(t, dir, r2, 1)
	defer m2.Close()
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("the stray temporary file is still there: %v", err)
	}
	ran := waitState(t, m2, running.Id, emberpb.JobState_JOB_SUCCEEDED)
	waitState(t, m2, queued.Id, emberpb.JobState_JOB_SUCCEEDED)
	if ran.Attempts != 1 {
		t.Errorf("the interrupted job has %d attempts, want 1 (the lost one does not count)", ran.Attempts)
	}
	if order := r2.startOrder(); !slices.Equal(order, []string{"running", "queued"}) {
		t.Errorf("after the restart %v ran, want [running queued]", order)
	}
	logs := strings.Join(logMessages(t, m2, running.Id), "\n")
	if !strings.Contains(logs, "1: the master restarted during attempt 1; running it again") {
		t.Errorf("logs:\n%s", logs)
	}
	again, err := m2.Get(ctx, early.Id)
	if err != nil {
		t.Fatal(err)
	}
	if again.State != emberpb.JobState_JOB_SUCCEEDED || again.ResultPath != earlyDone.ResultPath || again.ResultRows != 4 {
		t.Errorf("the earlier job's record is now %v", again)
	}
	path, err := m2.ResultPath(ctx, early.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := readInts(t, path); !slices.Equal(got, []int64{0, 1, 2, 3}) {
		t.Errorf("the earlier result reads %v", got)
	}
	// A new job gets the next id.
	if next := submit(t, m2, sqlSpec("next", 0)); next.Id != "job-000004" {
		t.Errorf("next id %s", next.Id)
	}
}

func TestExpiredResultsDeleted(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	r := newFakeRunner(t)
	m, err := Open(Config{WorkDir: dir, Runner: r, Retention: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	job := submit(t, m, sqlSpec("short-lived", 0))
	done := waitState(t, m, job.Id, emberpb.JobState_JOB_SUCCEEDED)
	if done.ResultExpiresMs-done.FinishedMs != 150 {
		t.Errorf("expires %d ms after it finished, want 150", done.ResultExpiresMs-done.FinishedMs)
	}
	if _, err := m.ResultPath(ctx, job.Id); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	// Past its time the result is refused even before the sweep.
	if _, err := m.ResultPath(ctx, job.Id); !errors.Is(err, ErrResultUnavailable) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("ResultPath of an expired result: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := openManager(t, dir, r, 1)
	defer m2.Close()
	if _, err := os.Stat(done.ResultPath); !os.IsNotExist(err) {
		t.Errorf("the expired result file is still there: %v", err)
	}
	rec, err := m2.Get(ctx, job.Id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != emberpb.JobState_JOB_SUCCEEDED || rec.ResultPath != "" || rec.ResultRows != 5 {
		t.Errorf("record after expiry %v", rec)
	}
	logs := logMessages(t, m2, job.Id)
	if last := logs[len(logs)-1]; last != "1: result expired" {
		t.Errorf("last log line %q", last)
	}
	if _, err := m2.ResultPath(ctx, job.Id); !errors.Is(err, ErrResultUnavailable) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("ResultPath after expiry: %v", err)
	}
}
