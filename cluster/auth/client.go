package auth

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// TokenCredentials adds the cluster token to every call of a client
// connection. It implements credentials.PerRPCCredentials.
type TokenCredentials struct {
	header string
}

var _ credentials.PerRPCCredentials = (*TokenCredentials)(nil)

// NewTokenCredentials returns credentials carrying Token(secret), or nil
// when secret is empty.
func NewTokenCredentials(secret []byte) *TokenCredentials {
	tok := Token(secret)
	if tok == "" {
		return nil
	}
	return &TokenCredentials{header: "Bearer " + tok}
}

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (c *TokenCredentials) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	return map[string]string{authorizationKey: c.header}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials. It is
// false: cluster traffic is plain TCP, so gRPC must send the token without
// TLS.
func (c *TokenCredentials) RequireTransportSecurity() bool { return false }

// DialOptions returns the options that make a client connection carry the
// token for secret: none when secret is empty.
func DialOptions(secret []byte) []grpc.DialOption {
	c := NewTokenCredentials(secret)
	if c == nil {
		return nil
	}
	return []grpc.DialOption{grpc.WithPerRPCCredentials(c)}
}
