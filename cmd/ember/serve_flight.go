package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/flightserver"
	"github.com/ember-sql/ember/shuffle"
)

// runServeFlight is `ember sql --serve-flight HOST:PORT`: it opens the
// session with its tables, runs the -e and -f inputs if any (to create
// views, say), then serves the session over Arrow Flight SQL until SIGINT
// or SIGTERM. With --secret-file, every call needs the cluster's token.
func runServeFlight(ctx context.Context, io stdio, opts *sqlOptions, conf []ember.Option, tables []tableArg) error {
	secret, err := readSecret(opts.secret)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sess, err := openSession(ctx, conf, opts.data, tables)
	if err != nil {
		return err
	}
	defer sess.Close()
	if len(opts.inputs) > 0 {
		scripts, err := loadScripts(ctx, io, opts.inputs)
		if err != nil {
			return err
		}
		if err := runScripts(ctx, io, sess, opts, scripts); err != nil {
			return err
		}
	}
	lis, err := net.Listen("tcp", opts.serveFlight)
	if err != nil {
		return fmt.Errorf("--serve-flight: %w", err)
	}
	log := newLogger(io)
	grpcOpts := shuffle.ServerOptions()
	if a := auth.NewAuthenticator(secret, auth.LogRefusals(log)); a.Enabled() {
		grpcOpts = append(grpcOpts, a.ServerOptions()...)
	}
	srv := grpc.NewServer(grpcOpts...)
	fs := flightserver.New(flightserver.Config{Session: sess, Logger: log, Version: version})
	fs.Register(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	fmt.Fprintf(io.err, "serving Flight SQL on %s\n", connectAddr(lis.Addr()))
	select {
	case <-ctx.Done():
	case err := <-served:
		fs.Close()
		return fmt.Errorf("--serve-flight: %w", err)
	}
	// Stop the running queries, then the connections.
	fs.Close()
	srv.Stop()
	<-served
	return nil
}

// connectAddr is the address clients on this machine reach a listener at:
// an unspecified host (0.0.0.0, ::) becomes 127.0.0.1.
func connectAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
