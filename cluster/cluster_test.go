package cluster

import (
	"context"
	"net"
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
