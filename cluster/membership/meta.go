package membership

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/memberlist"
)

// Node roles carried in NodeMeta.Role.
const (
	// RoleMaster is the driver and scheduler.
	RoleMaster = "master"
	// RoleWorker runs tasks and serves shuffle output.
	RoleWorker = "worker"
)

// NodeMeta is what a node advertises about itself to the others.
type NodeMeta struct {
	// Role is RoleMaster or RoleWorker.
	Role string `json:"role"`
	// RPCAddr is the "host:port" of the node's gRPC server, which also
	// serves Arrow Flight.
	RPCAddr string `json:"rpc"`
	// Cores is the number of tasks the node runs at once.
	Cores int `json:"cores,omitempty"`
	// MemoryBytes is the memory the node gives its tasks.
	MemoryBytes int64 `json:"mem,omitempty"`
	// LocalDirs are directories on the node's own disks: tasks reading
	// files there are best run on it.
	LocalDirs []string `json:"dirs,omitempty"`
}

// Validate reports whether m is well formed.
func (m NodeMeta) Validate() error {
	switch m.Role {
	case RoleMaster, RoleWorker:
	default:
		return fmt.Errorf("membership: node role %q is neither %q nor %q", m.Role, RoleMaster, RoleWorker)
	}
	if m.Cores < 0 {
		return fmt.Errorf("membership: node cores %d is negative", m.Cores)
	}
	if m.MemoryBytes < 0 {
		return fmt.Errorf("membership: node memory %d is negative", m.MemoryBytes)
	}
	return nil
}

// wireMeta is NodeMeta as gossiped. Leaving is set by Node.Leave just
// before it announces its departure: memberlist does not tell the other
// nodes' NotifyLeave whether a node left or was declared dead (the state it
// passes is always "alive"), but it does pass the node's latest metadata.
type wireMeta struct {
	NodeMeta
	Leaving bool `json:"leaving,omitempty"`
}

// encodeMeta serializes m as compact JSON and checks that it fits in
// memberlist's metadata limit (memberlist panics beyond it).
func encodeMeta(m NodeMeta, leaving bool) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(wireMeta{NodeMeta: m, Leaving: leaving})
	if err != nil {
		return nil, fmt.Errorf("membership: encode node metadata: %w", err)
	}
	if len(b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("membership: node metadata is %d bytes, more than memberlist's limit of %d", len(b), memberlist.MetaMaxSize)
	}
	return b, nil
}

// decodeMeta parses metadata received from another node.
func decodeMeta(b []byte) (meta NodeMeta, leaving bool, err error) {
	var w wireMeta
	if len(b) == 0 {
		return meta, false, fmt.Errorf("membership: node has no metadata")
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return meta, false, fmt.Errorf("membership: decode node metadata: %w", err)
	}
	if err := w.NodeMeta.Validate(); err != nil {
		return meta, false, err
	}
	return w.NodeMeta, w.Leaving, nil
}
