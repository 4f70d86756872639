package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"google.golang.org/grpc"

	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/cluster/membership"
	"github.com/ember-sql/ember/shuffle"
)

// MasterNodeConfig configures a master process (ember master).
type MasterNodeConfig struct {
	// Host is the address to bind and advertise ("" or 0.0.0.0 binds all
	// and advertises 127.0.0.1).
	Host string
	// Port is the gRPC port of the control API (0: any free port).
	Port int
	// GossipPort is the memberlist port workers join (0: any free port).
	GossipPort int
	// UIPort serves the status page (0: any free port; negative: none).
	UIPort int
	// WorkDir holds the master's files (and its local executors' spill).
	WorkDir string
	// Secret, when set, is required of every call and encrypts gossip.
	Secret []byte
	// LocalExecutors, when above zero, makes the master run tasks itself
	// on that many slots, as a worker would.
	LocalExecutors int
	// MaxTaskAttempts is how many times a task may run (0: 4).
	MaxTaskAttempts int
	// NoExecutorTimeout bounds how long a query waits for a worker.
	NoExecutorTimeout time.Duration
	Logger            *slog.Logger
	// Services, when set, registers more services on the master's gRPC
	// server (the job queue, Flight SQL) before it serves; rpcAddr is the
	// address the server will answer on. The returned stop runs when the
	// master stops, before the server does.
	Services func(srv *grpc.Server, rpcAddr string) (stop func(), err error)
}

// RunningNode is a started master or worker process.
type RunningNode struct {
	// RPCAddr is the gRPC (and Flight) address it serves, "host:port".
	RPCAddr string
	// GossipAddr is its memberlist address, "host:port".
	GossipAddr string
	// UIAddr is the master's status page address ("" when none).
	UIAddr string
	stop   func()
	done   chan struct{}
}

// Stop shuts the node down: a worker leaves the cluster first.
func (n *RunningNode) Stop() {
	n.stop()
	<-n.done
}

// Done is closed once the node has stopped.
func (n *RunningNode) Done() <-chan struct{} { return n.done }

// advertised returns the host others reach a node at.
func advertised(host string) string {
	if host == "" || host == "0.0.0.0" || host == "::" {
		return "127.0.0.1"
	}
	return host
}

// listen opens the gRPC port.
func listen(host string, port int) (net.Listener, string, error) {
	lis, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, "", fmt.Errorf("cannot listen on %s port %d: %w", host, port, err)
	}
	p := lis.Addr().(*net.TCPAddr).Port
	return lis, net.JoinHostPort(advertised(host), strconv.Itoa(p)), nil
}

// grpcServer builds a server with the message limits of the shuffle and,
// with a secret, token checks that log refusals.
func grpcServer(secret []byte, log *slog.Logger) *grpc.Server {
	opts := shuffle.ServerOptions()
	a := auth.NewAuthenticator(secret, auth.LogRefusals(log))
	if a.Enabled() {
		opts = append(opts, a.ServerOptions()...)
	}
	return grpc.NewServer(opts...)
}

// StartMaster starts a master: its gRPC server, its membership seed, and
// optionally local executors. Workers that join become executors; workers
// that fail or leave are dropped, and the queries using them recompute
// what they lost.
func StartMaster(cfg MasterNodeConfig) (*RunningNode, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lis, rpcAddr, err := listen(cfg.Host, cfg.Port)
	if err != nil {
		return nil, err
	}
	dial := auth.DialOptions(cfg.Secret)
	m := NewMaster(MasterConfig{MaxTaskAttempts: cfg.MaxTaskAttempts, NoExecutorTimeout: cfg.NoExecutorTimeout, DialOptions: dial, Logger: log})
	srv := grpcServer(cfg.Secret, log)
	m.Register(srv)
	// Local executors are a worker inside the master, on a port of its
	// own: the master's port keeps its Flight service for Flight SQL.
	var local *Worker
	var localSrv *grpc.Server
	localAddr := ""
	if cfg.LocalExecutors > 0 {
		localLis, addr, err := listen(cfg.Host, 0)
		if err != nil {
			lis.Close()
			return nil, err
		}
		localAddr = addr
		dir := filepath.Join(cfg.WorkDir, "local-executor")
		local, err = NewWorker(WorkerConfig{Address: localAddr, WorkDir: dir, DialOptions: dial, Logger: log})
		if err != nil {
			lis.Close()
			localLis.Close()
			return nil, err
		}
		localSrv = grpcServer(cfg.Secret, log)
		local.Register(localSrv)
		go localSrv.Serve(localLis)
	}
	stopServices := func() {}
	if cfg.Services != nil {
		stopServices, err = cfg.Services(srv, rpcAddr)
		if err != nil {
			lis.Close()
			if local != nil {
				localSrv.Stop()
				local.Close()
			}
			return nil, err
		}
	}
	go srv.Serve(lis)
	// undo stops what has started when a later step fails.
	undo := func() {
		stopServices()
		srv.Stop()
		m.Close()
		if local != nil {
			localSrv.Stop()
			local.Close()
		}
	}
	node, err := membership.Start(membership.Config{
		Name:          "master-" + rpcAddr,
		BindAddr:      bindHost(cfg.Host),
		AdvertiseAddr: advertised(cfg.Host),
		BindPort:      cfg.GossipPort,
		Meta:          membership.NodeMeta{Role: membership.RoleMaster, RPCAddr: rpcAddr},
		SecretKey:     gossipKey(cfg.Secret),
		Logger:        log,
	})
	if err != nil {
		undo()
		return nil, err
	}
	if local != nil {
		if err := m.AddWorker(localAddr, cfg.LocalExecutors); err != nil {
			node.Shutdown()
			undo()
			return nil, err
		}
	}
	var ui *http.Server
	uiAddr := ""
	if cfg.UIPort >= 0 {
		uiLis, addr, err := listen(cfg.Host, cfg.UIPort)
		if err != nil {
			node.Shutdown()
			undo()
			return nil, err
		}
		uiAddr = addr
		ui = &http.Server{Handler: m.StatusHandler(), ReadHeaderTimeout: 10 * time.Second}
		go ui.Serve(uiLis)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		for {
			select {
			case ev := <-node.Events():
				if ev.Meta.Role != membership.RoleWorker {
					continue
				}
				switch ev.Type {
				case membership.EventJoin:
					if err := m.AddWorker(ev.Meta.RPCAddr, ev.Meta.Cores, ev.Meta.LocalDirs...); err != nil {
						log.Error("cannot reach a joining worker", "address", ev.Meta.RPCAddr, "error", err)
					}
				case membership.EventLeave, membership.EventFail:
					m.RemoveWorker(ev.Meta.RPCAddr)
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	stop := func() {
		cancel()
		if ui != nil {
			ui.Close()
		}
		node.Shutdown()
		undo()
		close(done)
	}
	log.Info("master started", "rpc", rpcAddr, "gossip", node.GossipAddr(), "ui", uiAddr)
	return &RunningNode{RPCAddr: rpcAddr, GossipAddr: node.GossipAddr(), UIAddr: uiAddr, stop: stop, done: done}, nil
}

// WorkerNodeConfig configures a worker process (ember worker).
type WorkerNodeConfig struct {
	// Join lists the gossip addresses to join ("host:port").
	Join []string
	// Host is the address to bind and advertise.
	Host string
	// Port is the gRPC and Flight port (0: any free port).
	Port int
	// GossipPort is the memberlist port (0: any free port).
	GossipPort int
	// Cores is how many tasks the worker runs at once.
	Cores int
	// MemoryBytes is advertised to the master, and is the worker's shuffle
	// memory budget (0: the default budget).
	MemoryBytes int64
	// WorkDir holds spilled shuffle output.
	WorkDir string
	// LocalDirs are directories on this machine's own disks: the master
	// runs the tasks reading files there on this worker when it can.
	LocalDirs []string
	Secret    []byte
	// JoinTimeout bounds the attempts to join (0: membership's default).
	JoinTimeout time.Duration
	Logger      *slog.Logger
}

// StartWorker starts a worker and joins it to the cluster. A worker that
// cannot join within the timeout (master unreachable, wrong secret) stops
// and says why.
func StartWorker(cfg WorkerNodeConfig) (*RunningNode, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Join) == 0 {
		return nil, fmt.Errorf("a worker needs --join HOST:GOSSIP_PORT (the master's gossip address)")
	}
	lis, rpcAddr, err := listen(cfg.Host, cfg.Port)
	if err != nil {
		return nil, err
	}
	if cfg.WorkDir == "" {
		if cfg.WorkDir, err = os.MkdirTemp("", "ember-worker-"); err != nil {
			lis.Close()
			return nil, err
		}
	}
	w, err := NewWorker(WorkerConfig{Address: rpcAddr, WorkDir: cfg.WorkDir, ShuffleMemory: cfg.MemoryBytes / 4,
		DialOptions: auth.DialOptions(cfg.Secret), Logger: log})
	if err != nil {
		lis.Close()
		return nil, err
	}
	srv := grpcServer(cfg.Secret, log)
	w.Register(srv)
	go srv.Serve(lis)
	node, err := membership.Start(membership.Config{
		Name:          "worker-" + rpcAddr,
		BindAddr:      bindHost(cfg.Host),
		AdvertiseAddr: advertised(cfg.Host),
		BindPort:      cfg.GossipPort,
		Meta: membership.NodeMeta{Role: membership.RoleWorker, RPCAddr: rpcAddr, Cores: max(1, cfg.Cores), MemoryBytes: cfg.MemoryBytes,
			LocalDirs: newLocalDirs(cfg.LocalDirs)},
		Join:        cfg.Join,
		JoinTimeout: cfg.JoinTimeout,
		SecretKey:   gossipKey(cfg.Secret),
		Logger:      log,
	})
	if err != nil {
		srv.Stop()
		w.Close()
		return nil, err
	}
	done := make(chan struct{})
	stop := func() {
		node.Leave(2 * time.Second)
		node.Shutdown()
		srv.Stop()
		w.Close()
		close(done)
	}
	log.Info("worker started", "rpc", rpcAddr, "gossip", node.GossipAddr(), "cores", cfg.Cores, "joined", cfg.Join)
	return &RunningNode{RPCAddr: rpcAddr, GossipAddr: node.GossipAddr(), stop: stop, done: done}, nil
}

// bindHost is the address memberlist binds.
func bindHost(host string) string {
	if host == "" {
		return "0.0.0.0"
	}
	return host
}

func gossipKey(secret []byte) []byte {
	if len(secret) == 0 {
		return nil
	}
	return auth.GossipKey(secret)
}
