package auth

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// authorizationKey is the metadata key of the token (gRPC lower-cases
// keys).
const authorizationKey = "authorization"

// bearerPrefix starts the authorization value; the scheme is matched
// without regard to case, as HTTP does.
const bearerPrefix = "bearer "

// Refusal describes a call the Authenticator refused.
type Refusal struct {
	// Peer is the caller's network address, or "unknown".
	Peer string
	// Method is the full gRPC method name, "/package.Service/Method".
	Method string
	// Reason says what was wrong with the credentials.
	Reason string
}

// Authenticator checks the bearer token of incoming gRPC calls.
type Authenticator struct {
	token    []byte
	onRefuse func(Refusal)
}

// NewAuthenticator returns an Authenticator that accepts calls carrying
// Token(secret). With an empty secret it accepts every call. onRefuse, when
// not nil, is called for every refused call, for example to log it on the
// master; it must be safe for concurrent use.
func NewAuthenticator(secret []byte, onRefuse func(Refusal)) *Authenticator {
	a := &Authenticator{onRefuse: onRefuse}
	if tok := Token(secret); tok != "" {
		a.token = []byte(tok)
	}
	return a
}

// Enabled reports whether calls are checked (a secret was configured).
func (a *Authenticator) Enabled() bool { return a.token != nil }

// Check returns nil when the call whose server context is ctx carries the
// right token, and a codes.Unauthenticated status error otherwise. method
// is only used to report a refusal.
func (a *Authenticator) Check(ctx context.Context, method string) error {
	if a.token == nil {
		return nil
	}
	reason := a.verify(ctx)
	if reason == "" {
		return nil
	}
	if a.onRefuse != nil {
		a.onRefuse(Refusal{Peer: peerAddr(ctx), Method: method, Reason: reason})
	}
	return status.Error(codes.Unauthenticated, "ember: "+reason)
}

// verify returns why the call's credentials are not acceptable, or "".
func (a *Authenticator) verify(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get(authorizationKey)
	if len(values) == 0 {
		return "missing authorization token: this cluster requires its shared secret (--secret-file)"
	}
	v := values[0]
	if len(v) < len(bearerPrefix) || !strings.EqualFold(v[:len(bearerPrefix)], bearerPrefix) {
		return `malformed authorization header: want "Bearer <token>"`
	}
	got := []byte(strings.TrimSpace(v[len(bearerPrefix):]))
	if subtle.ConstantTimeCompare(got, a.token) != 1 {
		return "invalid authorization token: the caller's secret does not match this cluster's"
	}
	return ""
}

// peerAddr is the caller's address for refusal reports.
func peerAddr(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return "unknown"
}

// UnaryServerInterceptor checks unary calls.
func (a *Authenticator) UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if err := a.Check(ctx, info.FullMethod); err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor checks streaming calls (Arrow Flight's DoGet
// among them) before the handler runs.
func (a *Authenticator) StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if err := a.Check(ss.Context(), info.FullMethod); err != nil {
			return err
		}
		return handler(srv, ss)
	}
}

// ServerOptions returns the options that install both interceptors, to
// pass to grpc.NewServer (they chain with other interceptors).
func (a *Authenticator) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(a.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(a.StreamServerInterceptor()),
	}
}

// LogRefusals returns an onRefuse hook for NewAuthenticator that logs each
// refusal on logger at Warn level.
func LogRefusals(logger *slog.Logger) func(Refusal) {
	return func(r Refusal) {
		logger.Warn("auth: refused a call", "peer", r.Peer, "method", r.Method, "reason", r.Reason)
	}
}
