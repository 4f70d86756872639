package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Labels bind each derived value to its use; changing one changes the
// value, so they carry a version.
const (
	gossipKeyLabel = "ember gossip key v1"
	tokenLabel     = "ember rpc token v1"
)

// GossipKeySize is the length of GossipKey's result: an AES-256 key.
const GossipKeySize = 32

// GossipKey derives memberlist's gossip encryption key (its SecretKey) from
// the cluster secret with HKDF-SHA256 (RFC 5869, no salt, the gossip label
// as info). It returns nil, meaning no encryption, when secret is empty.
func GossipKey(secret []byte) []byte {
	if len(secret) == 0 {
		return nil
	}
	// HKDF for one hash-sized block, written out rather than calling
	// crypto/hkdf, whose error (impossible for 32 bytes) would need a
	// panic here: extract with an all-zero salt, then expand once.
	extract := hmac.New(sha256.New, make([]byte, sha256.Size))
	extract.Write(secret)
	prk := extract.Sum(nil)
	expand := hmac.New(sha256.New, prk)
	expand.Write([]byte(gossipKeyLabel))
	expand.Write([]byte{1})
	return expand.Sum(nil)[:GossipKeySize]
}

// Token derives the bearer token that gRPC and Flight calls carry from the
// cluster secret: HMAC-SHA256 of the token label keyed by the secret, in
// hex. It returns "" when secret is empty.
func Token(secret []byte) string {
	if len(secret) == 0 {
		return ""
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(tokenLabel))
	return hex.EncodeToString(mac.Sum(nil))
}
