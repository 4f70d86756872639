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

// x [NOT] IN (list). The literal elements go into a set built once (a
// short list is scanned, a long one hashed); other elements are compared
// row by row. SQL's NULL rules: NULL when x is NULL, or when nothing
// matches and some element is NULL.

// valueSet holds the non-NULL literal elements of an IN list.
type valueSet interface {
	// member sets bit i of out for every row i of a whose value is in the
	// set (NULL rows are ignored by the caller).
	member(a arrow.Array, out []byte)
}

// smallSet is the size up to which a linear scan beats hashing.
const smallSet = 8

func (c *compiler) compileInList(e *planner.InList) (compiled, error) {
	kids, err := c.children(append([]planner.Expr{e.X}, e.List...)...)
	if err != nil {
		return compiled{}, err
	}
	types := make([]arrow.DataType, len(kids))
	for i, k := range kids {
		types[i] = k.dt
	}
	common, err := planner.CommonType(types...)
	if err != nil {
		return compiled{}, fmt.Errorf("eval: %s: %w", e, err)
	}
	for i := range kids {
		if kids[i], err = c.castTo(kids[i], common); err != nil {
			return compiled{}, err
		}
	}
	x := kids[0]
	if x.isNullLit() || common.ID() == arrow.NULL {
		return nullOf(planner.TypeBoolean), nil
	}
	slot := 0
	if c.schema != nil {
		slot = c.schema.NumFields()
	}
	for _, k := range kids {
		slot = max(slot, maxCol(k.cols)+1)
	}
	nd := &inListNode{x: x.nd, slot: slot, negated: e.Negated}
	var lits []*planner.Literal
	for _, k := range kids[1:] {
		if l := k.lit(); l != nil {
			if l.Value == nil {
				nd.hasNull = true
			} else {
				lits = append(lits, l)
			}
			continue
		}
		ref := compiled{nd: &colNode{idx: slot}, dt: common}
		cm, _, _, err := c.comparer(e, ref, k)
		if err != nil {
			return compiled{}, err
		}
		nd.items = append(nd.items, cm)
	}
	if len(lits) > 0 {
		if nd.set, err = newValueSet(common, lits); err != nil {
			return compiled{}, fmt.Errorf("%w in %s", err, e)
		}
	}
	return c.make(nd, planner.TypeBoolean, true, kids...), nil
}

// inListNode evaluates x IN (...).
type inListNode struct {
	x       node
	slot    int
	set     valueSet
	hasNull bool       // a NULL literal in the list
	items   []comparer // non-literal elements, compared to x in slot
	negated bool
}

func (n *inListNode) fallible() bool {
	if n.x.fallible() {
		return true
	}
	for _, it := range n.items {
		if it.fallible() {
			return true
		}
	}
	return false
}

func (n *inListNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	xa, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	out := newBitmap(mem, c.n)
	ob := out.Bytes()
	if n.set != nil {
		n.set.member(xa, ob)
	}
	// someNull marks rows where a non-literal element is NULL.
	var someNull []byte
	if len(n.items) > 0 {
		cols := make([]arrow.Array, n.slot+1)
		copy(cols, c.cols)
		cols[n.slot] = xa
		sub := &chunk{cols: cols, n: c.n}
		eq := make([]byte, len(ob))
		for _, it := range n.items {
			clear(eq)
			la, ra, err := it.compare(mem, sub, planner.OpEq, eq)
			if err != nil {
				out.Release()
				return nil, err
			}
			rv := alignValidity(ra, c.n)
			for i := range ob {
				ob[i] |= eq[i] & rv[i]
			}
			if ra.NullN() > 0 {
				if someNull == nil {
					someNull = make([]byte, len(ob))
				}
				for i := range ob {
					someNull[i] |= ^rv[i]
				}
			}
			release(la, ra)
		}
	}
	// valid = x valid and (matched or no NULL element).
	xv := alignValidity(xa, c.n)
	valid := newBitmap(mem, c.n)
	vb := valid.Bytes()
	for i := range vb {
		noNull := byte(0xff)
		if n.hasNull {
			noNull = 0
		} else if someNull != nil {
			noNull = ^someNull[i]
		}
		vb[i] = xv[i] & (ob[i] | noNull)
		if n.negated {
			ob[i] = ^ob[i]
		}
	}
	return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{valid, out}), nil
}

// newValueSet builds the set of literal values of type dt.
func newValueSet(dt arrow.DataType, lits []*planner.Literal) (valueSet, error) {
	switch dt.ID() {
	case arrow.BOOL:
		s := &boolSet{}
		for _, l := range lits {
			if l.Value == true {
				s.hasTrue = true
			} else {
				s.hasFalse = true
			}
		}
		return s, nil
	case arrow.INT8:
		return newOrdSet[int8](lits)
	case arrow.INT16:
		return newOrdSet[int16](lits)
	case arrow.INT32, arrow.DATE32:
		return newOrdSet[int32](lits)
	case arrow.INT64, arrow.TIMESTAMP:
		return newOrdSet[int64](lits)
	case arrow.DECIMAL128:
		return newOrdSetOf[decimal128.Num](lits)
	case arrow.FLOAT64:
		s := &floatSet{m: map[uint64]struct{}{}}
		for _, l := range lits {
			f, _ := litFloat64(l.Value)
			s.m[floatKey(f)] = struct{}{}
		}
		return s, nil
	case arrow.STRING, arrow.LARGE_STRING:
		s := &strSet{m: map[string]struct{}{}}
		for _, l := range lits {
			v, _ := litString(l.Value)
			if _, dup := s.m[v]; !dup {
				s.m[v] = struct{}{}
				s.list = append(s.list, []byte(v))
			}
		}
		s.large = dt.ID() == arrow.LARGE_STRING
		return s, nil
	}
	return nil, fmt.Errorf("eval: IN lists of type %s are not supported", planner.TypeName(dt))
}

// ordSet is a set of fixed-width values compared with ==.
type ordSet[T comparable] struct {
	list []T
	m    map[T]struct{}
}

func newOrdSet[T intT](lits []*planner.Literal) (valueSet, error) { return newOrdSetOf[T](lits) }

func newOrdSetOf[T comparable](lits []*planner.Literal) (valueSet, error) {
	s := &ordSet[T]{m: map[T]struct{}{}}
	for _, l := range lits {
		a, err := LiteralArray(memory.DefaultAllocator, l, 1)
		if err != nil {
			return nil, err
		}
		v := values[T](a)[0]
		a.Release()
		if _, dup := s.m[v]; !dup {
			s.m[v] = struct{}{}
			s.list = append(s.list, v)
		}
	}
	return s, nil
}

func (s *ordSet[T]) member(a arrow.Array, out []byte) {
	vals := values[T](a)
	if len(s.list) <= smallSet {
		for i, v := range vals {
			for _, w := range s.list {
				if v == w {
					out[i>>3] |= 1 << (i & 7)
					break
				}
			}
		}
		return
	}
	for i, v := range vals {
		if _, ok := s.m[v]; ok {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}

// floatSet matches doubles with NaN equal to NaN and -0.0 to 0.0.
type floatSet struct{ m map[uint64]struct{} }

func floatKey(f float64) uint64 {
	switch {
	case f != f:
		return math.Float64bits(math.NaN())
	case f == 0:
		return 0
	}
	return math.Float64bits(f)
}

func (s *floatSet) member(a arrow.Array, out []byte) {
	for i, v := range values[float64](a) {
		if _, ok := s.m[floatKey(v)]; ok {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}

type boolSet struct{ hasTrue, hasFalse bool }

func (s *boolSet) member(a arrow.Array, out []byte) {
	bits, off := bitsOf(a)
	for i := 0; i < a.Len(); i++ {
		v := bitutil.BitIsSet(bits, off+i)
		if (v && s.hasTrue) || (!v && s.hasFalse) {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}

// strSet is a set of strings: scanned when short, hashed when long. The
// map lookup with a converted []byte key does not allocate.
type strSet struct {
	list  [][]byte
	m     map[string]struct{}
	large bool
}

func (s *strSet) member(a arrow.Array, out []byte) {
	if s.large {
		strMember(s, binaryOf[int64](a), a.Len(), out)
	} else {
		strMember(s, binaryOf[int32](a), a.Len(), out)
	}
}

func strMember[O int32 | int64](s *strSet, src binarySource[O], n int, out []byte) {
	for i := 0; i < n; i++ {
		v := src.data[src.offs[i]:src.offs[i+1]]
		hit := false
		if len(s.list) <= smallSet {
			for _, w := range s.list {
				if len(w) == len(v) && bytes.Equal(w, v) {
					hit = true
					break
				}
			}
		} else {
			_, hit = s.m[string(v)]
		}
		if hit {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}
