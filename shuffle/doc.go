// Package shuffle moves rows between stages: a Partitioner splits a map
// task's output by the next stage's partitioning (hash of the keys, round
// robin, one partition, or broadcast), a store keeps each map task's output
// per reduce partition, and the store serves the reduce tasks' reads.
//
// Two stores hold the output. Store keeps decoded batches of one query in
// memory; it is the in-process transport of local mode. WorkerStore is a
// cluster worker's: map tasks commit their output atomically, kept as
// decoded batches within a byte budget (CommitBatches) and encoded as
// compressed Arrow IPC and spilled to files beyond it.
//
// Between processes the output travels over Arrow Flight: RegisterFlight
// puts a FlightService on the worker's own gRPC server, whose DoGet streams
// one (query, stage, map task, reduce partition) named by a ticket (see
// EncodeTicket) as IPC messages: encoded as they are sent for output kept
// decoded, as stored for encoded output. On the reading side a Fetcher keeps a connection per worker and
// its Inputs implement exec.StageInputs: a reduce task reads its partition
// from every map output at once, from the local store directly when the
// output is its own worker's, and a location that cannot be read is a
// *FetchFailedError, which tells the scheduler to recompute that map task.
package shuffle
