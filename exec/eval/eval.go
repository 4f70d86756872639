package eval

import (
	"fmt"
	"runtime/debug"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Evaluator is a compiled expression, ready to run over batches of the
// schema it was compiled against. It holds no per-batch state, so one
// Evaluator may serve several tasks at once, with one exception: rand
// continues its sequence from one Eval to the next, so an expression with
// rand is compiled per task (with that task's Options) to give
// reproducible numbers.
type Evaluator struct {
	expr     planner.Expr
	root     node
	typ      arrow.DataType
	numInput int
}

// node is one compiled expression node. eval computes it over every row of
// a chunk and returns an array of c.n rows of the node's type, which the
// caller releases.
type node interface {
	eval(mem memory.Allocator, c *chunk) (arrow.Array, error)
	// fallible reports whether evaluation can fail because of the values
	// it meets (overflow, division by zero, a malformed string). CASE,
	// COALESCE, AND and OR evaluate fallible operands only on the rows
	// that reach them; infallible ones may run on the whole batch.
	fallible() bool
}

// chunk is the input of a node: the batch's columns (nil for columns the
// node does not read, in the row subsets lazy evaluation builds) and the
// row count.
type chunk struct {
	cols []arrow.Array
	n    int
}

// Compile checks e against the input schema and prepares it for
// evaluation: it resolves a typed kernel for every node, folds constant
// sub-expressions, compiles LIKE patterns and builds IN-list hash sets. Any
// planner.Expr is accepted except AggregateCall, WindowCall, subqueries and
// OuterColumn.
func Compile(e planner.Expr, input *arrow.Schema) (*Evaluator, error) {
	return CompileWith(e, input, Options{})
}

// Options describe the task an expression is compiled for. Only rand
// reads them; the zero value suits everything else.
type Options struct {
	// Partition is the index of the partition the task computes:
	// rand(seed) draws the stream of seed+Partition there, as Spark seeds
	// partition p, so partitions draw different numbers and a rerun with
	// the same partitioning draws the same ones.
	Partition int
	// QuerySeed seeds rand() without an argument, so that all the tasks
	// of one query use one seed; 0 draws a random seed at compile time.
	QuerySeed uint64
}

// CompileWith is Compile for a given task (see Options).
func CompileWith(e planner.Expr, input *arrow.Schema, opts Options) (*Evaluator, error) {
	c := &compiler{schema: input, opts: opts}
	root, err := c.compile(e)
	if err != nil {
		return nil, err
	}
	n := 0
	if input != nil {
		n = input.NumFields()
	}
	return &Evaluator{expr: e, root: root.nd, typ: e.Type(), numInput: n}, nil
}

// CompileAll compiles each of es against input (for projections, hash keys
// and sort keys).
func CompileAll(es []planner.Expr, input *arrow.Schema) ([]*Evaluator, error) {
	return CompileAllWith(es, input, Options{})
}

// CompileAllWith is CompileAll for a given task (see Options).
func CompileAllWith(es []planner.Expr, input *arrow.Schema, opts Options) ([]*Evaluator, error) {
	out := make([]*Evaluator, len(es))
	for i, e := range es {
		ev, err := CompileWith(e, input, opts)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

// Type is the type of the arrays Eval returns: the expression's Type().
func (ev *Evaluator) Type() arrow.DataType { return ev.typ }

// String renders the compiled expression.
func (ev *Evaluator) String() string { return ev.expr.String() }

// Eval evaluates the expression over one batch. The result has
// batch.NumRows() rows and type Type(); the caller releases it.
func (ev *Evaluator) Eval(mem memory.Allocator, batch arrow.RecordBatch) (out arrow.Array, err error) {
	if int(batch.NumCols()) < ev.numInput {
		return nil, fmt.Errorf("eval: %s: batch has %d columns, expected %d", ev.expr, batch.NumCols(), ev.numInput)
	}
	// A bug in a kernel must fail the task, not the process.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("eval: internal error evaluating %s: %v\n%s", ev.expr, r, debug.Stack())
		}
	}()
	c := &chunk{cols: batch.Columns(), n: int(batch.NumRows())}
	out, err = ev.root.eval(mem, c)
	if err != nil && !IsDataError(err) {
		// The expression compiled, so what failed is the values.
		err = &DataError{Err: err}
	}
	return out, err
}

// EvalAll evaluates each evaluator over batch. On error the arrays already
// made are released.
func EvalAll(mem memory.Allocator, evs []*Evaluator, batch arrow.RecordBatch) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(evs))
	for i, ev := range evs {
		a, err := ev.Eval(mem, batch)
		if err != nil {
			releaseAll(out[:i])
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// colNode is a reference to an input column: it returns the column itself.
type colNode struct{ idx int }

func (n *colNode) eval(_ memory.Allocator, c *chunk) (arrow.Array, error) {
	a := c.cols[n.idx]
	a.Retain()
	return a, nil
}

func (n *colNode) fallible() bool { return false }

// litNode is a constant: broadcast when a full array is needed; kernels
// with a literal operand read lit directly instead.
type litNode struct{ lit *planner.Literal }

func (n *litNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	return LiteralArray(mem, n.lit, c.n)
}

func (n *litNode) fallible() bool { return false }
