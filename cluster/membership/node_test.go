package membership

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestClusterLifecycle starts a master and two workers, checks that all see
// each other's metadata, then has one worker leave gracefully and the other
// vanish without a word.
func TestClusterLifecycle(t *testing.T) {
	master := startNode(t, testConfig(t, "master", RoleMaster))
	if master.GossipPort() == 0 {
		t.Fatal("GossipPort is 0 after binding port 0")
	}
	seed := master.GossipAddr()
	if !strings.HasPrefix(seed, "127.0.0.1:") {
		t.Fatalf("GossipAddr = %q, want 127.0.0.1:port", seed)
	}
	w1 := startNode(t, testConfig(t, "w1", RoleWorker, seed))
	w2 := startNode(t, testConfig(t, "w2", RoleWorker, seed))

	joins := waitEvents(t, master.Events(), EventJoin, 5*time.Second, "w1", "w2")
	for _, name := range []string{"w1", "w2"} {
		e := joins[name]
		want := NodeMeta{Role: RoleWorker, RPCAddr: "127.0.0.1:" + name, Cores: 2, MemoryBytes: 1 << 30}
		if !reflect.DeepEqual(e.Meta, want) {
			t.Errorf("join event meta for %s = %+v, want %+v", name, e.Meta, want)
		}
	}
	for _, n := range []*Node{master, w1, w2} {
		ms := waitMembers(t, n, 5*time.Second, "master", "w1", "w2")
		for _, m := range ms {
			want := NodeMeta{Role: RoleWorker, RPCAddr: "127.0.0.1:" + m.Name, Cores: len(m.Name), MemoryBytes: 1 << 30}
			if m.Name == "master" {
				want.Role = RoleMaster
			}
			if !reflect.DeepEqual(m.Meta, want) {
				t.Errorf("%s sees %s with meta %+v, want %+v", n.Name(), m.Name, m.Meta, want)
			}
			if !strings.HasPrefix(m.GossipAddr, "127.0.0.1:") {
				t.Errorf("%s sees %s at %q", n.Name(), m.Name, m.GossipAddr)
			}
		}
	}
	// w2 learns about w1 through gossip, not from its own join.
	waitEvent(t, w2.Events(), EventJoin, "w1", 5*time.Second)

	if err := w1.Leave(2 * time.Second); err != nil {
		t.Fatalf("leave: %v", err)
	}
	_, took := waitEvent(t, master.Events(), EventLeave, "w1", 5*time.Second)
	t.Logf("graceful leave seen by the master after %s", took)
	waitEvent(t, w2.Events(), EventLeave, "w1", 5*time.Second)
	waitMembers(t, master, 5*time.Second, "master", "w2")

	w2.Shutdown()
	e, took := waitEvent(t, master.Events(), EventFail, "w2", 10*time.Second)
	t.Logf("abrupt shutdown seen by the master as a failure after %s", took)
	if e.Meta.Role != RoleWorker || e.Meta.RPCAddr != "127.0.0.1:w2" {
		t.Errorf("fail event meta = %+v", e.Meta)
	}
	waitMembers(t, master, time.Second, "master")
}

// TestEventsClosed checks that Leave and Shutdown close the event channel
// and are safe to repeat.
func TestEventsClosed(t *testing.T) {
	for _, leave := range []bool{false, true} {
		n, err := Start(testConfig(t, "solo", RoleMaster))
		if err != nil {
			t.Fatal(err)
		}
		if ms := n.Members(); len(ms) != 1 || ms[0].Name != "solo" || ms[0].Meta.Role != RoleMaster {
			t.Fatalf("a lone node's members: %+v", ms)
		}
		if leave {
			if err := n.Leave(time.Second); err != nil {
				t.Fatalf("leave with no peers: %v", err)
			}
		}
		n.Shutdown()
		n.Shutdown()
		if err := n.Leave(time.Second); err != nil {
			t.Fatalf("leave after shutdown: %v", err)
		}
		select {
		case e, ok := <-n.Events():
			if ok {
				t.Fatalf("event %v after shutdown", e)
			}
		case <-time.After(time.Second):
			t.Fatal("events channel not closed by shutdown")
		}
		if ms := n.Members(); ms != nil {
			t.Fatalf("members after shutdown: %v", memberNames(ms))
		}
		if err := n.UpdateMeta(NodeMeta{Role: RoleMaster}, time.Second); err == nil {
			t.Fatal("UpdateMeta after shutdown succeeded")
		}
	}
}

// TestUpdateMeta checks that a metadata change reaches the other members.
func TestUpdateMeta(t *testing.T) {
	master := startNode(t, testConfig(t, "master", RoleMaster))
	w := startNode(t, testConfig(t, "w", RoleWorker, master.GossipAddr()))
	waitEvent(t, master.Events(), EventJoin, "w", 5*time.Second)

	meta := NodeMeta{Role: RoleWorker, RPCAddr: "127.0.0.1:9999", Cores: 16, MemoryBytes: 42}
	if err := w.UpdateMeta(meta, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.Meta(), meta) {
		t.Fatalf("Meta() = %+v", w.Meta())
	}
	e, _ := waitEvent(t, master.Events(), EventUpdate, "w", 5*time.Second)
	if !reflect.DeepEqual(e.Meta, meta) {
		t.Fatalf("update event meta = %+v, want %+v", e.Meta, meta)
	}
	ms := master.Members()
	if len(ms) != 2 || ms[1].Name != "w" || !reflect.DeepEqual(ms[1].Meta, meta) {
		t.Fatalf("master's members after the update: %+v", ms)
	}
	if err := w.UpdateMeta(NodeMeta{Role: "driver"}, time.Second); err == nil {
		t.Fatal("UpdateMeta accepted an invalid role")
	}
}

// TestSlowReaderDoesNotStallGossip checks that unread events queue up
// instead of blocking memberlist: the master reads no events while workers
// join, yet all of them are delivered afterwards.
func TestSlowReaderDoesNotStallGossip(t *testing.T) {
	master := startNode(t, testConfig(t, "master", RoleMaster))
	names := []string{"a", "b", "c", "d"}
	for _, name := range names {
		startNode(t, testConfig(t, name, RoleWorker, master.GossipAddr()))
	}
	waitMembers(t, master, 5*time.Second, append([]string{"master"}, names...)...)
	waitEvents(t, master.Events(), EventJoin, 5*time.Second, names...)
}

// TestFailureDetection kills (shuts down without leaving) one of three
// nodes and checks how soon the others declare it failed, for each timing
// profile. The bounds are the documented worst cases plus slack for a
// loaded machine.
func TestFailureDetection(t *testing.T) {
	tests := []struct {
		profile Profile
		within  time.Duration
	}{
		{ProfileFast, 5 * time.Second},
		{ProfileLAN, 12 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.profile.String(), func(t *testing.T) {
			if tt.profile == ProfileLAN && testing.Short() {
				t.Skip("LAN timings take several seconds")
			}
			cfg := func(name, role string, seeds ...string) Config {
				c := testConfig(t, name, role, seeds...)
				c.Profile = tt.profile
				return c
			}
			master := startNode(t, cfg("master", RoleMaster))
			w1 := startNode(t, cfg("w1", RoleWorker, master.GossipAddr()))
			w2 := startNode(t, cfg("w2", RoleWorker, master.GossipAddr()))
			waitMembers(t, w1, 5*time.Second, "master", "w1", "w2")
			waitMembers(t, w2, 5*time.Second, "master", "w1", "w2")

			w2.Shutdown()
			_, took := waitEvent(t, master.Events(), EventFail, "w2", tt.within)
			t.Logf("%s: master saw the failure after %s", tt.profile, took)
			waitEvent(t, w1.Events(), EventFail, "w2", tt.within)
			waitMembers(t, master, time.Second, "master", "w1")
		})
	}
}
