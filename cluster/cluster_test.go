package cluster

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"
	"google.golang.org/grpc"

	"github.com/ember-sql/ember/shuffle"
)

// testServer is a gRPC server on a free local port.
type testServer struct {
	addr string
	srv  *grpc.Server
}

func serve(t *testing.T, register func(*grpc.Server)) *testServer {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(shuffle.ServerOptions()...)
	register(srv)
	go srv.Serve(lis)
	return &testServer{addr: lis.Addr().String(), srv: srv}
}

// startWorker runs a worker on its own server; the caller stops both.
func startWorker(t *testing.T, mem memory.Allocator) (*Worker, *testServer) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	w, err := NewWorker(WorkerConfig{Address: addr, WorkDir: t.TempDir(), Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(shuffle.ServerOptions()...)
	w.Register(srv)
	go srv.Serve(lis)
	return w, &testServer{addr: addr, srv: srv}
}

// runRemote runs the aggregate plan through a master and its client.
func runRemote(t *testing.T, client *Client, mem memory.Allocator) ([][2]int64, error) {
	sp, release := aggregatePlan(t, mem)
	defer release()
	var last Progress
	reports := 0
	rs, err := client.Run(context.Background(), sp, RunOptions{Mem: mem, Progress: func(p Progress) {
		last = p
		reports++
	}})
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	rows, err := drain(t, rs)
	if err == nil {
		// The last report comes at the end, with everything done.
		want := Progress{StagesDone: len(sp.Stages), StagesTotal: len(sp.Stages), TasksDone: last.TasksTotal, TasksTotal: last.TasksTotal}
		if reports == 0 || last != want || last.TasksTotal < len(sp.Stages) {
			t.Errorf("last progress %+v after %d reports, want %+v", last, reports, want)
		}
	}
	return rows, err
}

// TestClusterRunsQueriesOnWorkers runs a master and two workers in this
// process, over real gRPC and Flight, and checks a multi-stage query.
func TestClusterRunsQueriesOnWorkers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreTopFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	wmem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer wmem.AssertSize(t, 0)

	m := NewMaster(MasterConfig{})
	ms := serve(t, m.Register)
	var workers []*Worker
	for i := 0; i < 2; i++ {
		w, ws := startWorker(t, wmem)
		workers = append(workers, w)
		defer func() { ws.srv.Stop(); w.Close() }()
		if err := m.AddWorker(ws.addr, 2); err != nil {
			t.Fatal(err)
		}
	}
	defer func() { ms.srv.Stop(); m.Close() }()
	client, err := DialMaster(ms.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	rows, err := runRemote(t, client, mem)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rows)
	st, err := client.Status(context.Background())
	if err != nil || len(st.Workers) != 2 {
		t.Fatalf("status: %v %v", st, err)
	}
}

// TestWorkerWithoutThePlanGetsItAgain checks that tasks after a worker's
// first leave the plan out, and that a worker that lost it (as if it had
// restarted) is sent it again without the task counting as a failure.
func TestWorkerWithoutThePlanGetsItAgain(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreTopFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	wmem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer wmem.AssertSize(t, 0)

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var w *Worker
	var mu sync.Mutex
	calls := map[[3]int]int{}
	forgot := false
	w, err = NewWorker(WorkerConfig{Address: lis.Addr().String(), WorkDir: t.TempDir(), Allocator: wmem,
		BeforeTask: func(query string, stage, part, attempt int) error {
			mu.Lock()
			defer mu.Unlock()
			calls[[3]int{stage, part, attempt}]++
			if stage > 0 && !forgot {
				// Forget the plan (not the shuffle output) before the first
				// task of the second stage, which comes without it.
				forgot = true
				w.mu.Lock()
				delete(w.queries, query)
				w.mu.Unlock()
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(shuffle.ServerOptions()...)
	w.Register(srv)
	go srv.Serve(lis)
	defer func() { srv.Stop(); w.Close() }()

	m := NewMaster(MasterConfig{MaxTaskAttempts: 1})
	ms := serve(t, m.Register)
	defer func() { ms.srv.Stop(); m.Close() }()
	if err := m.AddWorker(lis.Addr().String(), 2); err != nil {
		t.Fatal(err)
	}
	client, err := DialMaster(ms.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	// With one attempt per task, the query succeeds only if the missing
	// plan is not a failure.
	rows, err := runRemote(t, client, mem)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rows)
	mu.Lock()
	defer mu.Unlock()
	if !forgot {
		t.Fatal("the plan had only one stage")
	}
	resent := 0
	for k, n := range calls {
		if k[2] != 0 {
			t.Errorf("task %v ran as attempt %d", k, k[2])
		}
		switch {
		case n == 2 && k[0] > 0:
			resent++
		case n != 1:
			t.Errorf("task %v was sent %d times", k, n)
		}
	}
	// The second stage's first wave (up to the worker's 2 slots) found
	// no plan and was sent again.
	if resent < 1 || resent > 2 {
		t.Errorf("%d tasks were sent twice, want 1 or 2: %v", resent, calls)
	}
}
