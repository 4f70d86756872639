package eval

import (
	"bytes"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// greatest and least: the largest or smallest non-NULL argument, NULL only
// when all are NULL (Spark skips NULLs; so does DuckDB). Doubles order NaN
// above every other value, as Spark does. Each row first picks which
// argument wins, then the winners are gathered in one pass.

func (c *compiler) compileExtremum(e *planner.Func) (compiled, error) {
	nd := &extremumNode{greatest: e.Name == "greatest", dt: e.DataType}
	var kids []compiled
	for _, a := range e.Args {
		x, err := c.compile(a)
		if err != nil {
			return compiled{}, err
		}
		if x, err = c.castTo(x, e.DataType); err != nil {
			return compiled{}, err
		}
		if x.isNullLit() {
			continue
		}
		nd.args = append(nd.args, x.nd)
		kids = append(kids, x)
	}
	switch len(kids) {
	case 0:
		return nullOf(e.DataType), nil
	case 1:
		return kids[0], nil
	}
	switch e.DataType.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT64, arrow.FLOAT32,
		arrow.DECIMAL128, arrow.STRING, arrow.LARGE_STRING, arrow.DATE32, arrow.TIMESTAMP:
	default:
		return compiled{}, fmt.Errorf("eval: %s cannot compare values of type %s", e.Name, planner.TypeName(e.DataType))
	}
	return c.make(nd, e.DataType, true, kids...), nil
}

// extremumNode is greatest or least over two or more arguments.
type extremumNode struct {
	args     []node
	greatest bool
	dt       arrow.DataType
}

func (n *extremumNode) fallible() bool {
	for _, a := range n.args {
		if a.fallible() {
			return true
		}
	}
	return false
}

func (n *extremumNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	arrs := make([]arrow.Array, 0, len(n.args))
	defer func() { releaseAll(arrs) }()
	for _, a := range n.args {
		x, err := a.eval(mem, c)
		if err != nil {
			return nil, err
		}
		arrs = append(arrs, x)
	}
	which := make([]int32, c.n)
	for i := range which {
		which[i] = -1
	}
	g := n.greatest
	switch n.dt.ID() {
	case arrow.INT8:
		pickBest(arrs, which, values[int8], ordered[int8](g))
	case arrow.INT16:
		pickBest(arrs, which, values[int16], ordered[int16](g))
	case arrow.INT32, arrow.DATE32:
		pickBest(arrs, which, values[int32], ordered[int32](g))
	case arrow.INT64, arrow.TIMESTAMP:
		pickBest(arrs, which, values[int64], ordered[int64](g))
	case arrow.FLOAT64:
		pickBest(arrs, which, values[float64], floatOrder[float64](g))
	case arrow.FLOAT32:
		pickBest(arrs, which, values[float32], floatOrder[float32](g))
	case arrow.DECIMAL128:
		pickBest(arrs, which, values[decimal128.Num], func(a, b decimal128.Num) bool {
			if g {
				return a.Greater(b)
			}
			return a.Less(b)
		})
	case arrow.BOOL:
		pickBest(arrs, which, boolValues, ordered[uint8](g))
	case arrow.STRING:
		pickBest(arrs, which, stringValues[int32], stringOrder(g))
	case arrow.LARGE_STRING:
		pickBest(arrs, which, stringValues[int64], stringOrder(g))
	}
	return gather(mem, n.dt, arrs, which, allRows(c.n))
}

// pickBest sets which[i] to the argument with the best valid value of row
// i; better(a, b) reports whether a beats b. get views an array's values.
func pickBest[T any, S ~[]T](arrs []arrow.Array, which []int32, get func(arrow.Array) S, better func(a, b T) bool) {
	vals := make([]S, len(arrs))
	for k, a := range arrs {
		vals[k] = get(a)
	}
	for k, a := range arrs {
		v := vals[k]
		bm, off := validityOf(a)
		for i := range which {
			if !isValid(bm, off, i) {
				continue
			}
			if w := which[i]; w < 0 || better(v[i], vals[w][i]) {
				which[i] = int32(k)
			}
		}
	}
}

type orderedT interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8
}

func ordered[T orderedT](greatest bool) func(a, b T) bool {
	if greatest {
		return func(a, b T) bool { return a > b }
	}
	return func(a, b T) bool { return a < b }
}

// floatOrder orders NaN above everything, as Spark does.
func floatOrder[T float32 | float64](greatest bool) func(a, b T) bool {
	isNaN := func(x T) bool { return math.IsNaN(float64(x)) }
	if greatest {
		return func(a, b T) bool { return a > b || (isNaN(a) && !isNaN(b)) }
	}
	return func(a, b T) bool { return a < b || (!isNaN(a) && isNaN(b)) }
}

// boolValues unpacks a boolean array into bytes (0 or 1) to compare them.
func boolValues(a arrow.Array) []uint8 {
	bits, off := bitsOf(a)
	out := make([]uint8, a.Len())
	for i := range out {
		if bits != nil && bitutil.BitIsSet(bits, off+i) {
			out[i] = 1
		}
	}
	return out
}

// stringValues returns a string array's values as byte slices sharing its
// data (one small slice header per row, made once per batch).
func stringValues[O int32 | int64](a arrow.Array) [][]byte {
	src := binaryOf[O](a)
	out := make([][]byte, a.Len())
	for i := range out {
		if src.offs != nil {
			out[i] = src.data[src.offs[i]:src.offs[i+1]]
		}
	}
	return out
}

func stringOrder(greatest bool) func(a, b []byte) bool {
	if greatest {
		return func(a, b []byte) bool { return bytes.Compare(a, b) > 0 }
	}
	return func(a, b []byte) bool { return bytes.Compare(a, b) < 0 }
}
