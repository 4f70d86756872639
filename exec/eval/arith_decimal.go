package eval

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Decimal arithmetic, exact, with Spark's result types (the binder's
// DataType) and ANSI errors: a result that does not fit the result
// precision is "decimal overflow", a zero divisor "division by zero".
// Rounding, where the result scale is smaller than the exact one, is
// HALF_UP (half away from zero).
//
// Each row first tries int64 arithmetic with overflow checks (enough for
// money: DECIMAL(15,2) * DECIMAL(16,2) and the like, whatever the declared
// result precision) and falls back to math/big for that row only.

func (c *compiler) compileDecimalArith(e *planner.Binary, l, r compiled) (compiled, error) {
	res := e.DataType.(*arrow.Decimal128Type)
	ld, ok1 := decimalOf(l.dt)
	rd, ok2 := decimalOf(r.dt)
	if !ok1 || !ok2 {
		return compiled{}, fmt.Errorf("eval: cannot apply %s to %s and %s in %s", e.Op, planner.TypeName(l.dt), planner.TypeName(r.dt), e)
	}
	var err error
	if l, err = c.castTo(l, ld); err != nil {
		return compiled{}, err
	}
	if r, err = c.castTo(r, rd); err != nil {
		return compiled{}, err
	}
	n := &decArith{
		op: e.Op, l: newOperand[decimal128.Num](l), r: newOperand[decimal128.Num](r),
		s1: ld.Scale, s2: rd.Scale, p: res.Precision, s: res.Scale, dt: res, text: e.String(),
	}
	n.cs = max(n.s1, n.s2)
	n.ml, n.mr = pow10or0(n.cs-n.s1), pow10or0(n.cs-n.s2)
	inter := n.cs // the scale of the exact result before rescaling
	switch e.Op {
	case planner.OpMul:
		inter = n.s1 + n.s2
		n.ml, n.mr = 1, 1
	case planner.OpDiv:
		inter = n.s
		n.divK = n.s - n.s1 + n.s2
	}
	n.down, n.up = 1, 1
	switch {
	case n.s < inter:
		n.down = pow10or0(inter - n.s)
	case n.s > inter:
		n.up = pow10or0(n.s - inter)
	}
	n.fast = n.ml != 0 && n.mr != 0 && n.down != 0 && n.up != 0
	// Spark's unadjusted result types hold every exact sum and product.
	switch e.Op {
	case planner.OpAdd, planner.OpSub:
		n.exact = n.s >= n.cs && n.p-n.s >= max(ld.Precision-ld.Scale, rd.Precision-rd.Scale)+1
	case planner.OpMul:
		n.exact = n.s == n.s1+n.s2 && n.p >= ld.Precision+rd.Precision
	}
	if e.Op == planner.OpDiv {
		n.fast = n.divK >= 0 && n.divK <= 18
	}
	return c.make(n, res, true, l, r), nil
}

// decArith is + - * / % over DECIMAL operands of scales s1 and s2 giving
// DECIMAL(p,s).
type decArith struct {
	op     planner.BinaryOp
	l, r   operand[decimal128.Num]
	s1, s2 int32
	p, s   int32
	dt     arrow.DataType
	text   string

	cs     int32 // the common scale of + - %
	ml, mr int64 // 10^(cs-s1), 10^(cs-s2)
	down   int64 // divisor from the exact scale to s, 1 if none
	up     int64 // multiplier from the exact scale to s, 1 if none
	divK   int32 // division: the dividend is scaled by 10^divK
	fast   bool  // whether the int64 path applies at all
	exact  bool  // whether no result can overflow (then evaluation cannot fail)
}

func (n *decArith) fallible() bool { return !n.exact || n.l.fallible() || n.r.fallible() }

func (n *decArith) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	la, a, sa, ra, b, sb, err := loadPair(mem, c, &n.l, &n.r)
	if err != nil {
		return nil, err
	}
	defer release(la, ra)
	valid := andValidity(mem, c.n, la, ra)
	buf, out := newValues[decimal128.Num](mem, c.n)
	var kind errKind
	switch n.op {
	case planner.OpMul:
		kind = n.mulLoop(a, sa, b, sb, out, bytesOf(valid))
	case planner.OpAdd, planner.OpSub:
		kind = n.addLoop(a, sa, b, sb, out, bytesOf(valid))
	default:
		kind = n.divModLoop(a, sa, b, sb, out, bytesOf(valid))
	}
	if kind != errNone {
		buf.Release()
		releaseBufs(valid)
		return nil, arithError(kind, "decimal", n.text)
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}

// mulLoop is the hot loop of TPC-H Q1: both values in int64, their product
// checked, rescaled only when the result scale differs.
func (n *decArith) mulLoop(a []decimal128.Num, sa int, b []decimal128.Num, sb int, out []decimal128.Num, valid []byte) errKind {
	var slow *decSlow
	down, up, p, fast := n.down, n.up, n.p, n.fast
	// With no rescaling and a result of 19 digits or more, products of
	// 32-bit values need no check at all: mulRun takes them in a tight
	// loop.
	simple := fast && down == 1 && up == 1 && p >= 19
	for i := 0; i < len(out); i++ {
		if simple {
			if i = mulRun(a, sa, b, sb, out, i); i == len(out) {
				break
			}
		}
		x, y := a[i*sa], b[i*sb]
		if fast {
			xi, yi := int64(x.LowBits()), int64(y.LowBits())
			if x.HighBits() == xi>>63 && y.HighBits() == yi>>63 {
				r, ok := mulInt64(xi, yi)
				if ok && down != 1 {
					r = divRoundHalfUp(r, down)
				} else if ok && up != 1 {
					r, ok = mulInt64(r, up)
				}
				if ok && inPrecision(r, p) {
					out[i] = numOf(r)
					continue
				}
			}
		}
		if slow == nil {
			slow = &decSlow{n: n}
		}
		v, kind := slow.compute(x, y)
		if kind != errNone {
			if isValid(valid, 0, i) {
				return kind
			}
			v = decimal128.Num{}
		}
		out[i] = v
	}
	return errNone
}

// mulRun multiplies rows from i on while both values fit in 32 bits, and
// returns the first row it leaves to the general loop.
func mulRun(a []decimal128.Num, sa int, b []decimal128.Num, sb int, out []decimal128.Num, i int) int {
	for ; i < len(out); i++ {
		x, y := a[i*sa], b[i*sb]
		xi, yi := int64(x.LowBits()), int64(y.LowBits())
		if x.HighBits() != xi>>63 || y.HighBits() != yi>>63 || uint64(xi+1<<31) >= 1<<32 || uint64(yi+1<<31) >= 1<<32 {
			return i
		}
		out[i] = numOf(xi * yi)
	}
	return i
}

// addRun adds (or subtracts: my = -mr) rows from i on while both values
// fit in 32 bits and the scale multipliers are at most 10^9 (so nothing can
// overflow int64), checking only the result precision; it returns the
// first row it leaves to the general loop.
func addRun(a []decimal128.Num, sa int, b []decimal128.Num, sb int, out []decimal128.Num, i int, ml, my int64, p int32) int {
	for ; i < len(out); i++ {
		x, y := a[i*sa], b[i*sb]
		xi, yi := int64(x.LowBits()), int64(y.LowBits())
		if x.HighBits() != xi>>63 || y.HighBits() != yi>>63 || uint64(xi+1<<31) >= 1<<32 || uint64(yi+1<<31) >= 1<<32 {
			return i
		}
		r := xi*ml + yi*my
		if !inPrecision(r, p) {
			return i
		}
		out[i] = numOf(r)
	}
	return i
}

func (n *decArith) addLoop(a []decimal128.Num, sa int, b []decimal128.Num, sb int, out []decimal128.Num, valid []byte) errKind {
	var slow *decSlow
	down, up, p, ml, mr, fast := n.down, n.up, n.p, n.ml, n.mr, n.fast
	sub := n.op == planner.OpSub
	simple := fast && down == 1 && up == 1 && ml <= 1e9 && mr <= 1e9
	my := mr
	if sub {
		my = -mr
	}
	for i := 0; i < len(out); i++ {
		if simple {
			if i = addRun(a, sa, b, sb, out, i, ml, my, p); i == len(out) {
				break
			}
		}
		x, y := a[i*sa], b[i*sb]
		if fast {
			xi, yi := int64(x.LowBits()), int64(y.LowBits())
			if x.HighBits() == xi>>63 && y.HighBits() == yi>>63 {
				ok1, ok2 := true, true
				if ml != 1 {
					xi, ok1 = mulInt64(xi, ml)
				}
				if mr != 1 {
					yi, ok2 = mulInt64(yi, mr)
				}
				if sub {
					// x - y as x + (-y); -MinInt64 is caught by the check.
					ok2 = ok2 && yi != -1<<63
					yi = -yi
				}
				r, ok := addInt64(xi, yi)
				ok = ok && ok1 && ok2
				if ok && down != 1 {
					r = divRoundHalfUp(r, down)
				} else if ok && up != 1 {
					r, ok = mulInt64(r, up)
				}
				if ok && inPrecision(r, p) {
					out[i] = numOf(r)
					continue
				}
			}
		}
		if slow == nil {
			slow = &decSlow{n: n}
		}
		v, kind := slow.compute(x, y)
		if kind != errNone {
			if isValid(valid, 0, i) {
				return kind
			}
			v = decimal128.Num{}
		}
		out[i] = v
	}
	return errNone
}

func (n *decArith) divModLoop(a []decimal128.Num, sa int, b []decimal128.Num, sb int, out []decimal128.Num, valid []byte) errKind {
	var slow *decSlow
	for i := range out {
		x, y := a[i*sa], b[i*sb]
		if v, ok := n.divModFast(x, y); ok {
			out[i] = v
			continue
		}
		if slow == nil {
			slow = &decSlow{n: n}
		}
		v, kind := slow.compute(x, y)
		if kind != errNone {
			if isValid(valid, 0, i) {
				return kind
			}
			v = decimal128.Num{}
		}
		out[i] = v
	}
	return errNone
}

// divModFast computes x / y or x % y in 64-bit words when it can; false
// sends the row to the exact path (which also reports zero divisors).
func (n *decArith) divModFast(x, y decimal128.Num) (decimal128.Num, bool) {
	if !n.fast {
		return decimal128.Num{}, false
	}
	xi, ok1 := fitsInt64(x)
	yi, ok2 := fitsInt64(y)
	if !ok1 || !ok2 || yi == 0 || xi == -1<<63 || yi == -1<<63 {
		return decimal128.Num{}, false
	}
	if n.op == planner.OpMod {
		xs, ok1 := mulInt64(xi, n.ml)
		ys, ok2 := mulInt64(yi, n.mr)
		if !ok1 || !ok2 || n.down != 1 || n.up != 1 {
			return decimal128.Num{}, false
		}
		r := xs % ys
		if !inPrecision(r, n.p) {
			return decimal128.Num{}, false
		}
		return numOf(r), true
	}
	// |x| * 10^k / |y| in 128 bits, rounded half up.
	ux, uy := uint64(xi), uint64(yi)
	if xi < 0 {
		ux = uint64(-xi)
	}
	if yi < 0 {
		uy = uint64(-yi)
	}
	hi, lo := bits.Mul64(ux, uint64(pow10i64[n.divK]))
	if hi >= uy {
		return decimal128.Num{}, false
	}
	q, rem := bits.Div64(hi, lo, uy)
	if rem >= uy-rem {
		q++
	}
	if q > 1<<63-1 {
		return decimal128.Num{}, false
	}
	r := int64(q)
	if (xi < 0) != (yi < 0) {
		r = -r
	}
	if !inPrecision(r, n.p) {
		return decimal128.Num{}, false
	}
	return numOf(r), true
}

// decSlow computes one row exactly with math/big; its integers are reused
// from row to row.
type decSlow struct {
	n             *decArith
	x, y, z, t, r big.Int
}

func (d *decSlow) compute(a, b decimal128.Num) (decimal128.Num, errKind) {
	n := d.n
	x := setBig(&d.x, &d.t, a)
	y := setBig(&d.y, &d.t, b)
	z := &d.z
	switch n.op {
	case planner.OpAdd, planner.OpSub:
		x.Mul(x, pow10big[n.cs-n.s1])
		y.Mul(y, pow10big[n.cs-n.s2])
		if n.op == planner.OpAdd {
			z.Add(x, y)
		} else {
			z.Sub(x, y)
		}
		rescaleBig(z, &d.r, z, n.cs, n.s)
	case planner.OpMul:
		z.Mul(x, y)
		rescaleBig(z, &d.r, z, n.s1+n.s2, n.s)
	case planner.OpDiv:
		if y.Sign() == 0 {
			return decimal128.Num{}, errDivZero
		}
		neg := y.Sign() < 0
		y.Abs(y)
		if n.divK >= 0 {
			x.Mul(x, pow10big[n.divK])
		} else {
			y.Mul(y, pow10big[-n.divK])
		}
		roundBig(z, &d.r, x, y)
		if neg {
			z.Neg(z)
		}
	case planner.OpMod:
		if y.Sign() == 0 {
			return decimal128.Num{}, errDivZero
		}
		x.Mul(x, pow10big[n.cs-n.s1])
		y.Mul(y, pow10big[n.cs-n.s2])
		z.Rem(x, y)
		rescaleBig(z, &d.r, z, n.cs, n.s)
	}
	v, ok := numFromBig(z, n.p)
	if !ok {
		return decimal128.Num{}, errOverflow
	}
	return v, errNone
}
