package membership_test

import (
	"fmt"
	"time"

	"github.com/ember-sql/ember/cluster/membership"
)

// A master starts the cluster; a worker joins it through the master's
// gossip address and both see each other's metadata.
func Example() {
	master, err := membership.Start(membership.Config{
		Name:     "master",
		BindAddr: "127.0.0.1", // BindPort 0: any free port
		Meta:     membership.NodeMeta{Role: membership.RoleMaster, RPCAddr: "127.0.0.1:7077"},
		Profile:  membership.ProfileFast,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer master.Shutdown()

	worker, err := membership.Start(membership.Config{
		Name:        "worker-1",
		BindAddr:    "127.0.0.1",
		Meta:        membership.NodeMeta{Role: membership.RoleWorker, RPCAddr: "127.0.0.1:7078", Cores: 4, MemoryBytes: 8 << 30},
		Join:        []string{master.GossipAddr()},
		JoinTimeout: 10 * time.Second,
		Profile:     membership.ProfileFast,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	ev := <-master.Events()
	fmt.Println(ev.Type, ev.Name, ev.Meta.RPCAddr, ev.Meta.Cores)
	for _, m := range worker.Members() {
		fmt.Println(m.Name, m.Meta.Role, m.Meta.RPCAddr)
	}

	_ = worker.Leave(time.Second)
	ev = <-master.Events()
	fmt.Println(ev.Type, ev.Name)
	// Output:
	// join worker-1 127.0.0.1:7078 4
	// worker-1 worker 127.0.0.1:7078
	// master master 127.0.0.1:7077
	// leave worker-1
}
