// Package emberpb holds the protobuf messages and gRPC services of Ember's
// cluster mode: physical plans and their stages, expressions, Arrow types
// and table descriptors (plan.proto), and the services between master and
// workers.
//
// The *.pb.go files are generated: edit the .proto files and run
// `go run ./proto/gen` (see README.md). cluster/codec converts the plan
// messages to and from the planner's Go types.
package emberpb
