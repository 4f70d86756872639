package eval

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// CASE, COALESCE and NULLIF. CASE and COALESCE are lazy: each branch or
// argument is evaluated only on the rows that reach it (see lazy.go).

func (c *compiler) compileCase(e *planner.Case) (compiled, error) {
	nd := &caseNode{dt: e.DataType}
	var kids []compiled
	for _, w := range e.Whens {
		cond, err := c.compile(w.Cond)
		if err != nil {
			return compiled{}, err
		}
		if cond, err = c.castTo(cond, planner.TypeBoolean); err != nil {
			return compiled{}, err
		}
		res, err := c.compile(w.Result)
		if err != nil {
			return compiled{}, err
		}
		if res, err = c.castTo(res, e.DataType); err != nil {
			return compiled{}, err
		}
		// A branch whose condition is constantly FALSE or NULL is never
		// taken.
		if l := cond.lit(); l != nil && l.Value != true {
			continue
		}
		nd.whens = append(nd.whens, caseWhen{cond: newLazy(cond), result: newLazy(res)})
		kids = append(kids, cond, res)
		if cond.konst {
			// Constantly TRUE: the branches after it are never taken.
			nd.els = nil
			return c.make(nd, e.DataType, true, kids...), nil
		}
	}
	if e.Else != nil {
		els, err := c.compile(e.Else)
		if err != nil {
			return compiled{}, err
		}
		if els, err = c.castTo(els, e.DataType); err != nil {
			return compiled{}, err
		}
		le := newLazy(els)
		nd.els = &le
		kids = append(kids, els)
	}
	return c.make(nd, e.DataType, true, kids...), nil
}

type caseWhen struct{ cond, result lazyExpr }

// caseNode is a searched CASE; els nil yields NULL.
type caseNode struct {
	whens []caseWhen
	els   *lazyExpr
	dt    arrow.DataType
}

// fallible reports whether any branch can fail: an enclosing lazy operator
// must then keep the rows it does not select away from this CASE too.
func (n *caseNode) fallible() bool {
	for _, w := range n.whens {
		if w.cond.fallible || w.result.fallible {
			return true
		}
	}
	return n.els != nil && n.els.fallible
}

func (n *caseNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	m := newMerger(c.n)
	remaining := allRows(c.n)
	for _, w := range n.whens {
		if len(remaining) == 0 {
			break
		}
		cp, err := evalRows(mem, w.cond, c, remaining)
		if err != nil {
			m.release()
			return nil, err
		}
		matched, rest := splitTrue(cp, remaining)
		cp.arr.Release()
		if len(matched) > 0 {
			rp, err := evalRows(mem, w.result, c, matched)
			if err != nil {
				m.release()
				return nil, err
			}
			m.add(rp, matched)
		}
		remaining = rest
	}
	if len(remaining) > 0 && n.els != nil {
		ep, err := evalRows(mem, *n.els, c, remaining)
		if err != nil {
			m.release()
			return nil, err
		}
		m.add(ep, remaining)
	}
	return m.finish(mem, n.dt)
}

// compileCoalesce compiles coalesce(args...): the first non-NULL argument.
func (c *compiler) compileCoalesce(e *planner.Func) (compiled, error) {
	nd := &coalesceNode{dt: e.DataType}
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
		nd.args = append(nd.args, newLazy(x))
		kids = append(kids, x)
		if x.konst {
			break // never NULL: later arguments are never reached
		}
	}
	if len(nd.args) == 0 {
		return nullOf(e.DataType), nil
	}
	return c.make(nd, e.DataType, true, kids...), nil
}

// coalesceNode evaluates each argument on the rows still NULL.
type coalesceNode struct {
	args []lazyExpr
	dt   arrow.DataType
}

func (n *coalesceNode) fallible() bool {
	return slices.ContainsFunc(n.args, func(a lazyExpr) bool { return a.fallible })
}

func (n *coalesceNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	m := newMerger(c.n)
	remaining := allRows(c.n)
	for _, a := range n.args {
		if len(remaining) == 0 {
			break
		}
		p, err := evalRows(mem, a, c, remaining)
		if err != nil {
			m.release()
			return nil, err
		}
		valid, null := splitValid(p, remaining)
		if len(valid) == 0 {
			p.arr.Release()
		} else {
			m.add(p, valid)
		}
		remaining = null
	}
	return m.finish(mem, n.dt)
}

// compileNullif compiles nullif(a, b): NULL where a = b, else a. a is
// evaluated once: the comparison reads it from an extra column slot.
func (c *compiler) compileNullif(e *planner.Func) (compiled, error) {
	kids, err := c.children(e.Args...)
	if err != nil {
		return compiled{}, err
	}
	a, b := kids[0], kids[1]
	if a, err = c.castTo(a, e.DataType); err != nil {
		return compiled{}, err
	}
	if b, err = c.castTo(b, e.DataType); err != nil {
		return compiled{}, err
	}
	if a.isNullLit() || b.isNullLit() {
		return a, nil
	}
	slot := 0
	if c.schema != nil {
		slot = c.schema.NumFields()
	}
	slot = max(slot, maxCol(a.cols)+1, maxCol(b.cols)+1)
	ref := compiled{nd: &colNode{idx: slot}, dt: a.dt}
	cm, _, _, err := c.comparer(e, ref, b)
	if err != nil {
		return compiled{}, err
	}
	if cm == nil {
		return nullOf(e.DataType), nil
	}
	return c.make(&nullifNode{a: a.nd, slot: slot, eq: cm}, e.DataType, true, a, b), nil
}

func maxCol(cols []int) int {
	if len(cols) == 0 {
		return -1
	}
	return cols[len(cols)-1]
}

// nullifNode is nullif(a, b).
type nullifNode struct {
	a    node
	slot int
	eq   comparer
}

func (n *nullifNode) fallible() bool { return n.a.fallible() || n.eq.fallible() }

func (n *nullifNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.a.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	cols := make([]arrow.Array, n.slot+1)
	copy(cols, c.cols)
	cols[n.slot] = a
	eq := newBitmap(mem, c.n)
	defer eq.Release()
	_, ra, err := n.eq.compare(mem, &chunk{cols: cols, n: c.n}, planner.OpEq, eq.Bytes())
	if err != nil {
		return nil, err
	}
	// The comparison's left array is a itself (retained once more).
	a.Release()
	defer release(ra)
	// Keep a's rows that are valid and not equal to a valid b.
	valid := newBitmap(mem, c.n)
	vb, eb := valid.Bytes(), eq.Bytes()
	av := alignValidity(a, c.n)
	bv := allOnes(c.n)
	if ra != nil {
		bv = alignValidity(ra, c.n)
	}
	for i := range vb {
		vb[i] = av[i] &^ (eb[i] & bv[i])
	}
	return withValidity(mem, a, valid), nil
}
