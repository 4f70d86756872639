package eval

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// LIKE and ILIKE. A literal pattern is compiled once into the cheapest
// matcher that serves it: equality, prefix, suffix or substring tests for
// the common shapes ('abc', 'abc%', '%abc', '%abc%'), and otherwise a
// small matcher over the %-separated segments, which finds each segment's
// leftmost occurrence in turn (no backtracking is needed for LIKE
// patterns). '_' matches one character, not one byte.

type likeKind int

const (
	likeAll      likeKind = iota // '%': any non-NULL string
	likeExact                    // no wildcard
	likePrefix                   // 'abc%'
	likeSuffix                   // '%abc'
	likeContains                 // '%abc%'
	likeGeneral
)

// likePart is a run of literal bytes, or (lit nil) any single characters.
type likePart struct {
	lit []byte
	any int
}

// likeSegment is the part of a pattern between two %s.
type likeSegment []likePart

func (s likeSegment) chars() int {
	n := 0
	for _, p := range s {
		n += p.any + utf8.RuneCount(p.lit)
	}
	return n
}

// likePattern is a compiled LIKE pattern.
type likePattern struct {
	kind        likeKind
	lit         []byte
	segs        []likeSegment
	startAnchor bool // the pattern does not begin with %
	endAnchor   bool // the pattern does not end with %
}

// compileLikePattern parses a pattern with backslash escapes. With fold
// (ILIKE) the pattern is lower-cased first.
func compileLikePattern(pat []byte, fold bool) (*likePattern, error) {
	if fold {
		pat = appendLower(nil, pat)
	}
	p := &likePattern{startAnchor: true, endAnchor: true}
	var seg likeSegment
	var lit []byte
	flushLit := func() {
		if len(lit) > 0 {
			seg = append(seg, likePart{lit: lit})
			lit = nil
		}
	}
	hasAny := false
	for i := 0; i < len(pat); i++ {
		ch := pat[i]
		switch ch {
		case '\\':
			if i+1 >= len(pat) {
				return nil, fmt.Errorf("LIKE pattern %q ends with the escape character", pat)
			}
			next := pat[i+1]
			if next != '%' && next != '_' && next != '\\' {
				return nil, fmt.Errorf("LIKE pattern %q: the escape character may only precede %%, _ or \\", pat)
			}
			lit = append(lit, next)
			i++
		case '_':
			flushLit()
			hasAny = true
			if k := len(seg); k > 0 && seg[k-1].lit == nil {
				seg[k-1].any++
			} else {
				seg = append(seg, likePart{any: 1})
			}
		case '%':
			flushLit()
			if i == 0 {
				p.startAnchor = false
			}
			if i == len(pat)-1 {
				p.endAnchor = false
			}
			if len(seg) > 0 {
				p.segs = append(p.segs, seg)
			}
			seg = nil
		default:
			lit = append(lit, ch)
		}
	}
	flushLit()
	if len(seg) > 0 {
		p.segs = append(p.segs, seg)
	}
	// Classify.
	switch {
	case len(p.segs) == 0:
		if p.startAnchor && p.endAnchor {
			p.kind, p.lit = likeExact, nil // '' matches only ''
		} else {
			p.kind = likeAll
		}
	case len(p.segs) == 1 && !hasAny:
		p.lit = p.segs[0][0].lit
		switch {
		case p.startAnchor && p.endAnchor:
			p.kind = likeExact
		case p.startAnchor:
			p.kind = likePrefix
		case p.endAnchor:
			p.kind = likeSuffix
		default:
			p.kind = likeContains
		}
	default:
		p.kind = likeGeneral
	}
	return p, nil
}

// match reports whether s matches the pattern.
func (p *likePattern) match(s []byte) bool {
	switch p.kind {
	case likeAll:
		return true
	case likeExact:
		return bytes.Equal(s, p.lit)
	case likePrefix:
		return bytes.HasPrefix(s, p.lit)
	case likeSuffix:
		return bytes.HasSuffix(s, p.lit)
	case likeContains:
		return bytes.Contains(s, p.lit)
	}
	return p.matchGeneral(s)
}

func (p *likePattern) matchGeneral(s []byte) bool {
	pos := 0
	last := len(p.segs) - 1
	for k, seg := range p.segs {
		first := k == 0 && p.startAnchor
		final := k == last && p.endAnchor
		switch {
		case first:
			end, ok := seg.matchAt(s, 0)
			if !ok || (final && end != len(s)) {
				return false
			}
			pos = end
		case final:
			start := backChars(s, seg.chars())
			if start < pos {
				return false
			}
			end, ok := seg.matchAt(s, start)
			return ok && end == len(s)
		default:
			end, ok := seg.find(s, pos)
			if !ok {
				return false
			}
			pos = end
		}
	}
	return true
}

// matchAt matches the segment at byte position at; it returns where the
// match ends.
func (seg likeSegment) matchAt(s []byte, at int) (int, bool) {
	for _, part := range seg {
		if part.lit != nil {
			if !bytes.HasPrefix(s[at:], part.lit) {
				return 0, false
			}
			at += len(part.lit)
			continue
		}
		for k := 0; k < part.any; k++ {
			if at >= len(s) {
				return 0, false
			}
			if s[at] < utf8.RuneSelf {
				at++
			} else {
				_, size := utf8.DecodeRune(s[at:])
				at += size
			}
		}
	}
	return at, true
}

// find returns the end of the leftmost match of the segment at or after
// from.
func (seg likeSegment) find(s []byte, from int) (int, bool) {
	if lead := seg[0].lit; lead != nil {
		// Jump between occurrences of the leading literal. UTF-8 is
		// self-synchronizing, so they start on character boundaries.
		for from <= len(s) {
			k := bytes.Index(s[from:], lead)
			if k < 0 {
				return 0, false
			}
			if end, ok := seg.matchAt(s, from+k); ok {
				return end, true
			}
			from += k + 1
		}
		return 0, false
	}
	for at := from; at <= len(s); {
		if end, ok := seg.matchAt(s, at); ok {
			return end, true
		}
		if at == len(s) {
			break
		}
		_, size := utf8.DecodeRune(s[at:])
		at += size
	}
	return 0, false
}

// backChars returns the byte position n characters before the end of s,
// or -1 if s is shorter.
func backChars(s []byte, n int) int {
	at := len(s)
	for ; n > 0; n-- {
		if at == 0 {
			return -1
		}
		at--
		for at > 0 && !utf8.RuneStart(s[at]) {
			at--
		}
	}
	return at
}

// appendLower appends s lower-cased (ASCII fast path).
func appendLower(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			if ch >= 'A' && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			dst = append(dst, ch)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, ch)
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

func (c *compiler) compileLike(e *planner.Like) (compiled, error) {
	kids, err := c.children(e.X, e.Pattern)
	if err != nil {
		return compiled{}, err
	}
	x, pat := kids[0], kids[1]
	if x.isNullLit() || pat.isNullLit() {
		return nullOf(planner.TypeBoolean), nil
	}
	for i, k := range kids {
		if !planner.IsString(k.dt) {
			if kids[i], err = c.castTo(k, planner.TypeString); err != nil {
				return compiled{}, err
			}
		}
	}
	x, pat = kids[0], kids[1]
	nd := &likeNode{x: x.nd, negated: e.Negated, fold: e.CaseInsensitive}
	if l := pat.lit(); l != nil {
		s, _ := litString(l.Value)
		if nd.pat, err = compileLikePattern([]byte(s), e.CaseInsensitive); err != nil {
			return compiled{}, fmt.Errorf("%w in %s", err, e)
		}
	} else {
		nd.patNode = pat.nd
	}
	return c.make(nd, planner.TypeBoolean, true, x, pat), nil
}

// likeNode is x [NOT] [I]LIKE pattern; the pattern is compiled once when
// it is a literal, else per row (reusing the last one while it repeats).
type likeNode struct {
	x       node
	pat     *likePattern
	patNode node
	negated bool
	fold    bool
}

func (n *likeNode) fallible() bool {
	return n.x.fallible() || n.patNode != nil // a bad escape in a pattern column fails
}

func (n *likeNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	xa, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer xa.Release()
	u, err := asUTF8(mem, xa)
	if err != nil {
		return nil, err
	}
	defer u.Release()
	var pu arrow.Array
	var ps binarySource[int32]
	if n.patNode != nil {
		pa, err := n.patNode.eval(mem, c)
		if err != nil {
			return nil, err
		}
		defer pa.Release()
		if pu, err = asUTF8(mem, pa); err != nil {
			return nil, err
		}
		defer pu.Release()
		ps = binaryOf[int32](pu)
	}
	valid := andValidity(mem, c.n, u, pu)
	vb := bytesOf(valid)
	out := newBitmap(mem, c.n)
	ob := out.Bytes()
	s := binaryOf[int32](u)
	if n.patNode == nil && !n.fold {
		// The common case: one compiled pattern, no folding. Rows are
		// matched whatever their validity (a NULL row's bits are ignored).
		likeRows(n.pat, s, c.n, n.negated, ob)
		return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{valid, out}), nil
	}
	pat := n.pat
	var lastPat, scratch []byte
	for i := 0; i < c.n; i++ {
		if !isValid(vb, 0, i) {
			continue
		}
		if n.patNode != nil {
			raw := ps.data[ps.offs[i]:ps.offs[i+1]]
			if pat == nil || !bytes.Equal(raw, lastPat) {
				if pat, err = compileLikePattern(raw, n.fold); err != nil {
					out.Release()
					releaseBufs(valid)
					return nil, err
				}
				lastPat = append(lastPat[:0], raw...)
			}
		}
		v := s.data[s.offs[i]:s.offs[i+1]]
		if n.fold {
			scratch = appendLower(scratch[:0], v)
			v = scratch
		}
		if pat.match(v) != n.negated {
			ob[i>>3] |= 1 << (i & 7)
		}
	}
	return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{valid, out}), nil
}

// likeRows matches every row of s against p, with a loop per pattern shape
// so that the test is inlined.
func likeRows(p *likePattern, s binarySource[int32], n int, negated bool, out []byte) {
	lit := p.lit
	switch p.kind {
	case likePrefix:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u(bytes.HasPrefix(s.data[s.offs[i]:s.offs[i+1]], lit) != negated) << (i & 7)
		}
	case likeSuffix:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u(bytes.HasSuffix(s.data[s.offs[i]:s.offs[i+1]], lit) != negated) << (i & 7)
		}
	case likeContains:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u(bytes.Contains(s.data[s.offs[i]:s.offs[i+1]], lit) != negated) << (i & 7)
		}
	case likeExact:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u(bytes.Equal(s.data[s.offs[i]:s.offs[i+1]], lit) != negated) << (i & 7)
		}
	default:
		for i := 0; i < n; i++ {
			out[i>>3] |= b2u(p.match(s.data[s.offs[i]:s.offs[i+1]]) != negated) << (i & 7)
		}
	}
}
