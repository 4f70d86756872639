// Package cluster runs stage plans. For now it holds the local scheduler,
// which runs every task in this process on a fixed number of slots; the
// master, workers and their membership come with cluster mode.
package cluster
