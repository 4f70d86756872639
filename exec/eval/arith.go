package eval

import (
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Arithmetic on integers and doubles. Decimals are in arith_decimal.go and
// dates, timestamps and intervals in arith_temporal.go.

// compileBinary dispatches a binary operator to its family.
func (c *compiler) compileBinary(e *planner.Binary) (compiled, error) {
	kids, err := c.children(e.Left, e.Right)
	if err != nil {
		return compiled{}, err
	}
	l, r := kids[0], kids[1]
	switch {
	case e.Op.IsLogical():
		return c.compileLogic(e, l, r)
	case e.Op == planner.OpIsDistinctFrom || e.Op == planner.OpIsNotDistinctFrom:
		return c.compileDistinct(e, l, r)
	case e.Op.IsComparison():
		return c.compileCompare(e, l, r)
	case e.Op.IsArithmetic():
		if l.isNullLit() || r.isNullLit() {
			return nullOf(e.DataType), nil
		}
		return c.compileArith(e, l, r)
	}
	return compiled{}, fmt.Errorf("eval: unsupported operator %s in %s", e.Op, e)
}

type intT interface{ int8 | int16 | int32 | int64 }

func (c *compiler) compileArith(e *planner.Binary, l, r compiled) (compiled, error) {
	res := e.DataType
	lt, rt := l.dt.ID(), r.dt.ID()
	if isTemporal(lt) || isTemporal(rt) || lt == arrow.INTERVAL_MONTH_DAY_NANO || rt == arrow.INTERVAL_MONTH_DAY_NANO {
		return c.compileTemporalArith(e, l, r)
	}
	if !planner.IsNumeric(l.dt) || !planner.IsNumeric(r.dt) {
		return compiled{}, fmt.Errorf("eval: cannot apply %s to %s and %s in %s", e.Op, planner.TypeName(l.dt), planner.TypeName(r.dt), e)
	}
	if res.ID() == arrow.DECIMAL128 {
		return c.compileDecimalArith(e, l, r)
	}
	// Operands of another type than the result are cast to it (the binder
	// normally has done so already).
	var err error
	if l, err = c.castTo(l, res); err != nil {
		return compiled{}, err
	}
	if r, err = c.castTo(r, res); err != nil {
		return compiled{}, err
	}
	text := e.String()
	var nd node
	switch res.ID() {
	case arrow.INT8:
		nd = &intArith[int8]{op: e.Op, l: newOperand[int8](l), r: newOperand[int8](r), dt: res, text: text}
	case arrow.INT16:
		nd = &intArith[int16]{op: e.Op, l: newOperand[int16](l), r: newOperand[int16](r), dt: res, text: text}
	case arrow.INT32:
		nd = &intArith[int32]{op: e.Op, l: newOperand[int32](l), r: newOperand[int32](r), dt: res, text: text}
	case arrow.INT64:
		nd = &intArith[int64]{op: e.Op, l: newOperand[int64](l), r: newOperand[int64](r), dt: res, text: text}
	case arrow.FLOAT64:
		nd = &floatArith{op: e.Op, l: newOperand[float64](l), r: newOperand[float64](r), dt: res, text: text}
	default:
		return compiled{}, fmt.Errorf("eval: arithmetic with result type %s is not supported (%s)", planner.TypeName(res), e)
	}
	return c.make(nd, res, true, l, r), nil
}

// errKind classifies a row-level arithmetic failure.
type errKind int

const (
	errNone errKind = iota
	errOverflow
	errDivZero
)

func arithError(kind errKind, what, text string) error {
	switch kind {
	case errDivZero:
		return fmt.Errorf("division by zero in %s", text)
	default:
		return fmt.Errorf("%s overflow in %s", what, text)
	}
}

// intArith is + - * / % over one integer type with Spark's ANSI checks.
type intArith[T intT] struct {
	op   planner.BinaryOp
	l, r operand[T]
	dt   arrow.DataType
	text string
}

func (n *intArith[T]) fallible() bool { return true }

func (n *intArith[T]) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	la, lv, ls, ra, rv, rs, err := loadPair(mem, c, &n.l, &n.r)
	if err != nil {
		return nil, err
	}
	defer release(la, ra)
	valid := andValidity(mem, c.n, la, ra)
	buf, out := newValues[T](mem, c.n)
	if kind := intArithLoop(n.op, lv, ls, rv, rs, out, bytesOf(valid)); kind != errNone {
		buf.Release()
		if valid != nil {
			valid.Release()
		}
		return nil, arithError(kind, "integer", n.text)
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}

// intArithLoop computes out[i] = a[i*sa] op b[i*sb]. It stops at the first
// valid row that overflows or divides by zero and reports why; failures on
// NULL rows (whose values are arbitrary) are ignored.
func intArithLoop[T intT](op planner.BinaryOp, a []T, sa int, b []T, sb int, out []T, valid []byte) errKind {
	wide := unsafe.Sizeof(T(0)) == 8
	for i := range out {
		x, y := a[i*sa], b[i*sb]
		var r T
		kind := errNone
		switch op {
		case planner.OpAdd:
			r = x + y
			if (x^r)&(y^r) < 0 {
				kind = errOverflow
			}
		case planner.OpSub:
			r = x - y
			if (x^y)&(x^r) < 0 {
				kind = errOverflow
			}
		case planner.OpMul:
			if wide {
				p, ok := mulInt64(int64(x), int64(y))
				r = T(p)
				if !ok {
					kind = errOverflow
				}
			} else {
				p := int64(x) * int64(y)
				r = T(p)
				if int64(r) != p {
					kind = errOverflow
				}
			}
		case planner.OpDiv:
			switch {
			case y == 0:
				kind = errDivZero
			case y == -1:
				r = -x
				if x != 0 && r == x {
					kind = errOverflow
				}
			default:
				r = x / y
			}
		case planner.OpMod:
			switch {
			case y == 0:
				kind = errDivZero
			case y == -1:
				r = 0
			default:
				r = x % y
			}
		}
		if kind != errNone {
			if isValid(valid, 0, i) {
				return kind
			}
			r = 0
		}
		out[i] = r
	}
	return errNone
}

// mulInt64 multiplies with an overflow check; operands that fit in 32 bits
// (the common case) skip the division.
func mulInt64(x, y int64) (int64, bool) {
	if uint64(x+1<<31) < 1<<32 && uint64(y+1<<31) < 1<<32 {
		return x * y, true
	}
	r := x * y
	if x != 0 && (r/x != y || (x == -1 && y == math.MinInt64)) {
		return r, false
	}
	return r, true
}

// addInt64 adds with an overflow check.
func addInt64(x, y int64) (int64, bool) {
	r := x + y
	return r, (x^r)&(y^r) >= 0
}

// floatArith is + - * / % over DOUBLE. IEEE semantics, except that
// dividing by zero is an error, as in Spark's ANSI mode.
type floatArith struct {
	op   planner.BinaryOp
	l, r operand[float64]
	dt   arrow.DataType
	text string
}

func (n *floatArith) fallible() bool {
	return n.op == planner.OpDiv || n.op == planner.OpMod || n.l.fallible() || n.r.fallible()
}

func (n *floatArith) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	la, a, sa, ra, b, sb, err := loadPair(mem, c, &n.l, &n.r)
	if err != nil {
		return nil, err
	}
	defer release(la, ra)
	valid := andValidity(mem, c.n, la, ra)
	buf, out := newValues[float64](mem, c.n)
	vb := bytesOf(valid)
	switch n.op {
	case planner.OpAdd:
		for i := range out {
			out[i] = a[i*sa] + b[i*sb]
		}
	case planner.OpSub:
		for i := range out {
			out[i] = a[i*sa] - b[i*sb]
		}
	case planner.OpMul:
		for i := range out {
			out[i] = a[i*sa] * b[i*sb]
		}
	case planner.OpDiv, planner.OpMod:
		for i := range out {
			y := b[i*sb]
			if y == 0 {
				if isValid(vb, 0, i) {
					buf.Release()
					releaseBufs(valid)
					return nil, arithError(errDivZero, "", n.text)
				}
				out[i] = 0
				continue
			}
			if n.op == planner.OpDiv {
				out[i] = a[i*sa] / y
			} else {
				out[i] = math.Mod(a[i*sa], y)
			}
		}
	default:
		buf.Release()
		releaseBufs(valid)
		return nil, errors.New("eval: bad arithmetic operator")
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}

func isTemporal(id arrow.Type) bool { return id == arrow.DATE32 || id == arrow.TIMESTAMP }
