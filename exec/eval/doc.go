// Package eval evaluates bound planner expressions over Arrow record batches,
// one column at a time.
//
// Compile turns a planner.Expr into an Evaluator once per operator: it checks
// column indexes and types against the input schema, resolves the typed
// kernel for each node, compiles LIKE patterns and builds IN-list hash sets.
// Eval then runs the compiled tree over each batch with typed loops over the
// arrays' raw values: no per-row interfaces, no per-row allocations, and no
// arrow compute calls on hot paths (each costs microseconds of dispatch and
// several of its kernels leak; see shared/notes/arrow-go.md).
//
// Semantics follow Spark's ANSI mode: integer and decimal overflow, division
// by zero and invalid casts are errors, not NULLs. CASE, COALESCE and the
// right sides of AND/OR-free branches are lazy: a branch is evaluated only on
// the rows that reach it, so CASE WHEN x = 0 THEN NULL ELSE 1/x END never
// divides by zero.
//
// The package also holds the row movers operators share: Filter (keep the
// rows a boolean mask selects), TakeBatch and TakeArray (gather rows by
// index), LiteralArray and ValueAt, and EvalConstant for constant folding.
//
// Memory: every array is built from the allocator passed to Eval, Filter or
// Take; results belong to the caller, who releases them once.
package eval
