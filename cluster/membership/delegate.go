package membership

import (
	"sync"
)

// metaDelegate is memberlist's Delegate: it hands out this node's encoded
// metadata. Ember sends no user messages over gossip, so the rest is empty.
type metaDelegate struct {
	mu   sync.Mutex
	meta []byte
}

func (d *metaDelegate) set(b []byte) {
	d.mu.Lock()
	d.meta = b
	d.mu.Unlock()
}

// NodeMeta implements memberlist.Delegate. The encoded size was checked
// against memberlist.MetaMaxSize when it was set.
func (d *metaDelegate) NodeMeta(limit int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.meta) > limit {
		return nil
	}
	return d.meta
}

// NotifyMsg implements memberlist.Delegate.
func (d *metaDelegate) NotifyMsg([]byte) {}

// GetBroadcasts implements memberlist.Delegate.
func (d *metaDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }

// LocalState implements memberlist.Delegate.
func (d *metaDelegate) LocalState(join bool) []byte { return nil }

// MergeRemoteState implements memberlist.Delegate.
func (d *metaDelegate) MergeRemoteState(buf []byte, join bool) {}
