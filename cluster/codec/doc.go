// Package codec converts physical plans, their expressions, schemas and
// tables to and from the protobuf messages of package emberpb
// (proto/plan.proto), so that a master can ship the stages of a query to
// workers in other processes.
//
// Decode(Encode(x)) is x again: the same plan text, and the same rows when
// run. Tables travel as catalog.TableSpec (paths and the resolved schema
// for files; the rows, as Arrow IPC, for memory tables); a plan listing a
// table several times carries its spec once. Decoding checks what it can
// (enum ranges, missing fields, literal types, list lengths) and returns
// an error rather than building a plan that would panic.
package codec
