package eval

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Numeric functions: negation, abs, round, floor and ceil.

// unaryFixed is a kernel mapping one fixed-width array to another with a
// per-value function that may fail (overflow). The function is called
// through a pointer, which is fine for these rarely hot functions.
type unaryFixed[F, T any] struct {
	x    node
	dt   arrow.DataType
	f    func(F) (T, bool)
	what string // the failure, e.g. "integer overflow"
	text string
	can  bool // whether f can fail
}

func (n *unaryFixed[F, T]) fallible() bool { return n.can || n.x.fallible() }

func (n *unaryFixed[F, T]) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	in := values[F](a)
	valid := copyValidity(mem, a)
	vb := bytesOf(valid)
	buf, out := newValues[T](mem, c.n)
	for i, v := range in {
		r, ok := n.f(v)
		if !ok && isValid(vb, 0, i) {
			buf.Release()
			releaseBufs(valid)
			return nil, fmt.Errorf("%s in %s", n.what, n.text)
		}
		out[i] = r
	}
	return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
}

func newUnary[F, T any](x compiled, dt arrow.DataType, text, what string, can bool, f func(F) (T, bool)) node {
	return &unaryFixed[F, T]{x: x.nd, dt: dt, f: f, what: what, text: text, can: can}
}

// negInt negates with an overflow check (-MIN does not exist).
func negInt[T intT](v T) (T, bool) { return -v, v == 0 || -v != v }

func (c *compiler) compileNegate(e *planner.Negate) (compiled, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return compiled{}, err
	}
	if x.isNullLit() {
		return nullOf(x.dt), nil
	}
	text := e.String()
	var nd node
	switch x.dt.ID() {
	case arrow.INT8:
		nd = newUnary(x, x.dt, text, "integer overflow", true, negInt[int8])
	case arrow.INT16:
		nd = newUnary(x, x.dt, text, "integer overflow", true, negInt[int16])
	case arrow.INT32:
		nd = newUnary(x, x.dt, text, "integer overflow", true, negInt[int32])
	case arrow.INT64:
		nd = newUnary(x, x.dt, text, "integer overflow", true, negInt[int64])
	case arrow.FLOAT64:
		nd = newUnary(x, x.dt, text, "", false, func(v float64) (float64, bool) { return -v, true })
	case arrow.DECIMAL128:
		nd = newUnary(x, x.dt, text, "", false, func(v decimal128.Num) (decimal128.Num, bool) { return v.Negate(), true })
	case arrow.INTERVAL_MONTH_DAY_NANO:
		nd = newUnary(x, x.dt, text, "interval overflow", true, func(v arrow.MonthDayNanoInterval) (arrow.MonthDayNanoInterval, bool) {
			ok := v.Months != math.MinInt32 && v.Days != math.MinInt32 && v.Nanoseconds != math.MinInt64
			return arrow.MonthDayNanoInterval{Months: -v.Months, Days: -v.Days, Nanoseconds: -v.Nanoseconds}, ok
		})
	default:
		return compiled{}, fmt.Errorf("eval: cannot negate %s in %s", planner.TypeName(x.dt), e)
	}
	return c.make(nd, x.dt, true, x), nil
}

func (c *compiler) compileAbs(e *planner.Func, x compiled) (compiled, error) {
	x, err := c.castTo(x, e.DataType)
	if err != nil {
		return compiled{}, err
	}
	text := e.String()
	var nd node
	switch x.dt.ID() {
	case arrow.INT8:
		nd = newUnary(x, x.dt, text, "integer overflow", true, absInt[int8])
	case arrow.INT16:
		nd = newUnary(x, x.dt, text, "integer overflow", true, absInt[int16])
	case arrow.INT32:
		nd = newUnary(x, x.dt, text, "integer overflow", true, absInt[int32])
	case arrow.INT64:
		nd = newUnary(x, x.dt, text, "integer overflow", true, absInt[int64])
	case arrow.FLOAT64:
		nd = newUnary(x, x.dt, text, "", false, func(v float64) (float64, bool) { return math.Abs(v), true })
	case arrow.DECIMAL128:
		nd = newUnary(x, x.dt, text, "", false, func(v decimal128.Num) (decimal128.Num, bool) { return v.Abs(), true })
	default:
		return compiled{}, fmt.Errorf("eval: abs of %s is not supported in %s", planner.TypeName(x.dt), e)
	}
	return c.make(nd, x.dt, true, x), nil
}

func absInt[T intT](v T) (T, bool) {
	if v < 0 {
		return negInt(v)
	}
	return v, true
}

func (c *compiler) compileFloorCeil(e *planner.Func, x compiled) (compiled, error) {
	ceil := e.Name == "ceil"
	text := e.String()
	res := e.DataType
	if d, ok := x.dt.(*arrow.Decimal128Type); ok {
		rd, ok := res.(*arrow.Decimal128Type)
		if !ok {
			return compiled{}, fmt.Errorf("eval: %s of a DECIMAL must be a DECIMAL", e)
		}
		s := d.Scale
		nd := newUnary(x, res, text, "decimal overflow", true, func(v decimal128.Num) (decimal128.Num, bool) {
			return floorCeilDecimal(v, s, rd.Precision, ceil)
		})
		return c.make(nd, res, true, x), nil
	}
	if planner.IsInteger(x.dt) {
		return c.castTo(x, res)
	}
	x, err := c.castTo(x, planner.TypeDouble)
	if err != nil {
		return compiled{}, err
	}
	if res.ID() != arrow.INT64 {
		return compiled{}, fmt.Errorf("eval: %s of a DOUBLE must be a BIGINT", e)
	}
	// Like Spark, the double result is converted to BIGINT saturating (NaN
	// gives 0).
	nd := newUnary(x, res, text, "", false, func(v float64) (int64, bool) {
		if ceil {
			v = math.Ceil(v)
		} else {
			v = math.Floor(v)
		}
		switch {
		case v != v:
			return 0, true
		case v >= 9.223372036854775807e18:
			return math.MaxInt64, true
		case v <= -9.223372036854775808e18:
			return math.MinInt64, true
		}
		return int64(v), true
	})
	return c.make(nd, res, true, x), nil
}

// floorCeilDecimal rounds v (scale s) to an integer toward -inf (floor) or
// +inf (ceil), checking precision p.
func floorCeilDecimal(v decimal128.Num, s, p int32, ceil bool) (decimal128.Num, bool) {
	if iv, ok := fitsInt64(v); ok && s <= 18 {
		m := pow10i64[s]
		q, r := iv/m, iv%m
		if r != 0 && (r > 0) == ceil {
			if ceil {
				q++
			} else {
				q--
			}
		}
		if inPrecision(q, p) {
			return numOf(q), true
		}
		return decimal128.Num{}, false
	}
	var x, t, r big.Int
	setBig(&x, &t, v)
	x.QuoRem(&x, pow10big[s], &r)
	if r.Sign() != 0 && (r.Sign() > 0) == ceil {
		if ceil {
			x.Add(&x, pow10big[0])
		} else {
			x.Sub(&x, pow10big[0])
		}
	}
	return numFromBig(&x, p)
}

func (c *compiler) compileRound(e *planner.Func, args []compiled) (compiled, error) {
	x := args[0]
	res := e.DataType
	var digits compiled
	if len(args) == 2 {
		var err error
		if digits, err = c.intArg(args[1]); err != nil {
			return compiled{}, err
		}
	} else {
		digits = compiled{nd: &litNode{lit: &planner.Literal{Value: int32(0), DataType: arrow.PrimitiveTypes.Int32}}, dt: arrow.PrimitiveTypes.Int32, konst: true}
	}
	if x.dt.ID() != arrow.DECIMAL128 {
		var err error
		if x, err = c.castTo(x, res); err != nil {
			return compiled{}, err
		}
	}
	nd := &roundNode{x: x.nd, d: newOperand[int32](digits), dt: res, text: e.String()}
	switch x.dt.ID() {
	case arrow.DECIMAL128:
		if res.ID() != arrow.DECIMAL128 {
			return compiled{}, fmt.Errorf("eval: round of a DECIMAL must be a DECIMAL in %s", e)
		}
		nd.scale = x.dt.(*arrow.Decimal128Type).Scale
	case arrow.FLOAT64, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
	default:
		return compiled{}, fmt.Errorf("eval: cannot round %s in %s", planner.TypeName(x.dt), e)
	}
	return c.make(nd, res, true, x, digits), nil
}

// roundNode is round(x, d), HALF_UP: for decimals exactly, for doubles on
// their shortest decimal form (as Spark does, so round(2.675, 2) = 2.68),
// for integers to a power of ten when d < 0.
type roundNode struct {
	x     node
	d     operand[int32]
	scale int32 // of a decimal x
	dt    arrow.DataType
	text  string
}

func (n *roundNode) fallible() bool { return true }

func (n *roundNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	xa, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	da, dv, ds, err := n.d.load(mem, c)
	if err != nil {
		return nil, err
	}
	defer release(da)
	valid := andValidity(mem, c.n, xa, da)
	vb := bytesOf(valid)
	fail := func(buf *memory.Buffer, what string) (arrow.Array, error) {
		buf.Release()
		releaseBufs(valid)
		return nil, fmt.Errorf("%s in %s", what, n.text)
	}
	switch xa.DataType().ID() {
	case arrow.DECIMAL128:
		rd := n.dt.(*arrow.Decimal128Type)
		in := values[decimal128.Num](xa)
		buf, out := newValues[decimal128.Num](mem, c.n)
		var x, t, z big.Int
		for i, v := range in {
			d := dv[i*ds]
			r, ok := v, true
			if d < n.scale {
				// Round to d digits (d may be negative), then express at
				// the result scale.
				if r, ok = rescaleNum(v, n.scale, d, 38, &x, &t, &z); ok {
					r, ok = rescaleNum(r, d, rd.Scale, rd.Precision, &x, &t, &z)
				}
			} else {
				r, ok = rescaleNum(v, n.scale, rd.Scale, rd.Precision, &x, &t, &z)
			}
			if !ok && isValid(vb, 0, i) {
				return fail(buf, "decimal overflow")
			}
			out[i] = r
		}
		return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
	case arrow.FLOAT64:
		in := values[float64](xa)
		buf, out := newValues[float64](mem, c.n)
		var scratch []byte
		for i, v := range in {
			if isValid(vb, 0, i) {
				out[i], scratch = roundDouble(v, int(dv[i*ds]), scratch)
			}
		}
		return makeArray(n.dt, c.n, []*memory.Buffer{valid, buf}), nil
	case arrow.INT8:
		return roundInts[int8](mem, xa, dv, ds, valid, n)
	case arrow.INT16:
		return roundInts[int16](mem, xa, dv, ds, valid, n)
	case arrow.INT32:
		return roundInts[int32](mem, xa, dv, ds, valid, n)
	default:
		return roundInts[int64](mem, xa, dv, ds, valid, n)
	}
}

func roundInts[T intT](mem memory.Allocator, xa arrow.Array, dv []int32, ds int, valid *memory.Buffer, n *roundNode) (arrow.Array, error) {
	in := values[T](xa)
	buf, out := newValues[T](mem, xa.Len())
	lo, hi := intRange[T]()
	vb := bytesOf(valid)
	for i, v := range in {
		d := dv[i*ds]
		r, ok := int64(v), true
		switch {
		case d < -18:
			// Rounds to 0, or to ±10^19 (out of range) from 5*10^18 up.
			r = 0
			ok = int64(v) < 5e18 && int64(v) > -5e18
		case d < 0:
			m := pow10i64[-d]
			r, ok = mulInt64(divRoundHalfUp(r, m), m)
		}
		if !(ok && r >= lo && r <= hi) && isValid(vb, 0, i) {
			buf.Release()
			releaseBufs(valid)
			return nil, fmt.Errorf("integer overflow in %s", n.text)
		}
		out[i] = T(r)
	}
	return makeArray(n.dt, xa.Len(), []*memory.Buffer{valid, buf}), nil
}

// roundDouble rounds f to d decimal places HALF_UP, working on the
// shortest decimal representation of f.
func roundDouble(f float64, d int, scratch []byte) (float64, []byte) {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f, scratch
	}
	s := strconv.AppendFloat(scratch[:0], f, 'e', -1, 64) // [-]d[.ddd]e±xx
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	k := 0
	for s[k] != 'e' {
		k++
	}
	exp, _ := strconv.Atoi(string(s[k+1:]))
	// The digits, without the point: value = 0.DIGITS * 10^(exp+1).
	digits := make([]byte, 0, 20)
	for _, ch := range s[:k] {
		if ch != '.' {
			digits = append(digits, ch)
		}
	}
	keep := exp + 1 + d // digits before the rounding position
	if keep >= len(digits) {
		return f, s
	}
	var mant int64
	switch {
	case keep < 0:
		return math.Copysign(0, f), s
	case keep == 0:
		if digits[0] >= '5' {
			mant = 1
		}
	default:
		for _, ch := range digits[:keep] {
			mant = mant*10 + int64(ch-'0')
		}
		if digits[keep] >= '5' {
			mant++
		}
	}
	// result = mant * 10^-d
	out := strconv.AppendInt(s[:0], mant, 10)
	out = append(out, 'e')
	out = strconv.AppendInt(out, int64(-d), 10)
	r, _ := strconv.ParseFloat(unsafe.String(&out[0], len(out)), 64)
	if neg {
		r = -r
	}
	return r, out
}
