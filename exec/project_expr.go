package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
)

// boundExpr evaluates one expression over batches of a known schema. A
// plain column reference, the most common expression by far (sort keys,
// projections that reorder columns), is read straight from the batch.
type boundExpr struct {
	col  int // the column read when ev is nil
	ev   *eval.Evaluator
	typ  arrow.DataType
	expr planner.Expr
}

// bindExprs compiles es against schema.
func bindExprs(es []planner.Expr, schema *arrow.Schema) ([]boundExpr, error) {
	return bindExprsFor(nil, es, schema)
}

// evalOptions tells the expression compiler which task it compiles for
// (rand's seeding); a nil tc gives the defaults.
func evalOptions(tc *TaskContext) eval.Options {
	if tc == nil {
		return eval.Options{}
	}
	opts := eval.Options{Partition: tc.Partition}
	if tc.Query != nil {
		opts.QuerySeed = tc.Query.randSeed
	}
	return opts
}

// bindExprsFor compiles es against schema for the task of tc.
func bindExprsFor(tc *TaskContext, es []planner.Expr, schema *arrow.Schema) ([]boundExpr, error) {
	out := make([]boundExpr, len(es))
	for i, e := range es {
		if e == nil {
			return nil, fmt.Errorf("expression %d is nil", i)
		}
		if c, ok := e.(*planner.Column); ok {
			if c.Index < 0 || c.Index >= schema.NumFields() {
				return nil, fmt.Errorf("column %s out of range of %d input columns", c, schema.NumFields())
			}
			if t := schema.Field(c.Index).Type; !arrow.TypeEqual(t, c.DataType) {
				return nil, fmt.Errorf("column %s is %s in the input, expected %s", c, planner.TypeName(t), planner.TypeName(c.DataType))
			}
			out[i] = boundExpr{col: c.Index, typ: c.DataType, expr: e}
			continue
		}
		ev, err := eval.CompileWith(e, schema, evalOptions(tc))
		if err != nil {
			return nil, err
		}
		out[i] = boundExpr{col: -1, ev: ev, typ: e.Type(), expr: e}
	}
	return out, nil
}

// eval returns the expression's value for every row of b; the caller
// releases it.
func (x *boundExpr) eval(mem memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	if x.ev == nil {
		c := b.Column(x.col)
		c.Retain()
		return c, nil
	}
	a, err := x.ev.Eval(mem, b)
	if err != nil {
		return nil, err
	}
	if !arrow.TypeEqual(a.DataType(), x.typ) {
		a.Release()
		return nil, fmt.Errorf("internal error: %s evaluated to %s, expected %s", x.expr, a.DataType(), x.typ)
	}
	return a, nil
}

// evalAll evaluates xs over b; on error nothing is left allocated.
func evalAll(mem memory.Allocator, xs []boundExpr, b arrow.RecordBatch) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(xs))
	for i := range xs {
		a, err := xs[i].eval(mem, b)
		if err != nil {
			freeArrays(out)
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// freeBatch releases b unless it is nil.
func freeBatch(b arrow.RecordBatch) {
	if b != nil {
		b.Release()
	}
}

// freeArrays releases every non-nil array of as.
func freeArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
