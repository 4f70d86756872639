package eval

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// compiler turns planner expressions into node trees for one input schema.
type compiler struct {
	schema *arrow.Schema
	opts   Options
}

// compiled is a compiled sub-expression with what its parents need to
// know: its type, the input columns it reads (for lazy evaluation on row
// subsets) and whether it is a constant (then nd is a *litNode).
type compiled struct {
	nd    node
	dt    arrow.DataType
	cols  []int
	konst bool
}

// lit returns the literal of a constant, or nil.
func (c compiled) lit() *planner.Literal {
	if l, ok := c.nd.(*litNode); ok {
		return l.lit
	}
	return nil
}

// isNullLit reports whether c is the constant NULL.
func (c compiled) isNullLit() bool {
	l := c.lit()
	return l != nil && l.Value == nil
}

func (c *compiler) compile(e planner.Expr) (compiled, error) {
	out, err := c.compileNode(e)
	if err != nil {
		return compiled{}, err
	}
	if out.dt == nil {
		out.dt = e.Type()
	}
	return out, nil
}

func (c *compiler) compileNode(e planner.Expr) (compiled, error) {
	switch e := e.(type) {
	case *planner.Column:
		if c.schema == nil || e.Index < 0 || e.Index >= c.schema.NumFields() {
			return compiled{}, fmt.Errorf("eval: column %s is out of range of the input", e)
		}
		if got := c.schema.Field(e.Index).Type; !arrow.TypeEqual(got, e.DataType) {
			return compiled{}, fmt.Errorf("eval: column %s has type %s in the input, the expression expects %s",
				e, planner.TypeName(got), planner.TypeName(e.DataType))
		}
		return compiled{nd: &colNode{idx: e.Index}, dt: e.DataType, cols: []int{e.Index}}, nil
	case *planner.Literal:
		if e.DataType == nil {
			return compiled{}, fmt.Errorf("eval: literal %s has no type", e)
		}
		if e.Value != nil {
			// Check once that the value fits its type, so kernels can
			// trust literal operands.
			a, err := LiteralArray(memory.DefaultAllocator, e, 1)
			if err != nil {
				return compiled{}, err
			}
			a.Release()
		}
		return compiled{nd: &litNode{lit: e}, dt: e.DataType, konst: true}, nil
	case *planner.Binary:
		return c.compileBinary(e)
	case *planner.Not:
		return c.compileNot(e)
	case *planner.Negate:
		return c.compileNegate(e)
	case *planner.IsNull:
		return c.compileIsNull(e)
	case *planner.Like:
		return c.compileLike(e)
	case *planner.InList:
		return c.compileInList(e)
	case *planner.Case:
		return c.compileCase(e)
	case *planner.Cast:
		x, err := c.compile(e.X)
		if err != nil {
			return compiled{}, err
		}
		return c.castTo(x, e.To)
	case *planner.Func:
		return c.compileFunc(e)
	case *planner.AggregateCall:
		return compiled{}, fmt.Errorf("eval: aggregate %s cannot be evaluated as a scalar expression", e)
	case *planner.WindowCall:
		return compiled{}, fmt.Errorf("eval: window function %s cannot be evaluated as a scalar expression", e)
	case *planner.OuterColumn:
		return compiled{}, fmt.Errorf("eval: outer reference %s must be decorrelated before execution", e)
	case *planner.ScalarSubquery, *planner.Exists, *planner.InSubquery:
		return compiled{}, fmt.Errorf("eval: subquery %s must be planned as a join before execution", e)
	case nil:
		return compiled{}, fmt.Errorf("eval: nil expression")
	}
	return compiled{}, fmt.Errorf("eval: unsupported expression %T (%s)", e, e)
}

// children compiles es.
func (c *compiler) children(es ...planner.Expr) ([]compiled, error) {
	out := make([]compiled, len(es))
	for i, e := range es {
		x, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// make assembles a compiled node over kids: it unions their columns and,
// when every kid is a constant and the node is deterministic, folds it into
// a literal. A constant whose evaluation fails (1/0) is left unfolded: the
// error belongs to the rows that reach it, if any do.
func (c *compiler) make(nd node, dt arrow.DataType, deterministic bool, kids ...compiled) compiled {
	out := compiled{nd: nd, dt: dt}
	konst := deterministic
	for _, k := range kids {
		out.cols = append(out.cols, k.cols...)
		konst = konst && k.konst
	}
	slices.Sort(out.cols)
	out.cols = slices.Compact(out.cols)
	if !konst {
		return out
	}
	arr, err := nd.eval(memory.DefaultAllocator, &chunk{n: 1})
	if err != nil {
		return out
	}
	defer arr.Release()
	return compiled{nd: &litNode{lit: &planner.Literal{Value: ValueAt(arr, 0), DataType: dt}}, dt: dt, konst: true}
}

// nullOf is the constant NULL of type dt.
func nullOf(dt arrow.DataType) compiled {
	return compiled{nd: &litNode{lit: &planner.Literal{DataType: dt}}, dt: dt, konst: true}
}
