// Package membership tells every Ember node which other nodes are alive.
//
// It wraps github.com/hashicorp/memberlist (SWIM gossip): the master starts
// a node with no seeds, workers start one that joins the master's gossip
// address. Each node advertises a small NodeMeta (its role, the gRPC and
// Flight address, cores and memory) that every other node can read, and
// each node reports Join, Update, Leave (graceful) and Fail (detected by
// probing) events about the others on a channel.
//
// # Failure detection timings
//
// memberlist probes one random member every probe interval. A member that
// answers neither a direct probe (within the probe timeout) nor the indirect
// probes relayed by other members becomes suspect; it is declared dead when
// the suspicion timeout ends without a refutation. The suspicion timeout is
// SuspicionMult × probe interval × max(1, log10(n)); it starts up to twice
// that (memberlist's default is 6 times, Ember caps it at 2) and shrinks to
// the base as other members confirm the suspicion.
//
//	profile      probe interval  probe timeout  suspicion (n<10)  SIGKILL seen as Fail
//	ProfileLAN   1s              500ms          4s to 8s          about 5-7s, at most about 10s
//	ProfileFast  300ms           200ms          0.9s to 1.8s      about 1.5-2.5s, at most about 3s
//
// (Measured on loopback with three nodes: ProfileLAN 5.8-6.8s, ProfileFast
// 1.4-2.2s.) A graceful Leave reaches the others within a few gossip
// intervals (under 100ms on loopback); a join takes one TCP round trip.
//
// ProfileLAN, the default, is memberlist's DefaultLANConfig with that cap. ProfileFast
// suits loopback clusters and tests; on a loaded machine it may declare a
// slow but live member failed (it then rejoins, producing a Fail followed by
// a Join).
//
// # Joining
//
// A joining node contacts its seeds until one answers or Config.JoinTimeout
// passes, waiting between attempts with a doubling back-off, then gives up
// with an error that names the seeds and the last cause. A single attempt
// can block for up to memberlist's TCP timeout (10s for ProfileLAN, 1s for
// ProfileFast) on an address that drops packets, so the worst case is
// JoinTimeout plus one TCP timeout.
//
// # Leave and failure
//
// memberlist reports a member that left and one declared dead alike, so
// Node.Leave first gossips its metadata with a "leaving" flag and then
// leaves; the others report EventLeave when the flag arrived first and
// EventFail otherwise. A scheduler should treat both as the loss of the
// member; only the log message differs.
//
// memberlist's Shutdown does not wait for a probe already in flight: one of
// its goroutines can outlive Node.Shutdown by up to a few probe intervals.
// Leak checks (goleak) must retry for that long.
//
// # Security
//
// With Config.SecretKey set (see package cluster/auth's GossipKey), all
// gossip is encrypted and authenticated with AES-GCM; a node with another
// key, or none, cannot join: the seed drops its messages and the join fails.
// Gossip is also labelled "ember", so a node of another memberlist cluster
// cannot join by mistake.
package membership
