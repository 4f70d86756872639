package membership

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback TCP address on which nothing listens.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestJoinRefused checks that nodes whose gossip key differs from the
// seed's cannot join, and give up within the join timeout with an error
// naming the seed.
func TestJoinRefused(t *testing.T) {
	keyA := bytes.Repeat([]byte{1}, 32)
	keyB := bytes.Repeat([]byte{2}, 32)
	tests := []struct {
		name             string
		seedKey, joinKey []byte
	}{
		{"wrong key", keyA, keyB},
		{"missing key", keyA, nil},
		{"unexpected key", nil, keyA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mc := testConfig(t, "master", RoleMaster)
			mc.SecretKey = tt.seedKey
			master := startNode(t, mc)

			wc := testConfig(t, "w", RoleWorker, master.GossipAddr())
			wc.SecretKey = tt.joinKey
			wc.JoinTimeout = time.Second
			start := time.Now()
			n, err := Start(wc)
			took := time.Since(start)
			if err == nil {
				n.Shutdown()
				t.Fatal("joined despite the key mismatch")
			}
			t.Logf("error after %s: %v", took, err)
			msg := err.Error()
			for _, want := range []string{"could not join", master.GossipAddr(), "secret"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if took < wc.JoinTimeout || took > wc.JoinTimeout+3*time.Second {
				t.Errorf("gave up after %s, want about %s", took, wc.JoinTimeout)
			}
			if ms := master.Members(); len(ms) != 1 {
				t.Errorf("master sees %v", memberNames(ms))
			}
		})
	}
}

// TestJoinMatchingKey checks that nodes sharing a key form a cluster.
func TestJoinMatchingKey(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	mc := testConfig(t, "master", RoleMaster)
	mc.SecretKey = key
	master := startNode(t, mc)
	wc := testConfig(t, "w", RoleWorker, master.GossipAddr())
	wc.SecretKey = key
	startNode(t, wc)
	waitMembers(t, master, 5*time.Second, "master", "w")
}

// TestJoinNothingListening checks that joining an address where nothing
// listens retries, then fails in bounded time naming the seed.
func TestJoinNothingListening(t *testing.T) {
	seed := freeAddr(t)
	cfg := testConfig(t, "w", RoleWorker, seed)
	cfg.JoinTimeout = 1500 * time.Millisecond
	cfg.JoinRetry = 100 * time.Millisecond
	start := time.Now()
	n, err := Start(cfg)
	took := time.Since(start)
	if err == nil {
		n.Shutdown()
		t.Fatal("joined a seed that does not exist")
	}
	t.Logf("error after %s: %v", took, err)
	msg := err.Error()
	for _, want := range []string{seed, "could not join", "connection refused"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	if strings.Contains(msg, "after 1 attempts") {
		t.Errorf("did not retry: %q", msg)
	}
	if took < cfg.JoinTimeout || took > cfg.JoinTimeout+2*time.Second {
		t.Errorf("gave up after %s, want about %s", took, cfg.JoinTimeout)
	}
}

// TestJoinCancelled checks that cancelling the context stops the retries.
func TestJoinCancelled(t *testing.T) {
	cfg := testConfig(t, "w", RoleWorker, freeAddr(t))
	cfg.JoinTimeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	n, err := StartContext(ctx, cfg)
	if err == nil {
		n.Shutdown()
		t.Fatal("joined a seed that does not exist")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancelled join returned after %s", took)
	}
	if !strings.Contains(err.Error(), context.DeadlineExceeded.Error()) {
		t.Errorf("error %q does not say the context ended", err)
	}
}

// TestJoinLater checks that a worker started before its master keeps trying
// and joins once the master is up.
func TestJoinLater(t *testing.T) {
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	l.Close()
	seed := net.JoinHostPort("127.0.0.1", strconvItoa(port))

	done := make(chan error, 1)
	var w *Node
	go func() {
		cfg := testConfig(t, "w", RoleWorker, seed)
		cfg.JoinRetry = 50 * time.Millisecond
		var err error
		w, err = Start(cfg)
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	mc := testConfig(t, "master", RoleMaster)
	mc.BindPort = port
	master, err := Start(mc)
	if err != nil {
		<-done
		if w != nil {
			w.Shutdown()
		}
		t.Skipf("port %d taken meanwhile: %v", port, err)
	}
	t.Cleanup(master.Shutdown)
	if err := <-done; err != nil {
		t.Fatalf("worker did not join once the master was up: %v", err)
	}
	t.Cleanup(w.Shutdown)
	waitMembers(t, master, 5*time.Second, "master", "w")
}
