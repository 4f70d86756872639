package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ember-sql/ember"
)

// process is an ember master or worker started by a test.
type process struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr strings.Builder
}

// startProcess runs the binary with args and waits for the line on stderr
// that matches ready, returning its submatches.
func startProcess(t *testing.T, ready *regexp.Regexp, args ...string) (*process, []string) {
	t.Helper()
	cmd := exec.Command(emberBin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, lines: make(chan string, 1000)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if m := ready.FindStringSubmatch(line); m != nil {
				select {
				case found <- m:
				default:
				}
			}
			select {
			case p.lines <- line:
			default:
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case m := <-found:
		return p, m
	case <-time.After(60 * time.Second):
		t.Fatalf("%v did not start", args)
	}
	return nil, nil
}

var (
	masterReady = regexp.MustCompile(`ember master: rpc (\S+), gossip (\S+), ui (\S*)`)
	workerReady = regexp.MustCompile(`ember worker: rpc (\S+), gossip (\S+)`)
)

// startCluster starts a master and n workers on free ports and waits until
// the master sees every worker.
func startCluster(t *testing.T, n int, extra ...string) (rpc, gossip string, workers []*process) {
	rpc, gossip, _, workers = startClusterWithMaster(t, n, extra...)
	return rpc, gossip, workers
}

// startClusterWithMaster is startCluster, also returning the master.
func startClusterWithMaster(t *testing.T, n int, extra ...string) (rpc, gossip string, master *process, workers []*process) {
	t.Helper()
	args := append([]string{"master", "--port", "0", "--gossip-port", "0", "--ui-port", "0", "--work-dir", t.TempDir()}, extra...)
	master, m := startProcess(t, masterReady, args...)
	rpc, gossip = m[1], m[2]
	for i := 0; i < n; i++ {
		w, _ := startProcess(t, workerReady, append([]string{"worker", "--join", gossip, "--cores", "2", "--work-dir", t.TempDir()}, extra...)...)
		workers = append(workers, w)
	}
	return rpc, gossip, master, workers
}

// TestClusterAnswersTPCH runs TPC-H queries through a real master and two
// worker processes and compares them with the answers.
func TestClusterAnswersTPCH(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rpc, _, _ := startCluster(t, 2)
	data, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01"))
	if err != nil {
		t.Fatal(err)
	}
	waitForWorkers(t, rpc, data, 2)
	for _, q := range []string{"q01", "q03", "q05", "q13", "q18", "q21"} {
		t.Run(q, func(t *testing.T) {
			r := runEmber(t, "", "sql", "--master", rpc, "--data", data, "--format", "csv", "-f", filepath.Join("..", "..", "tpch", "queries", q+".sql"))
			wantSuccess(t, r)
			want, err := os.ReadFile(filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			sameCSV(t, r.stdout, string(want))
		})
	}
}

// waitForWorkers runs a trivial query until the master runs it on a
// cluster of n workers (workers join a moment after they start).
func waitForWorkers(t *testing.T, rpc, data string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := runEmber(t, "", "sql", "--master", rpc, "--data", data, "-e", "select count(*) from nation")
		if r.code == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster never ran a query: %s", r.stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestClusterSurvivesKilledWorker kills a worker with SIGKILL while a
// query runs: the query still returns the right answer.
func TestClusterSurvivesKilledWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rpc, _, master, workers := startClusterWithMaster(t, 3)
	data, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01"))
	if err != nil {
		t.Fatal(err)
	}
	waitForWorkers(t, rpc, data, 3)
	// A query long enough to be killed in the middle of: Q18 repeated
	// through a UNION ALL, with small batches and many partitions.
	q18, err := os.ReadFile(filepath.Join("..", "..", "tpch", "queries", "q18.sql"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimSuffix(strings.TrimSpace(string(q18)), ";")
	var parts []string
	for i := 0; i < 8; i++ {
		parts = append(parts, "select count(*) as n, sum(o_totalprice) as s from ("+body+") t"+fmt.Sprint(i))
	}
	query := "select sum(n), sum(s) from (" + strings.Join(parts, " union all ") + ") all_runs"
	want := runEmber(t, "", "sql", "--data", data, "--format", "csv", "-e", query)
	wantSuccess(t, want)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emberBin, "sql", "--master", rpc, "--data", data, "--format", "csv",
		"--conf", "ember.sql.shuffle.partitions=12", "--conf", "ember.sql.batchSize=256", "-e", query)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the query ended (%v) before the worker was killed: make it longer", err)
	default:
	}
	victim := workers[1].cmd.Process
	if err := victim.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("query after a killed worker: %v\n%s", err, errOut.String())
	}
	if out.String() != want.stdout {
		t.Fatalf("answer after a killed worker:\n%s\nwant:\n%s", out.String(), want.stdout)
	}
	// The master noticed: the killed worker's tasks ran again elsewhere.
	var log []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line := <-master.lines:
			log = append(log, line)
			if strings.Contains(line, "executor lost") || strings.Contains(line, "recomputing") || strings.Contains(line, "worker lost") {
				return
			}
		case <-deadline:
			t.Fatalf("the master never lost the killed worker's work; its log:\n%s", strings.Join(log, "\n"))
		}
	}
}

// TestWorkerCannotJoin checks that a worker whose master is not there
// stops with a clear error.
func TestWorkerCannotJoin(t *testing.T) {
	r := runEmber(t, "", "worker", "--join", "127.0.0.1:1", "--join-timeout", "2s", "--work-dir", t.TempDir())
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	if r.code != 1 || !strings.HasPrefix(last, "error: ") || !strings.Contains(last, "127.0.0.1:1") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestClusterSecret checks that a client without the cluster's secret is
// refused with a clear error, and one with it is served.
func TestClusterSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	secret := writeFile(t, "secret", "s3cret-for-tests\n")
	os.Chmod(secret, 0o600)
	rpc, _, _ := startCluster(t, 1, "--secret-file", secret)
	data, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01"))
	if err != nil {
		t.Fatal(err)
	}
	r := runEmber(t, "", "sql", "--master", rpc, "--data", data, "-e", "select count(*) from region")
	wantFailure(t, r, "refused")
	deadline := time.Now().Add(30 * time.Second)
	for {
		r = runEmber(t, "", "sql", "--master", rpc, "--secret-file", secret, "--data", data, "--format", "csv", "-e", "select count(*) from region")
		if r.code == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	wantSuccess(t, r)
	if strings.TrimSpace(r.stdout) != "count(1)\n5" {
		t.Errorf("output %q", r.stdout)
	}
}

// TestDataFramesOnCluster runs DataFrame programs on a cluster through
// ember.WithMaster, and checks they give what a local session gives.
func TestDataFramesOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	rpc, _, _ := startCluster(t, 2)
	data, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01"))
	if err != nil {
		t.Fatal(err)
	}
	waitForWorkers(t, rpc, data, 2)
	ctx := context.Background()
	run := func(s *ember.Session) []string {
		if err := s.RegisterPath(ctx, "orders", filepath.Join(data, "orders.parquet")); err != nil {
			t.Fatal(err)
		}
		people := s.CreateDataFrame([][]any{{"Alice", 1}, {"Bob", 2}, {"Charlie", 3}}, "Name", "Age")
		avg, err := people.Agg(ember.Avg("Age")).Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byPriority := s.Table("orders").
			GroupBy("o_orderpriority").
			Agg(ember.Count("*").Alias("n"), ember.Sum("o_totalprice").Alias("total")).
			OrderBy("o_orderpriority").Cache()
		rows, err := byPriority.Take(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{fmt.Sprint(avg.Values())}
		for _, r := range rows {
			out = append(out, fmt.Sprint(r.Values()))
		}
		return out
	}
	local, err := ember.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	remote, err := ember.NewSession(ctx, ember.WithMaster(rpc))
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	want, got := run(local), run(remote)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("on the cluster:\n%s\nlocally:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := ember.NewSession(ctx, ember.WithMaster("127.0.0.1:1")); err == nil || !strings.Contains(err.Error(), "cannot reach master") {
		t.Fatalf("a session with no master there: %v", err)
	}
}
