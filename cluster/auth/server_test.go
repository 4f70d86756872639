package auth

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// refusals records the Authenticator's refusal reports.
type refusals struct {
	mu   sync.Mutex
	list []Refusal
}

func (r *refusals) add(x Refusal) {
	r.mu.Lock()
	r.list = append(r.list, x)
	r.mu.Unlock()
}

func (r *refusals) take() []Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.list
	r.list = nil
	return out
}

// startServer runs a gRPC health service guarded by secret on 127.0.0.1:0
// and returns its address.
func startServer(t *testing.T, secret []byte, rec *refusals) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(secret, rec.add)
	srv := grpc.NewServer(a.ServerOptions()...)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-done
	})
	return lis.Addr().String()
}

// dial connects to addr with opts and closes the connection at the end.
func dial(t *testing.T, addr string, opts ...grpc.DialOption) healthpb.HealthClient {
	t.Helper()
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return healthpb.NewHealthClient(conn)
}

// callBoth makes a unary Check and a streaming Watch call and returns
// their errors.
func callBoth(t *testing.T, c healthpb.HealthClient, ctx context.Context) (unary, stream error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, unary = c.Check(ctx, &healthpb.HealthCheckRequest{})
	w, err := c.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return unary, err
	}
	_, stream = w.Recv()
	return unary, stream
}

func TestInterceptors(t *testing.T) {
	secret := []byte("cluster secret")
	rec := &refusals{}
	addr := startServer(t, secret, rec)
	token := Token(secret)

	tests := []struct {
		name   string
		opts   []grpc.DialOption
		header string // set by hand when not empty
		reason string // "" means accepted
	}{
		{"right secret", DialOptions(secret), "", ""},
		{"scheme in lower case", nil, "bearer " + token, ""},
		{"wrong secret", DialOptions([]byte("other secret")), "", "invalid authorization token"},
		{"no secret", DialOptions(nil), "", "missing authorization token"},
		{"empty token", nil, "Bearer ", "invalid authorization token"},
		{"token prefix", nil, "Bearer " + token[:32], "invalid authorization token"},
		{"basic scheme", nil, "Basic " + token, "malformed authorization header"},
		{"bare token", nil, token, "malformed authorization header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, addr, tt.opts...)
			ctx := context.Background()
			if tt.header != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", tt.header)
			}
			unary, stream := callBoth(t, c, ctx)
			got := rec.take()
			if tt.reason == "" {
				if unary != nil || stream != nil {
					t.Fatalf("refused: unary %v, stream %v", unary, stream)
				}
				if len(got) != 0 {
					t.Fatalf("refusals reported for accepted calls: %v", got)
				}
				return
			}
			for _, err := range []error{unary, stream} {
				if status.Code(err) != codes.Unauthenticated || !strings.Contains(err.Error(), tt.reason) {
					t.Errorf("error = %v, want Unauthenticated mentioning %q", err, tt.reason)
				}
			}
			if len(got) != 2 {
				t.Fatalf("%d refusals reported, want 2: %v", len(got), got)
			}
			methods := []string{"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"}
			for i, r := range got {
				if !strings.HasPrefix(r.Peer, "127.0.0.1:") || r.Method != methods[i] || !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("refusal %+v, want peer 127.0.0.1:*, method %s, reason %q", r, methods[i], tt.reason)
				}
			}
		})
	}
}

// TestNoSecretAllowsAll checks that a server without a secret accepts
// calls with or without a token.
func TestNoSecretAllowsAll(t *testing.T) {
	rec := &refusals{}
	addr := startServer(t, nil, rec)
	if NewAuthenticator(nil, nil).Enabled() || !NewAuthenticator([]byte("x"), nil).Enabled() {
		t.Fatal("Enabled does not follow the secret")
	}
	for _, opts := range [][]grpc.DialOption{nil, DialOptions([]byte("some secret"))} {
		unary, stream := callBoth(t, dial(t, addr, opts...), context.Background())
		if unary != nil || stream != nil {
			t.Fatalf("refused: unary %v, stream %v", unary, stream)
		}
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refusals reported: %v", got)
	}
}

// TestTokenCredentials checks the client side's metadata.
func TestTokenCredentials(t *testing.T) {
	if NewTokenCredentials(nil) != nil || DialOptions(nil) != nil {
		t.Fatal("credentials without a secret")
	}
	c := NewTokenCredentials([]byte("s"))
	md, err := c.GetRequestMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if md["authorization"] != "Bearer "+Token([]byte("s")) {
		t.Fatalf("metadata = %v", md)
	}
	if c.RequireTransportSecurity() {
		t.Fatal("credentials require TLS; the cluster runs plain TCP")
	}
}

// TestLogRefusals checks that the logging hook names the peer and reason.
func TestLogRefusals(t *testing.T) {
	var buf strings.Builder
	hook := LogRefusals(slog.New(slog.NewTextHandler(&buf, nil)))
	hook(Refusal{Peer: "10.1.2.3:555", Method: "/ember.Master/Submit", Reason: "missing authorization token"})
	out := buf.String()
	for _, want := range []string{"level=WARN", "10.1.2.3:555", "/ember.Master/Submit", "missing authorization token"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q lacks %q", out, want)
		}
	}
}
