package cluster

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestStatusPageShowsWorkersAndQueryProgress checks the master's status
// page and its JSON: the live workers with their cores, and each running
// query with how far it is.
func TestStatusPageShowsWorkersAndQueryProgress(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	w, ws := startWorker(t, mem)
	defer func() { ws.srv.Stop(); w.Close() }()
	m := NewMaster(MasterConfig{})
	defer m.Close()
	if err := m.AddWorker(ws.addr, 3); err != nil {
		t.Fatal(err)
	}
	// A query in its second stage of three, as the scheduler reports it.
	rs := &ResultStream{}
	m.mu.Lock()
	m.runs[rs] = &runningQuery{ID: "q42-1", Started: time.Now().Add(-2 * time.Second), Stages: 3,
		Progress: Progress{StagesDone: 1, StagesTotal: 3, TasksDone: 5, TasksTotal: 9, TasksRunning: 2}}
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.runs, rs)
		m.mu.Unlock()
	}()
	srv := httptest.NewServer(m.StatusHandler())
	defer srv.Close()

	get := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(b)
	}
	var v statusView
	if err := json.Unmarshal([]byte(get("/api/status")), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Workers) != 1 || v.Workers[0].Address != ws.addr || v.Workers[0].Cores != 3 {
		t.Errorf("workers %+v, want %s with 3 cores", v.Workers, ws.addr)
	}
	want := queryView{ID: "q42-1", StagesDone: 1, Stages: 3, TasksDone: 5, Tasks: 9, TasksRunning: 2}
	if len(v.Queries) != 1 {
		t.Fatalf("queries %+v, want one", v.Queries)
	}
	got := v.Queries[0]
	if got.Seconds < 2 {
		t.Errorf("query running %.1f s, want at least 2", got.Seconds)
	}
	got.Seconds = 0
	if got != want {
		t.Errorf("query %+v, want %+v", got, want)
	}
	page := get("/")
	for _, s := range []string{"Workers: 1", ws.addr, "Running queries: 1", "q42-1", "1 / 3", "5 / 9"} {
		if !strings.Contains(page, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
}
