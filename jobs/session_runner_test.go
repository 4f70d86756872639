package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/jobs"
	emberpb "github.com/ember-sql/ember/proto"
)

// testSecret is the in-process cluster's shared secret: the runner's
// sessions and the test's client must both present it.
var testSecret = []byte("jobs-test-secret-0123456789abcdef")

// testCluster is a master with two local executors serving the job queue,
// and a client of its Jobs service.
type testCluster struct {
	node   *cluster.RunningNode
	conn   *grpc.ClientConn
	client emberpb.JobsClient
}

func startCluster(t *testing.T, jobDir string, mem memory.Allocator) *testCluster {
	t.Helper()
	node, err := cluster.StartMaster(cluster.MasterNodeConfig{Port: 0, GossipPort: 0, UIPort: -1, WorkDir: t.TempDir(),
		LocalExecutors: 2, Secret: testSecret,
		Services: func(srv *grpc.Server, addr string) (func(), error) {
			m, err := jobs.Open(jobs.Config{WorkDir: jobDir, MaxRunning: 2, Mem: mem,
				Runner:      &jobs.SessionRunner{Master: addr, Secret: testSecret, Mem: mem},
				BackoffBase: time.Millisecond, BackoffMax: 10 * time.Millisecond})
			if err != nil {
				return nil, err
			}
			jobs.NewService(m).Register(srv)
			return func() { m.Close() }, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	opts := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, auth.DialOptions(testSecret)...)
	conn, err := grpc.NewClient(node.RPCAddr, opts...)
	if err != nil {
		node.Stop()
		t.Fatal(err)
	}
	return &testCluster{node: node, conn: conn, client: emberpb.NewJobsClient(conn)}
}

func (c *testCluster) stop() {
	c.conn.Close()
	c.node.Stop()
}

// wait polls job id until it finishes.
func (c *testCluster) wait(t *testing.T, id string) *emberpb.Job {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		job, err := c.client.GetJob(context.Background(), &emberpb.JobRef{Id: id})
		if err != nil {
			t.Fatal(err)
		}
		switch job.State {
		case emberpb.JobState_JOB_SUCCEEDED, emberpb.JobState_JOB_FAILED, emberpb.JobState_JOB_CANCELLED:
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", id, jobs.StateName(job.State))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *testCluster) submit(t *testing.T, spec *emberpb.JobSpec) *emberpb.Job {
	t.Helper()
	job, err := c.client.SubmitJob(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return job
}

// result reads job id's result through the JobResult stream as rows of
// values rendered as text, with the column names.
func (c *testCluster) result(t *testing.T, id string, mem memory.Allocator) (names []string, rows [][]string, batches int) {
	t.Helper()
	stream, err := c.client.JobResult(context.Background(), &emberpb.JobRef{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	for {
		reply, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return names, rows, batches
		}
		if err != nil {
			t.Fatal(err)
		}
		switch k := reply.Kind.(type) {
		case *emberpb.ExecuteReply_Error:
			t.Fatalf("result of %s: %s", id, k.Error)
		case *emberpb.ExecuteReply_Batch:
			b, err := cluster.DecodeBatch(k.Batch, mem)
			if err != nil {
				t.Fatal(err)
			}
			batches++
			names = nil
			for _, f := range b.Schema().Fields() {
				names = append(names, f.Name)
				if f.HasMetadata() {
					t.Errorf("result of %s: field %s carries metadata %v", id, f.Name, f.Metadata)
				}
			}
			for r := 0; r < int(b.NumRows()); r++ {
				var row []string
				for _, col := range b.Columns() {
					row = append(row, col.ValueStr(r))
				}
				rows = append(rows, row)
			}
			b.Release()
		}
	}
}

// writeSales writes the test's table as CSV in a data directory.
func writeSales(t *testing.T) (dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	csv := "k,v\na,1\nb,2\na,3\nc,5\nb,7\na,10\n"
	if err := os.WriteFile(filepath.Join(dataDir, "sales.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dataDir
}

func TestSessionRunnerEndToEnd(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dataDir := writeSales(t)
	jobDir := t.TempDir()
	c := startCluster(t, jobDir, mem)
	defer c.stop()
	ctx := context.Background()

	script := `CREATE VIEW big AS SELECT k, v FROM sales WHERE v > 1;
-- replaced by the last SELECT: bound, not run
SELECT count(*) FROM sales;
SELECT k, sum(v) AS total, count(*) AS n
FROM big GROUP BY k ORDER BY k;
`
	good := c.submit(t, &emberpb.JobSpec{Name: "report", Sql: script, DataDir: dataDir, Retries: 2})
	if good.Id == "" || good.State != emberpb.JobState_JOB_QUEUED {
		t.Fatalf("SubmitJob returned %v", good)
	}
	bad := c.submit(t, &emberpb.JobSpec{Name: "bad", Sql: "SELECT 1;\nSELECT nope FROM sales", DataDir: dataDir, Retries: 3})
	flaky := c.submit(t, &emberpb.JobSpec{Name: "flaky", Sql: "SELECT k, v FROM s WHERE v >= 5 ORDER BY v",
		Tables: map[string]string{"s": filepath.Join(dataDir, "sales.csv")}, Retries: 2,
		Conf: map[string]string{"ember.job.failAttempts": "2", "ember.sql.shuffle.partitions": "3"}})
	noRows := c.submit(t, &emberpb.JobSpec{Name: "ddl only", Sql: "CREATE VIEW x AS SELECT 1 AS a"})
	empty := c.submit(t, &emberpb.JobSpec{Name: "empty", Sql: "SELECT k FROM sales WHERE v > 100", DataDir: dataDir})
	missing := c.submit(t, &emberpb.JobSpec{Name: "missing", Sql: "SELECT * FROM t",
		Tables: map[string]string{"t": filepath.Join(dataDir, "nothing-here.csv")}, Retries: 3})

	done := c.wait(t, good.Id)
	if done.State != emberpb.JobState_JOB_SUCCEEDED || done.ResultRows != 3 || done.Attempts != 1 || done.ResultBytes == 0 {
		t.Fatalf("the report job: %v", done)
	}
	names, rows, _ := c.result(t, good.Id, mem)
	if got := fmt.Sprint(names, rows); got != "[k total n] [[a 13 2] [b 9 2] [c 5 1]]" {
		t.Errorf("the report's result: %s", got)
	}
	if done.Progress.GetTasksDone() == 0 || done.Progress.GetTasksDone() != done.Progress.GetTasksTotal() {
		t.Errorf("the report's final progress: %v", done.Progress)
	}

	failed := c.wait(t, bad.Id)
	if failed.State != emberpb.JobState_JOB_FAILED || failed.Attempts != 1 ||
		!strings.HasPrefix(failed.Error, "statement 2: line 2:") || !strings.Contains(failed.Error, "nope") {
		t.Errorf("the bad SQL job: state %s, %d attempts, error %q", jobs.StateName(failed.State), failed.Attempts, failed.Error)
	}

	retried := c.wait(t, flaky.Id)
	if retried.State != emberpb.JobState_JOB_SUCCEEDED || retried.Attempts != 3 {
		t.Errorf("the flaky job: state %s, %d attempts, error %q", jobs.StateName(retried.State), retried.Attempts, retried.Error)
	}
	if _, rows, _ := c.result(t, flaky.Id, mem); fmt.Sprint(rows) != "[[c 5] [b 7] [a 10]]" {
		t.Errorf("the flaky job's result: %v", rows)
	}

	if job := c.wait(t, noRows.Id); job.State != emberpb.JobState_JOB_SUCCEEDED || job.ResultPath != "" {
		t.Errorf("the DDL-only job: %v", job)
	}
	if _, rows, batches := c.result(t, noRows.Id, mem); batches != 0 || len(rows) != 0 {
		t.Errorf("the DDL-only job's result has %d batches", batches)
	}
	if job := c.wait(t, empty.Id); job.State != emberpb.JobState_JOB_SUCCEEDED || job.ResultRows != 0 || job.ResultPath == "" {
		t.Errorf("the empty job: %v", job)
	}
	if names, rows, batches := c.result(t, empty.Id, mem); batches != 1 || len(rows) != 0 || fmt.Sprint(names) != "[k]" {
		t.Errorf("the empty result: %d batches, columns %v, rows %v", batches, names, rows)
	}
	if job := c.wait(t, missing.Id); job.State != emberpb.JobState_JOB_FAILED || job.Attempts != 1 ||
		!strings.Contains(job.Error, "nothing-here.csv") {
		t.Errorf("the missing-file job: state %s, %d attempts, error %q", jobs.StateName(job.State), job.Attempts, job.Error)
	}

	// The service's errors.
	codeOf := func(err error) codes.Code { return status.Code(err) }
	if _, err := c.client.SubmitJob(ctx, &emberpb.JobSpec{Sql: "  "}); codeOf(err) != codes.InvalidArgument {
		t.Errorf("an empty script: %v", err)
	}
	if _, err := c.client.GetJob(ctx, &emberpb.JobRef{Id: "job-424242"}); codeOf(err) != codes.NotFound {
		t.Errorf("an unknown job: %v", err)
	}
	if _, err := c.client.CancelJob(ctx, &emberpb.JobRef{Id: good.Id}); codeOf(err) != codes.FailedPrecondition {
		t.Errorf("cancelling a finished job: %v", err)
	}
	stream, err := c.client.JobResult(ctx, &emberpb.JobRef{Id: bad.Id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); codeOf(err) != codes.FailedPrecondition {
		t.Errorf("the result of a failed job: %v", err)
	}
	logs, err := c.client.JobLogs(ctx, &emberpb.JobRef{Id: flaky.Id})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, l := range logs.Lines {
		msgs = append(msgs, l.Message)
	}
	if joined := strings.Join(msgs, "\n"); !strings.Contains(joined, "attempt 2 failed: injected failure (ember.job.failAttempts)") ||
		!strings.Contains(joined, "succeeded: 3 rows in") {
		t.Errorf("the flaky job's logs:\n%s", joined)
	}
	list, err := c.client.ListJobs(ctx, &emberpb.ListJobsRequest{States: []emberpb.JobState{emberpb.JobState_JOB_FAILED}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Jobs) != 2 || list.Jobs[0].Id != missing.Id || list.Jobs[1].Id != bad.Id {
		t.Errorf("the failed jobs: %v", list.Jobs)
	}
}

func TestPlanJob(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dataDir := writeSales(t)
	c := startCluster(t, t.TempDir(), mem)
	defer c.stop()
	ctx := context.Background()
	sess, err := ember.NewSession(ctx, ember.WithMaster(c.node.RPCAddr), ember.WithSecret(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RegisterPath(ctx, "sales", filepath.Join(dataDir, "sales.csv")); err != nil {
		t.Fatal(err)
	}
	job, err := sess.SQL("SELECT k, max(v) AS top FROM sales GROUP BY k ORDER BY top DESC").Submit(ctx, ember.JobName("plan"))
	if err != nil {
		t.Fatal(err)
	}
	done := c.wait(t, job.ID())
	if done.State != emberpb.JobState_JOB_SUCCEEDED {
		t.Fatalf("the plan job: %v", done)
	}
	if _, rows, _ := c.result(t, job.ID(), mem); fmt.Sprint(rows) != "[[a 10] [b 7] [c 5]]" {
		t.Errorf("the plan job's result: %v", rows)
	}
	list, err := c.client.ListJobs(ctx, &emberpb.ListJobsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Jobs) != 1 || list.Jobs[0].Spec.Plan != nil {
		t.Errorf("ListJobs must leave out the plan: %v", list.Jobs)
	}
	if got, err := c.client.GetJob(ctx, &emberpb.JobRef{Id: job.ID()}); err != nil || len(got.Spec.Plan) == 0 {
		t.Errorf("GetJob keeps the plan: %v", err)
	}
	// A plan that does not decode fails at once.
	bad := c.submit(t, &emberpb.JobSpec{Name: "garbage", Plan: []byte{0xff, 0xff, 0xff}, Retries: 3})
	if j := c.wait(t, bad.Id); j.State != emberpb.JobState_JOB_FAILED || j.Attempts != 1 || !strings.Contains(j.Error, "decoding the job's plan") {
		t.Errorf("the garbage plan job: %v", j)
	}
}
