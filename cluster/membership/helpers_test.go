package membership

import (
	"bytes"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects a test's logs; they are printed only if it fails,
// since memberlist may still log while a node shuts down.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger returns a Debug-level logger whose output is shown when t
// fails.
func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	buf := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("MEMBERSHIP_TEST_LOGS") != "" {
			t.Logf("logs:\n%s", buf.String())
		}
	})
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testConfig is a loopback node on a free port with fast timings.
func testConfig(t *testing.T, name, role string, seeds ...string) Config {
	return Config{
		Name:        name,
		BindAddr:    "127.0.0.1",
		Meta:        NodeMeta{Role: role, RPCAddr: "127.0.0.1:" + name, Cores: len(name), MemoryBytes: 1 << 30},
		Join:        seeds,
		JoinTimeout: 5 * time.Second,
		Profile:     ProfileFast,
		Logger:      testLogger(t),
	}
}

// startNode starts cfg and shuts it down when the test ends.
func startNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := Start(cfg)
	if err != nil {
		t.Fatalf("start %s: %v", cfg.Name, err)
	}
	t.Cleanup(n.Shutdown)
	return n
}

// waitEvent reads ev until an event of type typ about name arrives, failing
// the test after timeout. It returns the event and how long it took.
func waitEvent(t *testing.T, ev <-chan Event, typ EventType, name string, timeout time.Duration) (Event, time.Duration) {
	t.Helper()
	start := time.Now()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				t.Fatalf("events closed while waiting for %s %s", typ, name)
			}
			if e.Type == typ && e.Name == name {
				return e, time.Since(start)
			}
		case <-deadline.C:
			t.Fatalf("no %s event for %s within %s", typ, name, timeout)
		}
	}
}

// waitEvents reads ev until events of type typ about every one of names
// have arrived, in any order, failing the test after timeout.
func waitEvents(t *testing.T, ev <-chan Event, typ EventType, timeout time.Duration, names ...string) map[string]Event {
	t.Helper()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	got := map[string]Event{}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for len(got) < len(want) {
		select {
		case e, ok := <-ev:
			if !ok {
				t.Fatalf("events closed while waiting for %s of %v", typ, names)
			}
			if e.Type == typ && want[e.Name] {
				got[e.Name] = e
			}
		case <-deadline.C:
			t.Fatalf("within %s only %d of the %s events for %v arrived", timeout, len(got), typ, names)
		}
	}
	return got
}

// waitMembers polls n.Members until it holds exactly names, failing after
// timeout.
func waitMembers(t *testing.T, n *Node, timeout time.Duration, names ...string) []Member {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := n.Members()
		if sameNames(ms, names) {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: members %v, want %v", n.Name(), memberNames(ms), names)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func memberNames(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

func sameNames(ms []Member, names []string) bool {
	if len(ms) != len(names) {
		return false
	}
	have := map[string]bool{}
	for _, m := range ms {
		have[m.Name] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}
