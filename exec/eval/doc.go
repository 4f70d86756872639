// Package eval evaluates bound planner expressions over Arrow record
// batches, a column at a time.
//
// Compile turns a planner.Expr into an Evaluator once per operator: it
// checks column indexes and types against the input schema, picks a typed
// kernel for every node, folds constant sub-expressions, compiles LIKE
// patterns and builds IN-list sets. Eval then runs the compiled tree over
// each batch with typed loops over the arrays' raw values: no per-row
// interfaces or allocations, and no arrow compute calls on hot paths (each
// costs microseconds of dispatch, and several kernels leak; see
// shared/notes/arrow-go.md). Constant operands are read once, not
// broadcast: kernels index them with a stride of zero.
//
// Semantics follow Spark's ANSI mode: integer and decimal overflow,
// division by zero (double included) and invalid casts are errors, not
// NULLs; decimals are exact, rounding HALF_UP. Operators that choose
// between operands are lazy: CASE evaluates a branch only on the rows that
// reach it, COALESCE an argument only on the rows still NULL, and the right
// side of AND/OR only where the left side does not decide, so
// CASE WHEN x = 0 THEN NULL ELSE 1/x END never divides by zero.
//
// The package also holds the row movers operators share: Filter (keep the
// rows a boolean mask selects), TakeBatch and TakeArray (gather rows by
// index; a negative index gives a NULL row, for outer joins), LiteralArray
// and ValueAt, and EvalConstant for constant folding.
//
// Memory: every array is built from the allocator passed to Eval, Filter,
// Take or LiteralArray, and belongs to the caller, who releases it once.
// Compile keeps no Arrow memory (its constants are plain Go values), so an
// Evaluator needs no Release and may be shared by concurrent tasks, except
// one holding rand, whose sequence runs on from batch to batch: tasks
// compile it for themselves with CompileWith and their partition index.
package eval
