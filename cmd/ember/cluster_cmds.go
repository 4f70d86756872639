package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/internal/size"
)

// newMasterCommand is `ember master`: the driver and scheduler of a
// cluster.
func newMasterCommand(io stdio) *cobra.Command {
	var cfg cluster.MasterNodeConfig
	var secretFile string
	var queue jobQueueOptions
	cmd := &cobra.Command{
		Use:   "master",
		Short: "Start a master: the scheduler workers join and clients send queries to",
		Long: `Start a master. Workers join it on the gossip port; clients (ember sql
--master, ember.WithMaster) send it queries on the RPC port, and it runs them
on the workers. Port 0 means any free port; the chosen ports are logged.

The master also keeps a durable job queue (ember submit, ember jobs) in
--work-dir/jobs: job records and kept results survive a restart. Its RPC
port serves Arrow Flight SQL too (flightsql://HOST:PORT for arrow-go's
database/sql driver, ADBC and JDBC), running statements on the cluster.`,
		Example: `  ember master
  ember master --port 0 --gossip-port 0 --ui-port 0 --work-dir /tmp/ember-master
  ember master --local-executors 2     # also run tasks in the master`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, err := readSecret(secretFile)
			if err != nil {
				return err
			}
			cfg.Secret = secret
			cfg.Logger = newLogger(io)
			if cfg.WorkDir == "" {
				cfg.WorkDir = filepath.Join(os.TempDir(), "ember-master")
			}
			if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
				return fmt.Errorf("--work-dir: %w", err)
			}
			if queue.maxRunning < 1 {
				return fmt.Errorf("--max-running-jobs %d: must be at least 1", queue.maxRunning)
			}
			if queue.retention <= 0 {
				return fmt.Errorf("--job-retention %s: must be positive", queue.retention)
			}
			queue.workDir, queue.secret, queue.logger = cfg.WorkDir, secret, cfg.Logger
			cfg.Services = masterServices(jobQueueService(queue), flightSQLService(secret, cfg.Logger))
			node, err := cluster.StartMaster(cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.err, "ember master: rpc %s, gossip %s, ui %s\n", node.RPCAddr, node.GossipAddr, node.UIAddr)
			return waitForSignal(cmd.Context(), node)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Host, "host", "0.0.0.0", "address to bind (advertised as 127.0.0.1 when it is 0.0.0.0)")
	f.IntVar(&cfg.Port, "port", 7077, "gRPC port of the control API (0: any free port)")
	f.IntVar(&cfg.GossipPort, "gossip-port", 7946, "gossip port workers join (0: any free port)")
	f.IntVar(&cfg.UIPort, "ui-port", 8080, "port of the status page (0: any free port, -1: none)")
	f.StringVar(&cfg.WorkDir, "work-dir", "", "directory for the master's files (default: $TMPDIR/ember-master)")
	f.StringVar(&secretFile, "secret-file", "", "file holding the cluster's shared secret")
	f.IntVar(&cfg.LocalExecutors, "local-executors", 0, "run tasks in the master too, on this many slots")
	f.IntVar(&cfg.MaxTaskAttempts, "max-task-attempts", 4, "how many times a task may run before the query fails")
	f.DurationVar(&cfg.NoExecutorTimeout, "no-worker-timeout", time.Minute, "how long a query waits for a worker before failing")
	f.IntVar(&queue.maxRunning, "max-running-jobs", 2, "jobs (ember submit) run at once; the others wait in the queue")
	f.DurationVar(&queue.retention, "job-retention", 7*24*time.Hour, "how long the results of finished jobs are kept")
	return cmd
}

// newWorkerCommand is `ember worker`: an executor that joins a master.
func newWorkerCommand(io stdio) *cobra.Command {
	var cfg cluster.WorkerNodeConfig
	var join, memory, secretFile string
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Start a worker: it joins a master and runs the tasks it is given",
		Example: `  ember worker --join 127.0.0.1:7946
  ember worker --join master:7946 --port 0 --gossip-port 0 --cores 4 --memory 8g
  ember worker --join master:7946 --local-dir /data/disk1   # files there are read here`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if join == "" {
				return fmt.Errorf("--join HOST:GOSSIP_PORT is required (the master's gossip address)")
			}
			secret, err := readSecret(secretFile)
			if err != nil {
				return err
			}
			if memory != "" {
				if cfg.MemoryBytes, err = size.Parse(memory); err != nil {
					return fmt.Errorf("--memory: %w", err)
				}
			}
			cfg.Join, cfg.Secret, cfg.Logger = []string{join}, secret, newLogger(io)
			if cfg.Cores < 1 {
				return fmt.Errorf("--cores %d: must be at least 1", cfg.Cores)
			}
			// A worker given fewer cores than the machine has keeps to them,
			// garbage collector included, as an executor with N cores does:
			// several workers on one machine then do not crowd each other.
			if cfg.Cores < runtime.NumCPU() && os.Getenv("GOMAXPROCS") == "" {
				runtime.GOMAXPROCS(cfg.Cores)
			}
			if cfg.WorkDir != "" {
				if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
					return fmt.Errorf("--work-dir: %w", err)
				}
			}
			node, err := cluster.StartWorker(cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.err, "ember worker: rpc %s, gossip %s, joined %s\n", node.RPCAddr, node.GossipAddr, join)
			return waitForSignal(cmd.Context(), node)
		},
	}
	f := cmd.Flags()
	f.StringVar(&join, "join", "", "the master's gossip address, `HOST:GOSSIP_PORT`")
	f.StringVar(&cfg.Host, "host", "0.0.0.0", "address to bind (advertised as 127.0.0.1 when it is 0.0.0.0)")
	f.IntVar(&cfg.Port, "port", 0, "gRPC and Flight port (0: any free port)")
	f.IntVar(&cfg.GossipPort, "gossip-port", 0, "gossip port (0: any free port)")
	f.IntVar(&cfg.Cores, "cores", runtime.NumCPU(), "tasks run at once; below the machine's CPUs, the worker also uses no more CPUs than this")
	f.StringVar(&memory, "memory", "", "memory for the worker (`SIZE`, e.g. 8g); a quarter holds shuffle output before it spills")
	f.StringVar(&cfg.WorkDir, "work-dir", "", "directory for spilled shuffle output (default: a new temporary directory)")
	f.StringArrayVar(&cfg.LocalDirs, "local-dir", nil, "a `DIR` on this machine's own disks: tasks reading files there run here when they can (repeatable)")
	f.StringVar(&secretFile, "secret-file", "", "file holding the cluster's shared secret")
	f.DurationVar(&cfg.JoinTimeout, "join-timeout", 30*time.Second, "give up joining after this long")
	return cmd
}

// readSecret reads --secret-file, when given.
func readSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	secret, err := auth.ReadSecretFile(path)
	if err != nil {
		return nil, fmt.Errorf("--secret-file: %w", err)
	}
	return secret, nil
}

// newLogger logs to stderr, one line per event.
func newLogger(io stdio) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.err, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// waitForSignal runs until SIGINT or SIGTERM, then stops the node (a
// worker leaves the cluster first).
func waitForSignal(ctx context.Context, node *cluster.RunningNode) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case <-node.Done():
	}
	node.Stop()
	return nil
}
