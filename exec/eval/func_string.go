package eval

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// String functions: substring, upper, lower, trim, ltrim, rtrim, length,
// concat. Strings are UTF-8; positions and lengths count characters. Each
// function takes a byte-wise fast path for ASCII data (checked once per
// batch or per row) and decodes runes otherwise.

// strInput is a loaded string operand: a utf8 array or a constant.
type strInput struct {
	arr   arrow.Array
	src   binarySource[int32]
	konst bool
	val   []byte
}

func loadStr(mem memory.Allocator, o *strOperand, c *chunk) (strInput, error) {
	if o.konst {
		return strInput{konst: true, val: o.val}, nil
	}
	a, err := o.nd.eval(mem, c)
	if err != nil {
		return strInput{}, err
	}
	defer a.Release()
	u, err := asUTF8(mem, a)
	if err != nil {
		return strInput{}, err
	}
	return strInput{arr: u, src: binaryOf[int32](u)}, nil
}

func (s strInput) at(i int) []byte {
	if s.konst {
		return s.val
	}
	return s.src.data[s.src.offs[i]:s.src.offs[i+1]]
}

func (s strInput) release() {
	if s.arr != nil {
		s.arr.Release()
	}
}

// dataLen is the number of data bytes of the loaded rows.
func (s strInput) dataLen(n int) int {
	if s.konst {
		return len(s.val) * n
	}
	if s.src.offs == nil {
		return 0
	}
	return int(s.src.offs[n] - s.src.offs[0])
}

// isASCII reports whether every loaded row is ASCII.
func (s strInput) isASCII(n int) bool {
	var b []byte
	if s.konst {
		b = s.val
	} else if s.src.offs != nil {
		b = s.src.data[s.src.offs[0]:s.src.offs[n]]
	}
	return isASCII(b)
}

func isASCII(b []byte) bool {
	for _, ch := range b {
		if ch >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// finishStr finishes a builder as type dt (utf8 or large_utf8).
func finishStr(mem memory.Allocator, b *strBuilder, valid *memory.Buffer, dt arrow.DataType) (arrow.Array, error) {
	out := b.finish(planner.TypeString, valid)
	if dt.ID() == arrow.STRING {
		return out, nil
	}
	defer out.Release()
	return convertOffsets(mem, out, dt)
}

type strMapKind int

const (
	mapUpper strMapKind = iota
	mapLower
	mapTrim
	mapLTrim
	mapRTrim
)

func (c *compiler) compileStrMap(e *planner.Func, x compiled) (compiled, error) {
	x, err := c.stringArg(x)
	if err != nil {
		return compiled{}, err
	}
	kind := map[string]strMapKind{"upper": mapUpper, "lower": mapLower, "trim": mapTrim, "ltrim": mapLTrim, "rtrim": mapRTrim}[e.Name]
	return c.make(&strMapNode{x: strOperand{nd: x.nd}, kind: kind, dt: e.DataType}, e.DataType, true, x), nil
}

// strMapNode maps each string to one string: case changes and trims.
type strMapNode struct {
	x    strOperand
	kind strMapKind
	dt   arrow.DataType
}

func (n *strMapNode) fallible() bool { return n.x.fallible() }

func (n *strMapNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	in, err := loadStr(mem, &n.x, c)
	if err != nil {
		return nil, err
	}
	defer in.release()
	b := newStrBuilder(mem, c.n, in.dataLen(c.n))
	bm, off := validityOf(in.arr)
	for i := 0; i < c.n; i++ {
		if !isValid(bm, off, i) {
			b.appendEmpty()
			continue
		}
		s := in.at(i)
		switch n.kind {
		case mapUpper, mapLower:
			appendCase(b, s, n.kind == mapUpper)
		case mapTrim:
			b.append(bytes.Trim(s, " "))
		case mapLTrim:
			b.append(bytes.TrimLeft(s, " "))
		case mapRTrim:
			b.append(bytes.TrimRight(s, " "))
		}
	}
	return finishStr(mem, b, copyValidity(mem, in.arr), n.dt)
}

// appendCase appends s upper- or lower-cased as a new row.
func appendCase(b *strBuilder, s []byte, upper bool) {
	dst := b.grow(len(s))
	for k, ch := range s {
		if ch >= utf8.RuneSelf {
			// Not ASCII: convert rune by rune (the length may change).
			b.scratch = b.scratch[:0]
			for _, r := range string(s) {
				if upper {
					r = unicode.ToUpper(r)
				} else {
					r = unicode.ToLower(r)
				}
				b.scratch = utf8.AppendRune(b.scratch, r)
			}
			b.append(b.scratch)
			return
		}
		if upper && ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		} else if !upper && ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst[k] = ch
	}
	b.commit(len(s))
}

func (c *compiler) compileLength(e *planner.Func, x compiled) (compiled, error) {
	x, err := c.stringArg(x)
	if err != nil {
		return compiled{}, err
	}
	return c.make(&lengthNode{x: strOperand{nd: x.nd}}, arrow.PrimitiveTypes.Int32, true, x), nil
}

// lengthNode counts characters.
type lengthNode struct{ x strOperand }

func (n *lengthNode) fallible() bool { return n.x.fallible() }

func (n *lengthNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	in, err := loadStr(mem, &n.x, c)
	if err != nil {
		return nil, err
	}
	defer in.release()
	buf, out := newValues[int32](mem, c.n)
	ascii := in.isASCII(c.n)
	for i := range out {
		if ascii {
			out[i] = in.src.offs[i+1] - in.src.offs[i]
		} else {
			out[i] = int32(utf8.RuneCount(in.at(i)))
		}
	}
	return makeArray(arrow.PrimitiveTypes.Int32, c.n, []*memory.Buffer{copyValidity(mem, in.arr), buf}), nil
}

func (c *compiler) compileConcat(e *planner.Func, args []compiled) (compiled, error) {
	nd := &concatNode{dt: e.DataType}
	for i := range args {
		x, err := c.stringArg(args[i])
		if err != nil {
			return compiled{}, err
		}
		args[i] = x
		nd.parts = append(nd.parts, newStrOperand(x))
	}
	return c.make(nd, e.DataType, true, args...), nil
}

// concatNode joins its arguments; NULL if any is NULL.
type concatNode struct {
	parts []strOperand
	dt    arrow.DataType
}

func (n *concatNode) fallible() bool {
	for i := range n.parts {
		if n.parts[i].fallible() {
			return true
		}
	}
	return false
}

func (n *concatNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	ins := make([]strInput, len(n.parts))
	defer func() {
		for _, in := range ins {
			in.release()
		}
	}()
	arrs := make([]arrow.Array, 0, len(n.parts))
	total := 0
	for k := range n.parts {
		in, err := loadStr(mem, &n.parts[k], c)
		if err != nil {
			return nil, err
		}
		ins[k] = in
		if in.arr != nil {
			arrs = append(arrs, in.arr)
		}
		total += in.dataLen(c.n)
	}
	valid := andValidity(mem, c.n, arrs...)
	vb := bytesOf(valid)
	b := newStrBuilder(mem, c.n, total)
	for i := 0; i < c.n; i++ {
		if !isValid(vb, 0, i) {
			b.appendEmpty()
			continue
		}
		size := 0
		for _, in := range ins {
			size += len(in.at(i))
		}
		dst := b.grow(size)
		at := 0
		for _, in := range ins {
			at += copy(dst[at:], in.at(i))
		}
		b.commit(size)
	}
	return finishStr(mem, b, valid, n.dt)
}

func (c *compiler) compileSubstring(e *planner.Func, args []compiled) (compiled, error) {
	s, err := c.stringArg(args[0])
	if err != nil {
		return compiled{}, err
	}
	pos, err := c.intArg(args[1])
	if err != nil {
		return compiled{}, err
	}
	nd := &substringNode{s: strOperand{nd: s.nd}, pos: newOperand[int32](pos), dt: e.DataType}
	kids := []compiled{s, pos}
	if len(args) == 3 {
		ln, err := c.intArg(args[2])
		if err != nil {
			return compiled{}, err
		}
		nd.length = newOperand[int32](ln)
		nd.hasLen = true
		kids = append(kids, ln)
	}
	return c.make(nd, e.DataType, true, kids...), nil
}

// substringNode is substring(s, pos[, len]) with Spark's rules: positions
// are 1-based, 0 acts as 1, a negative position counts from the end, a
// negative length gives the empty string.
type substringNode struct {
	s      strOperand
	pos    operand[int32]
	length operand[int32]
	hasLen bool
	dt     arrow.DataType
}

func (n *substringNode) fallible() bool {
	return n.s.fallible() || n.pos.fallible() || (n.hasLen && n.length.fallible())
}

func (n *substringNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	in, err := loadStr(mem, &n.s, c)
	if err != nil {
		return nil, err
	}
	defer in.release()
	pa, pv, ps, err := n.pos.load(mem, c)
	if err != nil {
		return nil, err
	}
	defer release(pa)
	var la arrow.Array
	var lv []int32
	ls := 0
	if n.hasLen {
		if la, lv, ls, err = n.length.load(mem, c); err != nil {
			return nil, err
		}
		defer release(la)
	}
	valid := andValidity(mem, c.n, in.arr, pa, la)
	vb := bytesOf(valid)
	b := newStrBuilder(mem, c.n, in.dataLen(c.n))
	ascii := in.isASCII(c.n)
	for i := 0; i < c.n; i++ {
		if !isValid(vb, 0, i) {
			b.appendEmpty()
			continue
		}
		s := in.at(i)
		chars := len(s)
		if !ascii {
			chars = utf8.RuneCount(s)
		}
		length := int64(1) << 40
		if n.hasLen {
			length = int64(lv[i*ls])
		}
		start, end := substringRange(int64(pv[i*ps]), length, int64(chars))
		if start >= end {
			b.appendEmpty()
			continue
		}
		if ascii {
			b.append(s[start:end])
		} else {
			bs := runeOffset(s, int(start))
			be := bs + runeOffset(s[bs:], int(end-start))
			b.append(s[bs:be])
		}
	}
	return finishStr(mem, b, valid, n.dt)
}

// substringRange computes Spark's substringSQL character range
// [start, end) for a string of chars characters.
func substringRange(pos, length, chars int64) (int64, int64) {
	var start int64
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0:
		start = chars + pos
	}
	end := start + length
	start = max(start, 0)
	end = min(end, chars)
	if start >= end {
		return 0, 0
	}
	return start, end
}

// runeOffset returns the byte offset of character k of s.
func runeOffset(s []byte, k int) int {
	at := 0
	for ; k > 0 && at < len(s); k-- {
		if s[at] < utf8.RuneSelf {
			at++
		} else {
			_, size := utf8.DecodeRune(s[at:])
			at += size
		}
	}
	return at
}
