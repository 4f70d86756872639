package eval

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Math functions over DOUBLE, as Spark computes them: the planner casts
// integer and decimal arguments to DOUBLE. Out-of-domain arguments give
// NaN (sqrt(-1), asin(2)) except for the logarithms, which give NULL for
// arguments <= 0, as in Spark (DuckDB raises an error there).

// Java's conversion constants, so that degrees and radians round alike.
const (
	radiansToDegrees = 57.29577951308232
	degreesToRadians = 0.017453292519943295
)

// doubleFn1 are the one-argument functions; false means NULL.
var doubleFn1 = map[string]func(float64) (float64, bool){
	"sqrt":    func(x float64) (float64, bool) { return math.Sqrt(x), true },
	"exp":     func(x float64) (float64, bool) { return math.Exp(x), true },
	"cbrt":    func(x float64) (float64, bool) { return math.Cbrt(x), true },
	"sin":     func(x float64) (float64, bool) { return math.Sin(x), true },
	"cos":     func(x float64) (float64, bool) { return math.Cos(x), true },
	"tan":     func(x float64) (float64, bool) { return math.Tan(x), true },
	"asin":    func(x float64) (float64, bool) { return math.Asin(x), true },
	"acos":    func(x float64) (float64, bool) { return math.Acos(x), true },
	"atan":    func(x float64) (float64, bool) { return math.Atan(x), true },
	"degrees": func(x float64) (float64, bool) { return x * radiansToDegrees, true },
	"radians": func(x float64) (float64, bool) { return x * degreesToRadians, true },
	"sign":    func(x float64) (float64, bool) { return signum(x), true },
	"ln":      func(x float64) (float64, bool) { return math.Log(x), x > 0 },
	"log10":   func(x float64) (float64, bool) { return exactLog(x, 10, math.Log10(x)), x > 0 },
	"log2":    func(x float64) (float64, bool) { return math.Log(x) / math.Ln2, x > 0 }, // Spark's formula
}

// doubleFn2 are the two-argument functions; false means NULL.
var doubleFn2 = map[string]func(a, b float64) (float64, bool){
	"power": func(a, b float64) (float64, bool) { return math.Pow(a, b), true },
	"atan2": func(a, b float64) (float64, bool) { return math.Atan2(a, b), true },
	"log": func(base, x float64) (float64, bool) {
		return math.Log(x) / math.Log(base), base > 0 && x > 0
	},
}

// signum is Java's Math.signum: NaN and signed zeros are kept.
func signum(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x
}

// exactLog returns r, the computed logarithm of x in base b, corrected to
// the exact integer when x is an integer power of b: Go's Log10(1000) is
// 2.9999999999999996, Java's StrictMath.log10 (Spark's) gives 3.
func exactLog(x, b, r float64) float64 {
	if p := math.Round(r); p != r && math.Abs(p-r) < 1e-9 && math.Pow(b, p) == x {
		return p
	}
	return r
}

func (c *compiler) compileDoubleFn(e *planner.Func, args []compiled) (compiled, error) {
	switch e.Name {
	case "pi":
		return compiled{nd: &litNode{lit: &planner.Literal{Value: math.Pi, DataType: planner.TypeDouble}}, dt: planner.TypeDouble, konst: true}, nil
	case "e":
		return compiled{nd: &litNode{lit: &planner.Literal{Value: math.E, DataType: planner.TypeDouble}}, dt: planner.TypeDouble, konst: true}, nil
	}
	if e.Name == "log" && len(args) == 1 {
		e = &planner.Func{Name: "ln", Args: e.Args, DataType: e.DataType}
	}
	for i := range args {
		var err error
		if args[i], err = c.castTo(args[i], planner.TypeDouble); err != nil {
			return compiled{}, err
		}
	}
	nd := &doubleNode{}
	if f := doubleFn1[e.Name]; f != nil && len(args) == 1 {
		nd.f1 = f
		nd.x = newOperand[float64](args[0])
	} else if f := doubleFn2[e.Name]; f != nil && len(args) == 2 {
		nd.f2 = f
		nd.x, nd.y = newOperand[float64](args[0]), newOperand[float64](args[1])
	} else {
		return compiled{}, fmt.Errorf("eval: wrong arguments in %s", e)
	}
	return c.make(nd, planner.TypeDouble, true, args...), nil
}

// doubleNode applies a math function to one or two DOUBLE operands.
type doubleNode struct {
	x, y operand[float64]
	f1   func(float64) (float64, bool)
	f2   func(a, b float64) (float64, bool)
}

func (n *doubleNode) fallible() bool { return n.x.fallible() || (n.f2 != nil && n.y.fallible()) }

func (n *doubleNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	var xa, ya arrow.Array
	var xv, yv []float64
	var xs, ys int
	var err error
	if n.f1 != nil {
		xa, xv, xs, err = n.x.load(mem, c)
	} else {
		xa, xv, xs, ya, yv, ys, err = loadPair(mem, c, &n.x, &n.y)
	}
	if err != nil {
		return nil, err
	}
	defer release(xa, ya)
	valid := andValidity(mem, c.n, xa, ya)
	buf, out := newValues[float64](mem, c.n)
	for i := range out {
		var r float64
		var ok bool
		if n.f1 != nil {
			r, ok = n.f1(xv[i*xs])
		} else {
			r, ok = n.f2(xv[i*xs], yv[i*ys])
		}
		out[i] = r
		if !ok {
			if valid == nil {
				valid = newBitmap(mem, c.n)
				memory.Set(valid.Bytes(), 0xff)
			}
			bitutil.ClearBit(valid.Bytes(), i)
		}
	}
	return makeArray(planner.TypeDouble, c.n, []*memory.Buffer{valid, buf}), nil
}
