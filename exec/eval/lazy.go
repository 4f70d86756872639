package eval

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Lazy evaluation: CASE, COALESCE and the right side of AND/OR evaluate an
// operand only on the rows that reach it, so that
// CASE WHEN x = 0 THEN NULL ELSE 1/x END never divides by zero. Rows are
// named by selections: ascending row positions within a chunk.
//
// An operand that cannot fail may still run on the whole chunk when most
// rows need it (cheaper than gathering its columns); a fallible one runs on
// a chunk of just the selected rows, gathered from the columns it reads.

// lazyExpr is an operand of a lazy operator.
type lazyExpr struct {
	nd       node
	dt       arrow.DataType
	cols     []int
	fallible bool
	lit      *planner.Literal
}

func newLazy(x compiled) lazyExpr {
	return lazyExpr{nd: x.nd, dt: x.dt, cols: x.cols, fallible: x.nd.fallible(), lit: x.lit()}
}

// partKind says how a part's array lines up with the rows it serves.
type partKind int

const (
	partFull  partKind = iota // one value per chunk row, at the row's position
	partSel                   // one value per selected row, at its rank in the selection
	partConst                 // one value for every row
)

// part is an operand's result over a selection.
type part struct {
	arr  arrow.Array
	kind partKind
}

// at returns where, in p.arr, the value of row sits, row being the j-th
// selected row.
func (p part) at(j int, row int32) int32 {
	switch p.kind {
	case partFull:
		return row
	case partSel:
		return int32(j)
	}
	return 0
}

// evalRows evaluates x on the rows sel of c.
func evalRows(mem memory.Allocator, x lazyExpr, c *chunk, sel []int32) (part, error) {
	if x.lit != nil {
		a, err := LiteralArray(mem, x.lit, 1)
		return part{arr: a, kind: partConst}, err
	}
	_, isCol := x.nd.(*colNode)
	if len(sel) == c.n || isCol || (!x.fallible && 2*len(sel) >= c.n) {
		a, err := x.nd.eval(mem, c)
		return part{arr: a, kind: partFull}, err
	}
	sub := &chunk{cols: make([]arrow.Array, len(c.cols)), n: len(sel)}
	defer releaseAll(sub.cols)
	for _, ci := range x.cols {
		col := c.cols[ci]
		g, err := gather(mem, col.DataType(), []arrow.Array{col}, nil, sel)
		if err != nil {
			return part{}, err
		}
		sub.cols[ci] = g
	}
	a, err := x.nd.eval(mem, sub)
	return part{arr: a, kind: partSel}, err
}

// allRows is the selection of every row of an n-row chunk.
func allRows(n int) []int32 {
	sel := make([]int32, n)
	for i := range sel {
		sel[i] = int32(i)
	}
	return sel
}

// splitTrue splits sel by a boolean part over it into the rows where it is
// TRUE and the others (FALSE or NULL).
func splitTrue(p part, sel []int32) (yes, no []int32) {
	vals, voff := bitsOf(p.arr)
	valid, noff := validityOf(p.arr)
	isNullType := p.arr.DataType().ID() == arrow.NULL
	yes, no = make([]int32, 0, len(sel)), make([]int32, 0, len(sel))
	for j, row := range sel {
		k := int(p.at(j, row))
		if !isNullType && isValid(valid, noff, k) && bitutil.BitIsSet(vals, voff+k) {
			yes = append(yes, row)
		} else {
			no = append(no, row)
		}
	}
	return yes, no
}

// splitValid splits sel by a part over it into the rows where it is not
// NULL and those where it is.
func splitValid(p part, sel []int32) (valid, null []int32) {
	if p.arr.DataType().ID() == arrow.NULL {
		return nil, sel
	}
	bm, off := validityOf(p.arr)
	if bm == nil {
		return sel, nil
	}
	for j, row := range sel {
		if bitutil.BitIsSet(bm, off+int(p.at(j, row))) {
			valid = append(valid, row)
		} else {
			null = append(null, row)
		}
	}
	return valid, null
}

// merger assembles a result row by row from the parts of a lazy operator.
type merger struct {
	n      int
	which  []int32 // the part each row comes from; -1: NULL
	pos    []int32
	parts  []part
	filled int
}

func newMerger(n int) *merger {
	m := &merger{n: n, which: make([]int32, n), pos: make([]int32, n)}
	for i := range m.which {
		m.which[i] = -1
	}
	return m
}

// add takes p as the source of the rows sel (p was evaluated on sel). The
// merger owns p from then on.
func (m *merger) add(p part, sel []int32) {
	k := int32(len(m.parts))
	m.parts = append(m.parts, p)
	for j, row := range sel {
		m.which[row] = k
		m.pos[row] = p.at(j, row)
	}
	m.filled += len(sel)
}

// finish builds the merged array of type dt and releases the parts.
func (m *merger) finish(mem memory.Allocator, dt arrow.DataType) (arrow.Array, error) {
	defer m.release()
	// One full part serving every row is the answer as it is.
	if len(m.parts) == 1 && m.filled == m.n && m.parts[0].kind == partFull {
		a := m.parts[0].arr
		a.Retain()
		return a, nil
	}
	if len(m.parts) == 0 {
		return LiteralArray(mem, &planner.Literal{DataType: dt}, m.n)
	}
	srcs := make([]arrow.Array, len(m.parts))
	for i, p := range m.parts {
		srcs[i] = p.arr
	}
	return gather(mem, dt, srcs, m.which, m.pos)
}

func (m *merger) release() {
	for _, p := range m.parts {
		p.arr.Release()
	}
	m.parts = nil
}
