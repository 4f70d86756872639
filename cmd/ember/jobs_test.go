package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// salesCSV is the small table the job tests query: sums by region are
// east 4, north 4, west 2.
const salesCSV = "region,v\neast,1\nwest,2\neast,3\nnorth,4\n"

// salesByRegion is the query over it and its answer in CSV.
const (
	salesByRegion       = "SELECT region, sum(v) AS total FROM sales GROUP BY region ORDER BY region;\n"
	salesByRegionAnswer = "region,total\neast,4\nnorth,4\nwest,2\n"
)

// salesDir writes sales.csv into a new directory and returns it.
func salesDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sales.csv"), []byte(salesCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startJobMaster starts a master whose files live in workDir, on free
// ports and without a status page, and returns it with its RPC address.
func startJobMaster(t *testing.T, workDir string, extra ...string) (*process, string) {
	t.Helper()
	args := append([]string{"master", "--port", "0", "--gossip-port", "0", "--ui-port", "-1", "--work-dir", workDir}, extra...)
	p, m := startProcess(t, masterReady, args...)
	return p, m[1]
}

// stopProcess sends sig and waits for the process to exit.
func stopProcess(t *testing.T, p *process, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		p.cmd.Process.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the process did not stop on %v", sig)
	}
}

// submitJob runs ember submit and returns the job id it prints first.
func submitJob(t *testing.T, rpc string, args ...string) string {
	t.Helper()
	r := runEmber(t, "", append([]string{"submit", "--master", rpc}, args...)...)
	if r.code != 0 {
		t.Fatalf("submit %v: exit %d, stderr:\n%s", args, r.code, r.stderr)
	}
	id, _, _ := strings.Cut(r.stdout, "\n")
	if !strings.HasPrefix(id, "job-") {
		t.Fatalf("submit printed %q, want a job id on the first line", r.stdout)
	}
	return id
}

// jobStatus is `ember jobs status ID --format json`, decoded.
func jobStatus(t *testing.T, rpc, id string) map[string]any {
	t.Helper()
	r := runEmber(t, "", "jobs", "status", id, "--master", rpc, "--format", "json")
	wantSuccess(t, r)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("status of %s: %v in\n%s", id, err, r.stdout)
	}
	return rows[0]
}

// waitForState polls the job until it is in state, and returns its
// status; a job that ends in another state fails the test.
func waitForState(t *testing.T, rpc, id, state string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		st := jobStatus(t, rpc, id)
		got := st["state"]
		if got == state {
			return st
		}
		if got == "SUCCEEDED" || got == "FAILED" || got == "CANCELLED" || time.Now().After(deadline) {
			t.Fatalf("job %s is %v, want %s: %v", id, got, state, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jobResultCSV is `ember jobs result ID --format csv`.
func jobResultCSV(t *testing.T, rpc, id string) string {
	t.Helper()
	r := runEmber(t, "", "jobs", "result", id, "--master", rpc, "--format", "csv")
	wantSuccess(t, r)
	return r.stdout
}

// startedAt is a status's start time.
func startedAt(t *testing.T, st map[string]any) time.Time {
	t.Helper()
	s, _ := st["started"].(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("started %q: %v", st["started"], err)
	}
	return at
}

// TestSubmitScriptsSurviveRestart submits two scripts, follows them to
// SUCCEEDED and checks their results; a master restarted on the same work
// dir still has both records and both results.
func TestSubmitScriptsSurviveRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	work := t.TempDir()
	master, rpc := startJobMaster(t, work, "--local-executors", "2")
	data := salesDir(t)
	byRegion := writeFile(t, "by_region.sql", salesByRegion)
	counted := writeFile(t, "counted.sql", "CREATE VIEW big AS SELECT * FROM sales WHERE v > 1;\nSELECT count(*) AS n, max(v) AS top FROM big")

	// --wait prints the id, then the result. The table's path is
	// relative to the submitter's directory, which the master does not
	// share: submit makes it absolute.
	cmd := exec.Command(emberBin, "submit", "--master", rpc, "--table", "sales=sales.csv", "--name", "by region",
		"--wait", "--format", "csv", byRegion)
	cmd.Dir = data
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("submit --wait: %v\n%s", err, errOut.String())
	}
	first, rest, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(first, "job-") || rest != salesByRegionAnswer {
		t.Fatalf("submit --wait printed:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), first+" SUCCEEDED") {
		t.Errorf("submit --wait did not report the end on stderr:\n%s", errOut.String())
	}
	idA := first
	idB := submitJob(t, rpc, "--data", data, counted)
	stB := waitForState(t, rpc, idB, "SUCCEEDED")
	if stB["name"] != "counted.sql" || stB["attempts"] != 1.0 || stB["result_rows"] != 1.0 || stB["result_expires"] == nil {
		t.Errorf("status of %s: %v", idB, stB)
	}
	if got := jobResultCSV(t, rpc, idA); got != salesByRegionAnswer {
		t.Errorf("result of %s:\n%s", idA, got)
	}
	wantB := "n,top\n3,4\n"
	if got := jobResultCSV(t, rpc, idB); got != wantB {
		t.Errorf("result of %s:\n%s", idB, got)
	}
	r := runEmber(t, "", "jobs", "list", "--master", rpc, "--format", "csv")
	wantSuccess(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], idB+",counted.sql,SUCCEEDED,0,1,") || !strings.HasPrefix(lines[2], idA+",by region,SUCCEEDED,") {
		t.Errorf("jobs list (newest first):\n%s", r.stdout)
	}

	// The result written to a file, in the format of its extension.
	saved := filepath.Join(t.TempDir(), "by_region.parquet")
	r = runEmber(t, "", "jobs", "result", idA, "--master", rpc, "--output", saved)
	if r.code != 0 {
		t.Fatalf("jobs result --output: %s", r.stderr)
	}
	r = runEmber(t, "", "sql", "--format", "csv", "-e", "SELECT * FROM read_parquet('"+saved+"') ORDER BY region")
	wantSuccess(t, r)
	if r.stdout != salesByRegionAnswer {
		t.Errorf("the Parquet file holds:\n%s", r.stdout)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(saved), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	stopProcess(t, master, syscall.SIGTERM)
	_, rpc = startJobMaster(t, work, "--local-executors", "2")
	for id, want := range map[string]string{idA: salesByRegionAnswer, idB: wantB} {
		if st := jobStatus(t, rpc, id); st["state"] != "SUCCEEDED" {
			t.Errorf("after the restart %s is %v", id, st["state"])
		}
		if got := jobResultCSV(t, rpc, id); got != want {
			t.Errorf("after the restart the result of %s is:\n%s", id, got)
		}
	}
}

// TestQueuedJobsRunAfterRestart: a master with no executors and one slot
// holds job A RUNNING and B QUEUED when it is killed; restarted on the
// same work dir with executors, it runs both.
func TestQueuedJobsRunAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	work := t.TempDir()
	data := salesDir(t)
	script := writeFile(t, "by_region.sql", salesByRegion)
	master, rpc := startJobMaster(t, work, "--max-running-jobs", "1", "--no-worker-timeout", "10m")
	idA := submitJob(t, rpc, "--data", data, script)
	idB := submitJob(t, rpc, "--data", data, script)
	waitForState(t, rpc, idA, "RUNNING")
	if st := jobStatus(t, rpc, idB); st["state"] != "QUEUED" {
		t.Fatalf("with one slot taken %s is %v", idB, st["state"])
	}
	stopProcess(t, master, syscall.SIGKILL)

	_, rpc = startJobMaster(t, work, "--max-running-jobs", "1", "--local-executors", "2")
	for _, id := range []string{idA, idB} {
		waitForState(t, rpc, id, "SUCCEEDED")
		if got := jobResultCSV(t, rpc, id); got != salesByRegionAnswer {
			t.Errorf("result of %s:\n%s", id, got)
		}
	}
}

// TestJobRetriesAndFailures: a job whose first two attempts fail
// (injected) succeeds on the third; a job with bad SQL fails at once with
// the binder's message, and submit --wait says so and exits 1.
func TestJobRetriesAndFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	_, rpc := startJobMaster(t, t.TempDir(), "--local-executors", "2")
	data := salesDir(t)
	script := writeFile(t, "by_region.sql", salesByRegion)

	id := submitJob(t, rpc, "--data", data, "--conf", "ember.job.failAttempts=2", "--retries", "3", script)
	st := waitForState(t, rpc, id, "SUCCEEDED")
	if st["attempts"] != 3.0 {
		t.Errorf("attempts %v, want 3", st["attempts"])
	}
	if got := jobResultCSV(t, rpc, id); got != salesByRegionAnswer {
		t.Errorf("result:\n%s", got)
	}
	r := runEmber(t, "", "jobs", "logs", id, "--master", rpc, "--format", "csv")
	wantSuccess(t, r)
	if strings.Count(r.stdout, "injected failure") != 2 {
		t.Errorf("logs do not show the two failed attempts:\n%s", r.stdout)
	}

	bad := writeFile(t, "bad.sql", "SELECT nosuch FROM sales")
	r = runEmber(t, "", "submit", "--master", rpc, "--data", data, "--wait", bad)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	badID, _, _ := strings.Cut(r.stdout, "\n")
	if r.code != 1 || !strings.HasPrefix(last, "error: job "+badID+" failed: ") || !strings.Contains(last, "nosuch") {
		t.Fatalf("submit --wait of bad SQL: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if st := jobStatus(t, rpc, badID); st["state"] != "FAILED" || st["attempts"] != 1.0 || !strings.Contains(fmt.Sprint(st["error"]), "nosuch") {
		t.Errorf("status of the bad job: %v", st)
	}
	r = runEmber(t, "", "jobs", "result", badID, "--master", rpc)
	wantFailure(t, r, badID)
}

// TestJobPrioritiesAndCancel: with one slot, held by a job that waits for
// a worker, the queued jobs start by priority once a worker joins; a
// queued job cancelled never runs.
func TestJobPrioritiesAndCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	master, m := startProcess(t, masterReady, "master", "--port", "0", "--gossip-port", "0", "--ui-port", "-1",
		"--work-dir", t.TempDir(), "--max-running-jobs", "1", "--no-worker-timeout", "10m")
	_ = master
	rpc, gossip := m[1], m[2]
	data := salesDir(t)
	script := writeFile(t, "by_region.sql", salesByRegion)

	blocker := submitJob(t, rpc, "--data", data, script)
	waitForState(t, rpc, blocker, "RUNNING")
	low := submitJob(t, rpc, "--data", data, "--priority", "1", script)
	dropped := submitJob(t, rpc, "--data", data, "--priority", "7", script)
	high := submitJob(t, rpc, "--data", data, "--priority", "9", script)
	mid := submitJob(t, rpc, "--data", data, "--priority", "5", script)

	r := runEmber(t, "", "jobs", "cancel", dropped, "--master", rpc, "--format", "csv")
	wantSuccess(t, r)
	if want := "id,state\n" + dropped + ",CANCELLED\n"; r.stdout != want {
		t.Errorf("cancel printed %q, want %q", r.stdout, want)
	}
	r = runEmber(t, "", "jobs", "cancel", dropped, "--master", rpc)
	wantFailure(t, r, dropped)
	r = runEmber(t, "", "jobs", "list", "--master", rpc, "--state", "queued", "--format", "csv")
	wantSuccess(t, r)
	if got := strings.Count(r.stdout, ",QUEUED,"); got != 3 || strings.Contains(r.stdout, dropped) {
		t.Errorf("queued jobs:\n%s", r.stdout)
	}

	startProcess(t, workerReady, "worker", "--join", gossip, "--cores", "2", "--work-dir", t.TempDir())
	var starts []time.Time
	for _, id := range []string{blocker, high, mid, low} {
		starts = append(starts, startedAt(t, waitForState(t, rpc, id, "SUCCEEDED")))
	}
	for i := 1; i < len(starts); i++ {
		if !starts[i-1].Before(starts[i]) {
			t.Errorf("start times out of priority order (blocker, 9, 5, 1): %v", starts)
		}
	}
	if st := jobStatus(t, rpc, dropped); st["state"] != "CANCELLED" || st["attempts"] != 0.0 || st["started"] != nil {
		t.Errorf("the cancelled job ran: %v", st)
	}
	r = runEmber(t, "", "jobs", "status", "job-999999", "--master", rpc)
	wantFailure(t, r, "no job job-999999 on master "+rpc)
}

// TestSubmitGoProgram runs a Go main package through ember submit: it
// reaches the master through EMBER_MASTER, with the secret through
// EMBER_SECRET_FILE, and its exit status is ember's.
func TestSubmitGoProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	secret := writeFile(t, "secret", "s3cret-for-job-tests\n")
	os.Chmod(secret, 0o600)
	_, rpc := startJobMaster(t, t.TempDir(), "--local-executors", "2", "--secret-file", secret)
	table := filepath.Join(salesDir(t), "sales.csv")

	// Building the program links a large binary: allow it more time than
	// runEmber does.
	submitProgram := func(args ...string) result {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, emberBin, append([]string{"submit", "--master", rpc, "--secret-file", secret, "./testdata/submitprog", table}, args...)...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if ctx.Err() != nil || (err != nil && !errors.As(err, &exit)) {
			t.Fatalf("ember submit %v: %v; stderr:\n%s", args, err, errOut.String())
		}
		return result{out.String(), errOut.String(), cmd.ProcessState.ExitCode()}
	}
	r := submitProgram()
	wantSuccess(t, r)
	if want := "master " + rpc + "\ntotal 10\n"; r.stdout != want {
		t.Errorf("the program printed %q, want %q", r.stdout, want)
	}
	r = submitProgram("exit=3")
	if r.code != 3 || !strings.HasSuffix(r.stdout, "total 10\n") {
		t.Errorf("exit %d, stdout %q, stderr %q; want the program's status 3", r.code, r.stdout, r.stderr)
	}
	// The queue refuses a client without the secret.
	r = runEmber(t, "", "jobs", "list", "--master", rpc)
	wantFailure(t, r, "master "+rpc+" refused", "--secret-file")

	broken := t.TempDir()
	os.WriteFile(filepath.Join(broken, "go.mod"), []byte("module broken\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(broken, "main.go"), []byte("package main\n\nfunc main() { undefinedThing() }\n"), 0o644)
	// The compiler's messages (which name main.go:LINE) on the one error
	// line.
	r = runEmber(t, "", "submit", "--master", rpc, broken)
	if want := "error: building " + broken + ": ./main.go:3:15: undefined: undefinedThing\n"; r.code != 1 || r.stderr != want {
		t.Errorf("a program that does not build: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
}

// TestSubmitBadUsage covers mistakes found before anything is queued
// (the master's address is one where nothing answers).
func TestSubmitBadUsage(t *testing.T) {
	script := writeFile(t, "ok.sql", "SELECT 1")
	missing := filepath.Join(t.TempDir(), "missing.sql")
	unterminated := writeFile(t, "quote.sql", "SELECT 1;\nSELECT 'abc")
	empty := writeFile(t, "empty.sql", "-- nothing\n")
	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"missing script", []string{"submit", "--master", "127.0.0.1:1", missing}, []string{missing}},
		{"unterminated quote", []string{"submit", "--master", "127.0.0.1:1", unterminated}, []string{"quote.sql", "line 2:8", "unterminated"}},
		{"empty script", []string{"submit", "--master", "127.0.0.1:1", empty}, []string{"empty.sql", "no SQL statement"}},
		{"no master", []string{"submit", script}, []string{"--master"}},
		{"bad --conf", []string{"submit", "--master", "127.0.0.1:1", "--conf", "novalue", script}, []string{"KEY=VALUE"}},
		{"bad --table", []string{"submit", "--master", "127.0.0.1:1", "--table", "nopath", script}, []string{"NAME=PATH"}},
		{"parquet to the terminal", []string{"submit", "--master", "127.0.0.1:1", "--wait", "--format", "parquet", script}, []string{"--output"}},
		{"output without wait", []string{"submit", "--master", "127.0.0.1:1", "--output", "x.csv", script}, []string{"--wait"}},
		{"unknown output extension", []string{"submit", "--master", "127.0.0.1:1", "--wait", "--output", "x.xlsx", script}, []string{"x.xlsx", "--format"}},
		{"arguments after a script", []string{"submit", "--master", "127.0.0.1:1", script, "--wait"}, []string{"--wait", "before"}},
		{"job flag for a program", []string{"submit", "--master", "127.0.0.1:1", "--priority", "3", "./testdata/submitprog"}, []string{"--priority", "Go programs"}},
		{"unreachable master", []string{"submit", "--master", "127.0.0.1:1", script}, []string{"cannot reach master 127.0.0.1:1"}},
		{"unreachable master, jobs", []string{"jobs", "list", "--master", "127.0.0.1:1"}, []string{"cannot reach master 127.0.0.1:1"}},
		{"bad state", []string{"jobs", "list", "--master", "127.0.0.1:1", "--state", "sleeping"}, []string{"sleeping", "queued"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runEmber(t, "", tc.args...)
			wantFailure(t, r, tc.wants...)
			if r.stdout != "" {
				t.Errorf("stdout:\n%s", r.stdout)
			}
		})
	}
}

// TestSubmitWaitOutput: submit --wait --output writes the result file in
// the format given, committed by rename.
func TestSubmitWaitOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	_, rpc := startJobMaster(t, t.TempDir(), "--local-executors", "2")
	data := salesDir(t)
	script := writeFile(t, "by_region.sql", salesByRegion)
	out := filepath.Join(t.TempDir(), "result.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emberBin, "submit", "--master", rpc, "--data", data, "--wait", "--output", out, "--format", "csv", script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("submit --wait --output: %v\n%s", err, stderr.String())
	}
	if lines := strings.Split(strings.TrimSpace(stdout.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "job-") {
		t.Errorf("stdout %q: want the id alone", stdout.String())
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != salesByRegionAnswer {
		t.Errorf("the file holds %q (%v)", got, err)
	}
	if !strings.Contains(stderr.String(), "wrote 3 rows to "+out) {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
