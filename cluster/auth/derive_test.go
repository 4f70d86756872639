package auth

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestGossipKeyIsHKDF checks the hand-written HKDF against crypto/hkdf.
func TestGossipKeyIsHKDF(t *testing.T) {
	for _, secret := range []string{"s", "correct horse battery staple", string(bytes.Repeat([]byte{0xff}, 200))} {
		want, err := hkdf.Key(sha256.New, []byte(secret), nil, gossipKeyLabel, GossipKeySize)
		if err != nil {
			t.Fatal(err)
		}
		if got := GossipKey([]byte(secret)); !bytes.Equal(got, want) {
			t.Errorf("GossipKey(%q) = %x, want %x", secret, got, want)
		}
	}
}

// TestDerivedValues checks that keys and tokens are deterministic, differ
// between secrets and from each other, and are absent without a secret.
func TestDerivedValues(t *testing.T) {
	a, b := []byte("secret-a"), []byte("secret-b")
	if len(GossipKey(a)) != GossipKeySize {
		t.Fatalf("gossip key is %d bytes", len(GossipKey(a)))
	}
	if !bytes.Equal(GossipKey(a), GossipKey([]byte("secret-a"))) || Token(a) != Token([]byte("secret-a")) {
		t.Error("derivation is not deterministic")
	}
	if bytes.Equal(GossipKey(a), GossipKey(b)) || Token(a) == Token(b) {
		t.Error("different secrets give the same values")
	}
	tok := Token(a)
	raw, err := hex.DecodeString(tok)
	if err != nil || len(raw) != sha256.Size {
		t.Fatalf("token %q is not 32 bytes of hex", tok)
	}
	if bytes.Equal(raw, GossipKey(a)) {
		t.Error("token equals the gossip key")
	}
	if bytes.Contains([]byte(tok), a) || bytes.Contains(GossipKey(a), a) {
		t.Error("derived values contain the secret")
	}
	if GossipKey(nil) != nil || GossipKey([]byte{}) != nil || Token(nil) != "" {
		t.Error("empty secret yields values")
	}
}
