package eval

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// AND, OR and NOT with SQL's three-valued (Kleene) logic, and IS [NOT]
// NULL. All work on whole bitmaps, a byte (eight rows) at a time.

func (c *compiler) compileLogic(e *planner.Binary, l, r compiled) (compiled, error) {
	var err error
	if l, err = c.castTo(l, planner.TypeBoolean); err != nil {
		return compiled{}, err
	}
	if r, err = c.castTo(r, planner.TypeBoolean); err != nil {
		return compiled{}, err
	}
	// A constant that decides the answer (FALSE AND x, TRUE OR x) does not
	// need x evaluated at all.
	decisive := e.Op == planner.OpOr
	for _, k := range []compiled{l, r} {
		if lit := k.lit(); lit != nil && lit.Value == decisive {
			return compiled{nd: &litNode{lit: lit}, dt: planner.TypeBoolean, konst: true}, nil
		}
	}
	nd := &logicNode{or: e.Op == planner.OpOr, l: l.nd, r: newLazy(r)}
	return c.make(nd, planner.TypeBoolean, true, l, r), nil
}

// logicNode is l AND r, or l OR r. When r can fail it is evaluated only on
// the rows l does not decide (Spark short-circuits the same way), so
// x <> 0 AND 10 / x > 1 does not divide by zero.
type logicNode struct {
	or bool
	l  node
	r  lazyExpr
}

func (n *logicNode) fallible() bool { return n.l.fallible() || n.r.fallible }

func (n *logicNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	la, err := n.l.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer la.Release()
	var ra arrow.Array
	if n.r.fallible {
		// The rows l leaves open: not FALSE for AND, not TRUE for OR.
		var open []int32
		vals, voff := bitsOf(la)
		valid, noff := validityOf(la)
		for i := 0; i < c.n; i++ {
			if !isValid(valid, noff, i) || bitutil.BitIsSet(vals, voff+i) != n.or {
				open = append(open, int32(i))
			}
		}
		if len(open) == 0 {
			la.Retain()
			return la, nil
		}
		p, err := evalRows(mem, n.r, c, open)
		if err != nil {
			return nil, err
		}
		m := newMerger(c.n)
		m.add(p, open)
		// Rows l decides take NULL from r: l's value wins over it.
		if ra, err = m.finish(mem, planner.TypeBoolean); err != nil {
			return nil, err
		}
	} else if ra, err = n.r.nd.eval(mem, c); err != nil {
		return nil, err
	}
	defer ra.Release()
	return kleene(mem, n.or, la, ra, c.n), nil
}

// kleene combines two boolean arrays with AND or OR.
func kleene(mem memory.Allocator, or bool, la, ra arrow.Array, n int) arrow.Array {
	if la.DataType().ID() == arrow.NULL || ra.DataType().ID() == arrow.NULL {
		return kleeneWithNull(mem, or, la, ra, n)
	}
	ad, ao := bitsOf(la)
	bd, bo := bitsOf(ra)
	out := newBitmap(mem, n)
	ob := out.Bytes()
	if la.NullN() == 0 && ra.NullN() == 0 {
		if or {
			bitutil.BitmapOr(ad, bd, int64(ao), int64(bo), ob, 0, int64(n))
		} else {
			bitutil.BitmapAnd(ad, bd, int64(ao), int64(bo), ob, 0, int64(n))
		}
		return makeArray(planner.TypeBoolean, n, []*memory.Buffer{nil, out})
	}
	da, db := alignBits(ad, ao, n), alignBits(bd, bo, n)
	va, vb := alignValidity(la, n), alignValidity(ra, n)
	valid := newBitmap(mem, n)
	vo := valid.Bytes()
	for i := range ob {
		if or {
			at, bt := va[i]&da[i], vb[i]&db[i]
			vo[i] = va[i]&vb[i] | at | bt
			ob[i] = at | bt
		} else {
			af, bf := va[i]&^da[i], vb[i]&^db[i]
			vo[i] = va[i]&vb[i] | af | bf
			ob[i] = da[i] & db[i]
		}
	}
	return makeArray(planner.TypeBoolean, n, []*memory.Buffer{valid, out})
}

// kleeneWithNull handles an operand of the NULL type: x AND NULL is FALSE
// where x is FALSE and NULL elsewhere; x OR NULL is TRUE where x is TRUE.
func kleeneWithNull(mem memory.Allocator, or bool, la, ra arrow.Array, n int) arrow.Array {
	x := la
	if x.DataType().ID() == arrow.NULL {
		x = ra
	}
	out := newBitmap(mem, n)
	valid := newBitmap(mem, n)
	if x.DataType().ID() != arrow.NULL {
		d, do := bitsOf(x)
		vm, vo := validityOf(x)
		for i := 0; i < n; i++ {
			if isValid(vm, vo, i) && bitutil.BitIsSet(d, do+i) == or {
				bitutil.SetBit(valid.Bytes(), i)
				if or {
					bitutil.SetBit(out.Bytes(), i)
				}
			}
		}
	}
	return makeArray(planner.TypeBoolean, n, []*memory.Buffer{valid, out})
}

// alignBits returns n bits of bm from bit off on, starting at bit 0 (a
// sub-slice when off is byte-aligned, else a copy).
func alignBits(bm []byte, off, n int) []byte {
	nb := int(bitutil.BytesForBits(int64(n)))
	if off%8 == 0 {
		return bm[off/8 : off/8+nb]
	}
	out := make([]byte, nb)
	bitutil.CopyBitmap(bm, off, n, out, 0)
	return out
}

// alignValidity returns a's validity from bit 0, all ones when it has no
// NULLs.
func alignValidity(a arrow.Array, n int) []byte {
	bm, off := validityOf(a)
	if bm == nil {
		return allOnes(n)
	}
	return alignBits(bm, off, n)
}

func (c *compiler) compileNot(e *planner.Not) (compiled, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return compiled{}, err
	}
	if x, err = c.castTo(x, planner.TypeBoolean); err != nil {
		return compiled{}, err
	}
	if x.isNullLit() {
		return nullOf(planner.TypeBoolean), nil
	}
	return c.make(&notNode{x: x.nd}, planner.TypeBoolean, true, x), nil
}

// notNode is NOT x: NOT NULL is NULL.
type notNode struct{ x node }

func (n *notNode) fallible() bool { return n.x.fallible() }

func (n *notNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	if a.DataType().ID() == arrow.NULL {
		return LiteralArray(mem, &planner.Literal{DataType: planner.TypeBoolean}, c.n)
	}
	d, off := bitsOf(a)
	out := newBitmap(mem, c.n)
	bitutil.InvertBitmap(d, off, c.n, out.Bytes(), 0)
	return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{copyValidity(mem, a), out}), nil
}

func (c *compiler) compileIsNull(e *planner.IsNull) (compiled, error) {
	x, err := c.compile(e.X)
	if err != nil {
		return compiled{}, err
	}
	return c.make(&isNullNode{x: x.nd, negated: e.Negated}, planner.TypeBoolean, true, x), nil
}

// isNullNode is x IS NULL, or x IS NOT NULL when negated; never NULL.
type isNullNode struct {
	x       node
	negated bool
}

func (n *isNullNode) fallible() bool { return n.x.fallible() }

func (n *isNullNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	out := newBitmap(mem, c.n)
	ob := out.Bytes()
	switch {
	case a.DataType().ID() == arrow.NULL:
		if !n.negated {
			memory.Set(ob, 0xff)
		}
	case a.NullN() == 0:
		if n.negated {
			memory.Set(ob, 0xff)
		}
	default:
		bm, off := validityOf(a)
		if n.negated {
			bitutil.CopyBitmap(bm, off, c.n, ob, 0)
		} else {
			bitutil.InvertBitmap(bm, off, c.n, ob, 0)
		}
	}
	return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{nil, out}), nil
}
