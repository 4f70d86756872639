package membership

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"

	"github.com/hashicorp/memberlist"
)

// EventType says what happened to a member.
type EventType int

const (
	// EventJoin: the member joined (or came back after being declared
	// failed).
	EventJoin EventType = iota
	// EventUpdate: the member changed its metadata.
	EventUpdate
	// EventLeave: the member left gracefully (Node.Leave).
	EventLeave
	// EventFail: the member stopped answering probes and was declared
	// dead (killed, crashed, partitioned, or shut down without leaving).
	EventFail
)

// String names the event type.
func (t EventType) String() string {
	switch t {
	case EventJoin:
		return "join"
	case EventUpdate:
		return "update"
	case EventLeave:
		return "leave"
	case EventFail:
		return "fail"
	}
	return fmt.Sprintf("EventType(%d)", int(t))
}

// Member is a node of the cluster as seen from this one.
type Member struct {
	// Name is the member's unique name.
	Name string
	// GossipAddr is the member's memberlist "host:port".
	GossipAddr string
	// Meta is what the member advertises.
	Meta NodeMeta
}

// Event reports a change in another member's state. Events about the local
// node are not reported.
type Event struct {
	Type EventType
	Member
}

// String describes the event for logs.
func (e Event) String() string {
	return fmt.Sprintf("%s %s (%s, rpc %s, gossip %s)", e.Type, e.Name, e.Meta.Role, e.Meta.RPCAddr, e.GossipAddr)
}

// memberFromNode converts a memberlist node and says whether the node has
// announced that it is leaving; it fails when the node's metadata is not
// Ember's.
func memberFromNode(n *memberlist.Node) (m Member, leaving bool, err error) {
	meta, leaving, err := decodeMeta(n.Meta)
	if err != nil {
		return Member{}, false, fmt.Errorf("node %s: %w", n.Name, err)
	}
	return Member{
		Name:       n.Name,
		GossipAddr: net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port))),
		Meta:       meta,
	}, leaving, nil
}

// eventQueue is memberlist's EventDelegate. memberlist calls it while
// holding its node lock, so it must never block: events are appended to an
// unbounded queue that a goroutine drains into the public channel at the
// reader's pace.
//
// It also keeps the roster of live members. memberlist's own Members and
// LocalNode return pointers into state that its gossip goroutines keep
// rewriting, which the race detector rightly flags; the node passed to a
// notification is safe to read during the call, so the roster is copied
// from there.
type eventQueue struct {
	self   string
	logger *slog.Logger

	mu      sync.Mutex
	roster  map[string]Member // live members other than self
	pending []Event
	closed  bool
	wake    chan struct{} // capacity 1: "pending is not empty"
	done    chan struct{} // closed by close()
	out     chan Event    // closed by the pump when it exits
	stopped chan struct{} // closed when the pump has exited
}

func newEventQueue(self string, logger *slog.Logger) *eventQueue {
	q := &eventQueue{
		self:    self,
		logger:  logger,
		roster:  map[string]Member{},
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		out:     make(chan Event),
		stopped: make(chan struct{}),
	}
	go q.pump()
	return q
}

// NotifyJoin implements memberlist.EventDelegate.
func (q *eventQueue) NotifyJoin(n *memberlist.Node) { q.push(EventJoin, n) }

// NotifyUpdate implements memberlist.EventDelegate. The update that only
// marks a node as leaving is not reported; its Leave event follows.
func (q *eventQueue) NotifyUpdate(n *memberlist.Node) { q.push(EventUpdate, n) }

// NotifyLeave implements memberlist.EventDelegate. It is called both for a
// node that left and for one declared dead; the leaving flag in the node's
// last metadata tells them apart (see wireMeta).
func (q *eventQueue) NotifyLeave(n *memberlist.Node) { q.push(EventFail, n) }

func (q *eventQueue) push(t EventType, n *memberlist.Node) {
	if n.Name == q.self {
		return
	}
	m, leaving, err := memberFromNode(n)
	if err != nil {
		q.logger.Warn("membership: ignoring a node that is not an Ember node", "event", t.String(), "err", err)
		return
	}
	if leaving {
		switch t {
		case EventUpdate:
			// Not reported: the Leave event follows. The member stays in
			// the roster until then.
			q.logger.Debug("membership: member is leaving", "name", m.Name)
			return
		case EventFail:
			t = EventLeave
		}
	}
	ev := Event{Type: t, Member: m}
	level := slog.LevelInfo
	if t == EventUpdate {
		level = slog.LevelDebug
	}
	q.logger.Log(context.Background(), level, "membership: member "+t.String(), "name", m.Name, "role", m.Meta.Role, "rpc", m.Meta.RPCAddr, "gossip", m.GossipAddr)
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	switch t {
	case EventJoin, EventUpdate:
		q.roster[m.Name] = m
	default:
		delete(q.roster, m.Name)
	}
	q.pending = append(q.pending, ev)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// members returns the live members other than self.
func (q *eventQueue) members() []Member {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Member, 0, len(q.roster))
	for _, m := range q.roster {
		out = append(out, m)
	}
	return out
}

// pump delivers queued events in order until close.
func (q *eventQueue) pump() {
	defer close(q.stopped)
	defer close(q.out)
	for {
		q.mu.Lock()
		var ev Event
		have := len(q.pending) > 0
		if have {
			ev = q.pending[0]
			q.pending[0] = Event{}
			q.pending = q.pending[1:]
		}
		q.mu.Unlock()
		if !have {
			select {
			case <-q.wake:
				continue
			case <-q.done:
				return
			}
		}
		select {
		case q.out <- ev:
		case <-q.done:
			return
		}
	}
}

// close stops delivery, drops undelivered events, closes the public
// channel and waits for the pump to exit. Safe to call twice.
func (q *eventQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		<-q.stopped
		return
	}
	q.closed = true
	q.pending = nil
	q.mu.Unlock()
	close(q.done)
	<-q.stopped
}
