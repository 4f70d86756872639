package membership

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hashicorp/memberlist"
)

// Profile selects memberlist's failure-detection timings; see the package
// documentation for the numbers.
type Profile int

const (
	// ProfileLAN is memberlist's DefaultLANConfig (with suspicion capped
	// at twice its base): a SIGKILLed member is seen as failed in about
	// 5-7 seconds.
	ProfileLAN Profile = iota
	// ProfileFast is for loopback clusters and tests: a SIGKILLed member is
	// seen as failed in about 1.5-2.5 seconds.
	ProfileFast
)

// String names the profile.
func (p Profile) String() string {
	switch p {
	case ProfileLAN:
		return "lan"
	case ProfileFast:
		return "fast"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

// Defaults used when the corresponding Config field is zero.
const (
	// DefaultJoinTimeout bounds how long Start keeps trying the seeds.
	DefaultJoinTimeout = 30 * time.Second
	// DefaultJoinRetry is the first wait between join attempts; it doubles
	// up to maxJoinRetry.
	DefaultJoinRetry = 250 * time.Millisecond
	maxJoinRetry     = 4 * time.Second
)

// gossipLabel is stamped on every gossip message; memberlist refuses
// messages with another label, so only Ember nodes form a cluster.
const gossipLabel = "ember"

// Config describes the node to start.
type Config struct {
	// Name identifies the node in the cluster and must be unique. Empty
	// means the host name followed by a random suffix.
	Name string
	// BindAddr is the address to listen on for gossip (UDP and TCP). Empty
	// means all interfaces ("0.0.0.0").
	BindAddr string
	// BindPort is the gossip port; 0 picks a free port, which
	// Node.GossipPort reports.
	BindPort int
	// AdvertiseAddr, when set, is the address other nodes reach this one
	// at, for when BindAddr is not routable (all interfaces, NAT).
	AdvertiseAddr string
	// Meta is what this node advertises; its Role must be set.
	Meta NodeMeta
	// Join lists seeds ("host:port" gossip addresses). Empty starts a new
	// cluster, as the master does.
	Join []string
	// JoinTimeout bounds the time spent trying the seeds (default
	// DefaultJoinTimeout).
	JoinTimeout time.Duration
	// JoinRetry is the first wait between join attempts (default
	// DefaultJoinRetry); it doubles after each failed attempt.
	JoinRetry time.Duration
	// SecretKey encrypts gossip: 16, 24 or 32 bytes (auth.GossipKey gives
	// 32). Nil means no encryption.
	SecretKey []byte
	// Profile selects failure-detection timings (default ProfileLAN).
	Profile Profile
	// Logger receives this package's and memberlist's logs; nil discards
	// them.
	Logger *slog.Logger
}

// withDefaults fills zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Name == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "ember"
		}
		var suffix [4]byte
		_, _ = rand.Read(suffix[:])
		c.Name = host + "-" + hex.EncodeToString(suffix[:])
	}
	if c.BindAddr == "" {
		c.BindAddr = "0.0.0.0"
	}
	if c.BindPort < 0 || c.BindPort > 65535 {
		return c, fmt.Errorf("membership: gossip port %d is out of range 0-65535", c.BindPort)
	}
	if c.JoinTimeout < 0 || c.JoinRetry < 0 {
		return c, fmt.Errorf("membership: negative join timeout or retry")
	}
	if c.JoinTimeout == 0 {
		c.JoinTimeout = DefaultJoinTimeout
	}
	if c.JoinRetry == 0 {
		c.JoinRetry = DefaultJoinRetry
	}
	switch len(c.SecretKey) {
	case 0, 16, 24, 32:
	default:
		return c, fmt.Errorf("membership: gossip key is %d bytes; it must be 16, 24 or 32", len(c.SecretKey))
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// memberlistConfig translates c (with defaults filled) into memberlist's
// configuration; the delegates are set by Start.
func (c Config) memberlistConfig() (*memberlist.Config, error) {
	var mc *memberlist.Config
	switch c.Profile {
	case ProfileLAN:
		mc = memberlist.DefaultLANConfig()
	case ProfileFast:
		mc = memberlist.DefaultLocalConfig()
		mc.ProbeInterval = 300 * time.Millisecond
		mc.ProbeTimeout = 200 * time.Millisecond
		mc.SuspicionMult = 3
		mc.GossipInterval = 50 * time.Millisecond
		mc.PushPullInterval = 5 * time.Second
		mc.GossipToTheDeadTime = 5 * time.Second
		mc.TCPTimeout = time.Second
	default:
		return nil, fmt.Errorf("membership: unknown profile %d", int(c.Profile))
	}
	// memberlist lets a suspicion last up to 6 times its base while waiting
	// for other members to confirm it. The number of confirmations wanted
	// grows with the node count, which still includes members that left or
	// died in the last GossipToTheDeadTime, so in a small cluster that just
	// lost a node the confirmations never come and detection takes the
	// full 6x (24s for LAN). Ember clusters are small: cap it at 2x.
	mc.SuspicionMaxTimeoutMult = 2
	mc.Name = c.Name
	mc.BindAddr = c.BindAddr
	mc.BindPort = c.BindPort
	mc.AdvertisePort = c.BindPort
	if c.AdvertiseAddr != "" {
		mc.AdvertiseAddr = c.AdvertiseAddr
	}
	mc.Label = gossipLabel
	if len(c.SecretKey) > 0 {
		// memberlist keeps the slice; give it its own copy.
		mc.SecretKey = append([]byte(nil), c.SecretKey...)
	}
	mc.Logger = memberlistLogger(c.Logger)
	return mc, nil
}
