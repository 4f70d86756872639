package membership

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// Node is this process's membership in an Ember cluster. Its methods are
// safe for concurrent use.
type Node struct {
	cfg    Config
	ml     *memberlist.Memberlist
	meta   *metaDelegate
	events *eventQueue
	logger *slog.Logger
	addr   string // gossip "host:port", read once at start
	port   int

	mu     sync.Mutex  // serializes Leave, Shutdown and UpdateMeta
	metaMu sync.Mutex  // guards cfg.Meta, read without waiting on mu
	closed atomic.Bool // set once Leave or Shutdown has begun
}

// Start starts a node and, when cfg.Join lists seeds, joins their cluster,
// retrying until one answers or cfg.JoinTimeout passes.
func Start(cfg Config) (*Node, error) {
	return StartContext(context.Background(), cfg)
}

// StartContext is Start whose join attempts stop when ctx is done.
func StartContext(ctx context.Context, cfg Config) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	metaBytes, err := encodeMeta(cfg.Meta, false)
	if err != nil {
		return nil, err
	}
	mc, err := cfg.memberlistConfig()
	if err != nil {
		return nil, err
	}
	n := &Node{
		cfg:    cfg,
		meta:   &metaDelegate{meta: metaBytes},
		events: newEventQueue(cfg.Name, cfg.Logger),
		logger: cfg.Logger,
	}
	mc.Delegate = n.meta
	mc.Events = n.events
	ml, err := memberlist.Create(mc)
	if err != nil {
		n.events.close()
		return nil, fmt.Errorf("membership: start gossip on %s: %w", net.JoinHostPort(cfg.BindAddr, strconv.Itoa(cfg.BindPort)), err)
	}
	n.ml = ml
	// Read the local node now, before any peer gossips about it: later,
	// memberlist rewrites it concurrently (see eventQueue).
	local := ml.LocalNode()
	n.addr = net.JoinHostPort(local.Addr.String(), strconv.Itoa(int(local.Port)))
	n.port = int(local.Port)
	n.logger.Info("membership: gossip started", "name", cfg.Name, "addr", n.GossipAddr(),
		"role", cfg.Meta.Role, "rpc", cfg.Meta.RPCAddr, "profile", cfg.Profile.String(), "encrypted", len(cfg.SecretKey) > 0)
	if len(cfg.Join) > 0 {
		if err := n.join(ctx); err != nil {
			n.Shutdown()
			return nil, err
		}
	}
	return n, nil
}

// Name is this node's name.
func (n *Node) Name() string { return n.cfg.Name }

// GossipPort is the port gossip listens on (the chosen one when
// Config.BindPort was 0).
func (n *Node) GossipPort() int { return n.port }

// GossipAddr is the "host:port" other nodes use to reach this one; give it
// to workers as their seed.
func (n *Node) GossipAddr() string { return n.addr }

// Meta is the metadata this node currently advertises.
func (n *Node) Meta() NodeMeta {
	n.metaMu.Lock()
	defer n.metaMu.Unlock()
	return n.cfg.Meta
}

// Events delivers Join, Update, Leave and Fail events about the other
// members, in the order memberlist saw them. Events are queued without
// bound until read, so a slow reader never stalls gossip. The channel is
// closed by Leave or Shutdown; events still queued then are dropped.
func (n *Node) Events() <-chan Event { return n.events.out }

// Members lists the live members (alive or suspected), this node first,
// then the others by name, with their metadata. Nodes whose metadata is not
// Ember's are left out. After Leave or Shutdown it returns nil.
func (n *Node) Members() []Member {
	if n.closed.Load() {
		return nil
	}
	others := n.events.members()
	slices.SortFunc(others, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return append([]Member{{Name: n.cfg.Name, GossipAddr: n.addr, Meta: n.Meta()}}, others...)
}

// UpdateMeta changes the metadata this node advertises and gossips it,
// waiting up to timeout for the update to go out.
func (n *Node) UpdateMeta(meta NodeMeta, timeout time.Duration) error {
	b, err := encodeMeta(meta, false)
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() {
		return fmt.Errorf("membership: node %s is shut down", n.cfg.Name)
	}
	n.meta.set(b)
	n.metaMu.Lock()
	n.cfg.Meta = meta
	n.metaMu.Unlock()
	if err := n.ml.UpdateNode(timeout); err != nil {
		return fmt.Errorf("membership: gossip metadata update: %w", err)
	}
	return nil
}

// Leave tells the other members that this node is leaving, so they report
// EventLeave rather than EventFail, waits up to timeout in all for that to
// go out, then shuts the node down. A timeout is reported as an error but
// the node is shut down all the same. Safe to call more than once, and
// after Shutdown (then it does nothing).
func (n *Node) Leave(timeout time.Duration) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() {
		return nil
	}
	n.closed.Store(true)
	defer n.shutdownLocked()
	deadline := time.Now().Add(timeout)
	// First gossip metadata flagged "leaving", then the departure itself:
	// memberlist's leave notification alone does not tell the others that
	// the node left rather than died.
	b, err := encodeMeta(n.Meta(), true)
	if err != nil {
		return err
	}
	n.meta.set(b)
	if err := n.ml.UpdateNode(timeout / 2); err != nil {
		n.logger.Debug("membership: leaving flag not confirmed", "err", err)
	}
	if err := n.ml.Leave(max(time.Until(deadline), time.Millisecond)); err != nil {
		return fmt.Errorf("membership: leave: %w", err)
	}
	return nil
}

// Shutdown stops gossip at once without telling anyone: the others will
// detect this node as failed. Safe to call more than once.
func (n *Node) Shutdown() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() {
		return
	}
	n.shutdownLocked()
}

func (n *Node) shutdownLocked() {
	n.closed.Store(true)
	if err := n.ml.Shutdown(); err != nil {
		n.logger.Warn("membership: shutdown", "err", err)
	}
	n.events.close()
	n.logger.Info("membership: gossip stopped", "name", n.cfg.Name)
}
