package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"google.golang.org/grpc"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/flightserver"
	"github.com/ember-sql/ember/jobs"
)

// masterService starts one more service on the master's gRPC server, which
// answers on rpcAddr; stop ends it.
type masterService func(srv *grpc.Server, rpcAddr string) (stop func(), err error)

// jobQueueOptions are the flags of `ember master` that configure its job
// queue.
type jobQueueOptions struct {
	workDir    string        // the master's --work-dir; the queue keeps its files in jobs/
	maxRunning int           // --max-running-jobs
	retention  time.Duration // --job-retention
	secret     []byte
	logger     *slog.Logger
}

// masterServices is the Services hook of `ember master`: it starts every
// service the master hosts beside its own, in order, and stops them in the
// reverse order. If one fails to start, those started are stopped again.
func masterServices(services ...masterService) func(srv *grpc.Server, rpcAddr string) (func(), error) {
	return func(srv *grpc.Server, rpcAddr string) (func(), error) {
		var stops []func()
		stopAll := func() {
			for i := len(stops) - 1; i >= 0; i-- {
				stops[i]()
			}
		}
		for _, start := range services {
			stop, err := start(srv, rpcAddr)
			if err != nil {
				stopAll()
				return nil, err
			}
			stops = append(stops, stop)
		}
		return stopAll, nil
	}
}

// jobQueueService is the durable job queue (ember submit, ember jobs): its
// store lives in the master's work dir, and its jobs run as sessions of
// the master itself, through its own address, with the cluster's secret.
func jobQueueService(opts jobQueueOptions) masterService {
	return func(srv *grpc.Server, rpcAddr string) (func(), error) {
		m, err := jobs.Open(jobs.Config{
			WorkDir:    filepath.Join(opts.workDir, "jobs"),
			MaxRunning: opts.maxRunning,
			Retention:  opts.retention,
			Runner:     &jobs.SessionRunner{Master: rpcAddr, Secret: opts.secret},
			Logger:     opts.logger,
		})
		if err != nil {
			return nil, fmt.Errorf("job queue: %w", err)
		}
		jobs.NewService(m).Register(srv)
		return func() {
			if err := m.Close(); err != nil {
				opts.logger.Error("closing the job queue", "error", err)
			}
		}, nil
	}
}

// flightSQLService serves Arrow Flight SQL on the master's port: its
// statements run in one session of the master itself, opened on the first
// call (the master serves only once its services are registered), with the
// cluster's secret. Clients present auth.Token(secret) as a bearer token.
func flightSQLService(secret []byte, logger *slog.Logger) masterService {
	return flightserver.MasterServices(flightserver.Config{Logger: logger, Version: version},
		func(ctx context.Context, addr string) (*ember.Session, error) {
			return ember.NewSession(ctx, ember.WithMaster(addr), ember.WithSecret(secret), ember.WithAppName("flight-sql"))
		})
}
