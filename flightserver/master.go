package flightserver

import (
	"context"

	"google.golang.org/grpc"

	"github.com/ember-sql/ember"
)

// MasterServices returns a hook for cluster.MasterNodeConfig.Services that
// serves Flight SQL on the master's gRPC port (with the master's
// authentication and message limits). Unless cfg.Session is set, the
// session is opened by open, given the master's address, on the first
// call: a cluster session dials the master, which serves only once the
// hook has returned. The returned stop closes the server (and the session
// it opened).
func MasterServices(cfg Config, open func(ctx context.Context, masterAddr string) (*ember.Session, error)) func(srv *grpc.Server, rpcAddr string) (stop func(), err error) {
	return func(srv *grpc.Server, rpcAddr string) (func(), error) {
		c := cfg
		if c.Session == nil && open != nil {
			c.Connect = func(ctx context.Context) (*ember.Session, error) { return open(ctx, rpcAddr) }
		}
		s := New(c)
		s.Register(srv)
		return func() { s.Close() }, nil
	}
}
