// Package cluster runs stage plans as tasks on executors. One Scheduler
// serves both modes: local mode (LocalScheduler) is the scheduler over one
// in-process LocalExecutor; cluster mode is the same scheduler in a Master,
// over RemoteExecutors that reach Workers by gRPC, with the shuffle served
// by the workers over Arrow Flight (package shuffle). StartMaster and
// StartWorker start the processes of `ember master` and `ember worker`,
// with gossip membership (cluster/membership) and the shared secret
// (cluster/auth); a session reaches a master with a Client.
package cluster
