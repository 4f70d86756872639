package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/shuffle"
	"github.com/ember-sql/ember/tpch"
	"github.com/ember-sql/ember/tpch/dbgen"
)

// inProcessCluster is a master and workers in this process, on loopback
// ports, over real gRPC and Flight (membership is replaced by telling the
// master about each worker).
type inProcessCluster struct {
	master  *cluster.Master
	addr    string
	workers []*cluster.Worker
	servers []*grpc.Server
	dirs    []string // the workers' work dirs
	mem     *memory.CheckedAllocator
}

func startInProcess(t *testing.T, n int, hook func(w int) func(query string, stage, part, attempt int) error) *inProcessCluster {
	return startInProcessWith(t, n, 0, hook)
}

// startInProcessWith is startInProcess with a shuffle memory budget for the
// workers (negative: every map output spills to the work dir).
func startInProcessWith(t *testing.T, n int, shuffleMemory int64, hook func(w int) func(query string, stage, part, attempt int) error) *inProcessCluster {
	t.Helper()
	c := &inProcessCluster{mem: memory.NewCheckedAllocator(memory.NewGoAllocator())}
	listen := func() net.Listener {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return lis
	}
	c.master = cluster.NewMaster(cluster.MasterConfig{Allocator: c.mem, NoExecutorTimeout: 10 * time.Second, Logger: testLogger()})
	mlis := listen()
	c.addr = mlis.Addr().String()
	msrv := grpc.NewServer(shuffle.ServerOptions()...)
	c.master.Register(msrv)
	go msrv.Serve(mlis)
	c.servers = append(c.servers, msrv)
	for i := 0; i < n; i++ {
		var h func(string, int, int, int) error
		if hook != nil {
			h = hook(i)
		}
		c.addWorker(t, shuffleMemory, h)
	}
	return c
}

// addWorker starts one more worker and tells the master; it returns the
// worker's work dir.
func (c *inProcessCluster) addWorker(t *testing.T, shuffleMemory int64, hook func(string, int, int, int) error) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := cluster.WorkerConfig{Address: lis.Addr().String(), WorkDir: dir, Allocator: c.mem, ShuffleMemory: shuffleMemory, BeforeTask: hook}
	w, err := cluster.NewWorker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(shuffle.ServerOptions()...)
	w.Register(srv)
	go srv.Serve(lis)
	c.workers = append(c.workers, w)
	c.servers = append(c.servers, srv)
	c.dirs = append(c.dirs, dir)
	if err := c.master.AddWorker(cfg.Address, 2); err != nil {
		t.Fatal(err)
	}
	return dir
}

// stop shuts everything down and checks that no Arrow memory is left.
func (c *inProcessCluster) stop(t *testing.T) {
	for _, s := range c.servers {
		s.Stop()
	}
	c.master.Close()
	for _, w := range c.workers {
		w.Close()
	}
	c.mem.AssertSize(t, 0)
}

// splitData is TPC-H SF 0.01 in row groups of 1,000 rows, generated once:
// the tables of testdata have one row group each, which plans run in a
// single stage, while this data makes plans of several stages and
// partitions, as larger data would, so that the shuffle is exercised.
var splitData = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ember-cluster-tpch")
	if err != nil {
		return "", err
	}
	_, err = dbgen.Generate(context.Background(), dbgen.Options{ScaleFactor: 0.01, OutDir: dir, RowGroupRows: 1000})
	return dir, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := splitData(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// session opens a session on the cluster with the SF 0.01 tables.
func (c *inProcessCluster) session(t *testing.T, opts ...ember.Option) *ember.Session {
	t.Helper()
	s, err := ember.NewSession(context.Background(), append([]ember.Option{ember.WithMaster(c.addr)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := splitData()
	if err != nil {
		t.Fatal(err)
	}
	found, err := catalog.DiscoverTables(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range found {
		if err := s.RegisterPath(context.Background(), name, path); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// checkTPCH runs the given TPC-H queries and compares them with the
// answers.
func checkTPCH(t *testing.T, s *ember.Session, queries ...int) {
	t.Helper()
	for _, n := range queries {
		text, err := tpch.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Query(context.Background(), text)
		if err != nil {
			t.Fatalf("%s: %v", tpch.QueryName(n), err)
		}
		got, err := tpch.ReadTable(context.Background(), res)
		res.Close()
		if err != nil {
			t.Fatalf("%s: %v", tpch.QueryName(n), err)
		}
		want, err := tpch.ReadAnswer(filepath.Join("../testdata/tpch/answers/sf0.01", tpch.QueryName(n)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if err := tpch.Compare(got, want); err != nil {
			t.Errorf("%s: %v", tpch.QueryName(n), err)
		}
	}
}

func allQueries() []int {
	var qs []int
	for n := 1; n <= tpch.QueryCount; n++ {
		qs = append(qs, n)
	}
	return qs
}

// TestInProcessClusterTPCH runs the 22 TPC-H queries on a master and three
// workers.
func TestInProcessClusterTPCH(t *testing.T) {
	defer goleak.VerifyNone(t)
	c := startInProcess(t, 3, nil)
	s := c.session(t, ember.WithConfig("ember.sql.shuffle.partitions", "6"))
	checkTPCH(t, s, allQueries()...)
	s.Close()
	c.stop(t)
}

// TestInProcessClusterRetriesEveryFirstAttempt fails the first attempt of
// every task: every query still gives its answer.
func TestInProcessClusterRetriesEveryFirstAttempt(t *testing.T) {
	defer goleak.VerifyNone(t)
	var mu sync.Mutex
	failures := 0
	c := startInProcess(t, 3, func(int) func(string, int, int, int) error {
		return func(query string, stage, part, attempt int) error {
			if attempt == 0 {
				mu.Lock()
				failures++
				mu.Unlock()
				return fmt.Errorf("injected failure of %s stage %d task %d", query, stage, part)
			}
			return nil
		}
	})
	s := c.session(t)
	checkTPCH(t, s, 1, 3, 9, 13, 18, 21)
	s.Close()
	c.stop(t)
	if failures == 0 {
		t.Fatal("no failure was injected: the test proved nothing")
	}
}

// TestInProcessClusterRecomputesLostShuffle stops a worker (its server
// goes away, with all its map output) when the first reduce task of a
// query starts: fetches from it fail, its tasks are lost, the lost map
// tasks run again on the others, and the answers are right.
func TestInProcessClusterRecomputesLostShuffle(t *testing.T) {
	defer goleak.VerifyNone(t)
	var c *inProcessCluster
	var once sync.Once
	stopped := false
	c = startInProcess(t, 3, func(w int) func(string, int, int, int) error {
		return func(query string, stage, part, attempt int) error {
			if stage == 0 || w == 2 {
				return nil
			}
			once.Do(func() {
				// Worker 2 crashes: its server stops, its output is gone.
				c.servers[3].Stop()
				stopped = true
			})
			return nil
		}
	})
	s := c.session(t, ember.WithConfig("ember.sql.shuffle.partitions", "6"))
	checkTPCH(t, s, 3, 5, 10, 18)
	s.Close()
	c.stop(t)
	if !stopped {
		t.Fatal("no worker was stopped: the test proved nothing")
	}
}

// TestInProcessClusterCancel cancels a query while it runs: the error says
// so, and nothing is left running or allocated.
func TestInProcessClusterCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	c := startInProcess(t, 2, nil)
	s := c.session(t, ember.WithConfig("ember.sql.batchSize", "64"))
	ctx, cancel := context.WithCancel(context.Background())
	text, _ := tpch.Query(9)
	res, err := s.Query(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for {
		b, err := res.Next(ctx)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("after cancel: %v", err)
			}
			break
		}
		b.Release()
	}
	res.Close()
	s.Close()
	// Workers free a query's state when the master releases it.
	time.Sleep(200 * time.Millisecond)
	c.stop(t)
}

// testLogger logs the master's events to stderr when EMBER_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("EMBER_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// shuffleFiles counts the files under the workers' work dirs.
func (c *inProcessCluster) shuffleFiles(t *testing.T) int {
	n := 0
	for _, d := range c.dirs {
		filepath.WalkDir(d, func(_ string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				n++
			}
			return nil
		})
	}
	return n
}

// TestInProcessClusterDeletesShuffleFiles spills every map output to the
// workers' disks: while a query runs files appear, and once it has ended
// (finished or cancelled) none is left.
func TestInProcessClusterDeletesShuffleFiles(t *testing.T) {
	defer goleak.VerifyNone(t)
	var c *inProcessCluster
	sawFiles := false
	var mu sync.Mutex
	c = startInProcessWith(t, 2, -1, func(int) func(string, int, int, int) error {
		return func(_ string, stage, _, _ int) error {
			if stage > 0 {
				mu.Lock()
				if c.shuffleFiles(t) > 0 {
					sawFiles = true
				}
				mu.Unlock()
			}
			return nil
		}
	})
	s := c.session(t, ember.WithConfig("ember.sql.shuffle.partitions", "4"))
	checkTPCH(t, s, 3, 18)
	waitFor(t, func() bool { return c.shuffleFiles(t) == 0 }, "shuffle files left after the queries finished")
	if !sawFiles {
		t.Error("no shuffle file was ever written: the test proved nothing")
	}
	// A cancelled query leaves none either.
	ctx, cancel := context.WithCancel(context.Background())
	text, _ := tpch.Query(9)
	res, err := s.Query(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := res.Next(ctx); err == nil {
		b.Release()
	}
	cancel()
	res.Close()
	waitFor(t, func() bool { return c.shuffleFiles(t) == 0 }, "shuffle files left after a cancelled query")
	s.Close()
	c.stop(t)
}

// TestInProcessClusterWorkerJoinsMidQuery starts a query with no worker;
// one that joins a moment later runs it.
func TestInProcessClusterWorkerJoinsMidQuery(t *testing.T) {
	defer goleak.VerifyNone(t)
	c := startInProcess(t, 0, nil)
	s := c.session(t)
	joined := make(chan struct{})
	go func() {
		defer close(joined)
		time.Sleep(300 * time.Millisecond)
		c.addWorker(t, 0, nil)
	}()
	checkTPCH(t, s, 1, 3)
	<-joined
	s.Close()
	c.stop(t)
}

// waitFor polls cond for up to five seconds (workers free a query's state
// shortly after the master releases it).
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestInProcessClusterFailsDataErrorsAtOnce runs a query that divides by
// zero: the error reaches the client as a DataError with the evaluator's
// message, after one attempt of the failing task rather than four.
func TestInProcessClusterFailsDataErrorsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	var mu sync.Mutex
	attempts := map[[2]int]int{}
	c := startInProcess(t, 3, func(int) func(string, int, int, int) error {
		return func(query string, stage, part, attempt int) error {
			mu.Lock()
			attempts[[2]int{stage, part}]++
			mu.Unlock()
			return nil
		}
	})
	s := c.session(t)
	res, err := s.Query(context.Background(), "SELECT sum(l_quantity / (l_linenumber - l_linenumber)) FROM lineitem")
	if err == nil {
		for {
			var b arrow.RecordBatch
			if b, err = res.Next(context.Background()); err != nil {
				break
			}
			b.Release()
		}
		res.Close()
	}
	s.Close()
	c.stop(t)
	if !eval.IsDataError(err) || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("got %v (%T), want a DataError saying division by zero", err, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for task, n := range attempts {
		if n > 1 {
			t.Errorf("task %v ran %d times; a data error must not be retried", task, n)
		}
	}
}

// TestInProcessClusterCapsStageAttempts makes every worker lose all its
// map output whenever a reduce task starts: each loss is recomputed from
// lineage, until a stage has lost its output the most times allowed, and
// then the query fails saying so instead of recomputing for ever.
func TestInProcessClusterCapsStageAttempts(t *testing.T) {
	defer goleak.VerifyNone(t)
	var c *inProcessCluster
	var mu sync.Mutex
	drops := 0
	c = startInProcess(t, 2, func(int) func(string, int, int, int) error {
		return func(query string, stage, part, attempt int) error {
			if stage == 0 {
				return nil
			}
			mu.Lock()
			drops++
			mu.Unlock()
			for _, w := range c.workers {
				w.DropShuffle(query)
			}
			return nil
		}
	})
	s := c.session(t, ember.WithConfig("ember.sql.shuffle.partitions", "2"))
	res, err := s.Query(context.Background(), "SELECT l_returnflag, count(*) FROM lineitem GROUP BY l_returnflag")
	if err == nil {
		for {
			var b arrow.RecordBatch
			if b, err = res.Next(context.Background()); err != nil {
				break
			}
			b.Release()
		}
		res.Close()
	}
	s.Close()
	time.Sleep(200 * time.Millisecond)
	c.stop(t)
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "lost its output") {
		t.Fatalf("got %v, want the query to fail after its stage lost its output too often", err)
	}
	if drops < 2 {
		t.Errorf("output was dropped %d times: the recomputation did not run", drops)
	}
}
