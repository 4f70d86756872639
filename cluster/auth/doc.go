// Package auth turns the cluster's shared secret into the credentials that
// guard an Ember cluster.
//
// The secret is read from a file (ReadSecretFile) given to the master,
// every worker and every client with --secret-file. Two independent values
// are derived from it, so that neither reveals the secret or the other:
//
//   - GossipKey: a 32-byte AES key for memberlist's gossip encryption
//     (HKDF-SHA256 with the label "ember gossip key v1");
//   - Token: a bearer token for gRPC and Arrow Flight calls (HMAC-SHA256
//     of the label "ember rpc token v1", hex encoded).
//
// Servers install Authenticator's interceptors, which refuse calls without
// "authorization: Bearer <token>" metadata or with a wrong token
// (codes.Unauthenticated) and report each refusal with the caller's
// address; clients add TokenCredentials to their connections. Traffic is
// plain TCP: the token proves knowledge of the secret but is not protected
// from an eavesdropper on the network. With no secret configured,
// everything is allowed.
package auth
