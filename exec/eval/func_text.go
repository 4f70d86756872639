package eval

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// A row kernel for the string functions of func_text_kernels.go: the arguments
// are loaded once per batch (strings as byte slices of the arrays' data,
// integers as BIGINT values), then a function runs per row on them. NULL
// in any argument gives NULL. The per-row call goes through a function
// value, not an interface, and the kernels append into reused buffers, so
// nothing is allocated per row.

// textResult is the result type of a row kernel.
type textResult int

const (
	textString textResult = iota
	textInt
	textBool
)

// textRow holds one row's arguments: s the strings and n the integers, in
// the order they appear in the call; re the row's compiled pattern for
// regexp functions.
type textRow struct {
	s  [3][]byte
	n  [2]int64
	re *regexp.Regexp
	// repl is regexp_replace's replacement in Go's template syntax.
	repl []byte
	// literal is a pattern that matches only itself (see textNode).
	literal []byte
	// scratch is reusable space for kernels that need a temporary.
	scratch []byte
}

// textSpec describes a function for the row kernel.
type textSpec struct {
	args   string // one letter per argument: s a string, i an integer
	result textResult
	str    func(r *textRow, dst []byte) ([]byte, error)
	i32    func(r *textRow) int32
	bl     func(r *textRow) bool
	// fails says the function can fail on some values (repeat too long).
	fails bool
	// pattern is the index among the string arguments of a regular
	// expression (-1: none); replacement that of a regexp_replace
	// replacement (-1: none).
	pattern, replacement int
}

// compileText compiles a call of a function described by spec. args are
// already compiled; missing optional arguments have been filled in.
func (c *compiler) compileText(e *planner.Func, spec *textSpec, args []compiled) (compiled, error) {
	if len(args) != len(spec.args) {
		return compiled{}, fmt.Errorf("eval: wrong number of arguments in %s", e)
	}
	nd := &textNode{spec: spec, text: e.String(), dt: e.DataType}
	for i := range args {
		var err error
		if spec.args[i] == 's' {
			if args[i], err = c.stringArg(args[i]); err != nil {
				return compiled{}, err
			}
			nd.strs = append(nd.strs, newStrOperand(args[i]))
		} else {
			if args[i], err = c.castTo(args[i], planner.TypeBigInt); err != nil {
				return compiled{}, err
			}
			nd.ints = append(nd.ints, newOperand[int64](args[i]))
		}
	}
	if spec.pattern >= 0 {
		if p := nd.strs[spec.pattern]; p.konst {
			re, err := compileRegexp(p.val)
			if err != nil {
				return compiled{}, fmt.Errorf("%v in %s", err, e)
			}
			nd.re = re
			if spec.replacement >= 0 {
				if r := nd.strs[spec.replacement]; r.konst {
					repl, err := javaReplacement(r.val, re.NumSubexp())
					if err != nil {
						return compiled{}, fmt.Errorf("%v in %s", err, e)
					}
					nd.repl = repl
					// A literal pattern and a replacement without groups
					// need no regexp machinery (which allocates per row).
					if prefix, complete := re.LiteralPrefix(); complete && prefix != "" && !bytes.ContainsRune(repl, '$') {
						nd.literal = []byte(prefix)
					}
				}
			}
		}
	}
	var dt arrow.DataType
	switch spec.result {
	case textString:
		dt = e.DataType
	case textInt:
		dt = planner.TypeInt
	case textBool:
		dt = planner.TypeBoolean
	}
	return c.make(nd, dt, true, args...), nil
}

// textNode runs a row kernel.
type textNode struct {
	spec *textSpec
	strs []strOperand
	ints []operand[int64]
	re   *regexp.Regexp // the constant pattern, compiled
	repl []byte         // the constant replacement, translated
	// literal is regexp_replace's constant pattern when it matches only
	// itself and the replacement names no group.
	literal []byte
	dt      arrow.DataType
	text    string
}

func (n *textNode) fallible() bool {
	if n.spec.fails || (n.spec.pattern >= 0 && n.re == nil) {
		return true
	}
	for i := range n.strs {
		if n.strs[i].fallible() {
			return true
		}
	}
	for i := range n.ints {
		if n.ints[i].fallible() {
			return true
		}
	}
	return false
}

func (n *textNode) eval(mem memory.Allocator, c *chunk) (out arrow.Array, err error) {
	var ins [3]strInput
	var ints [2]arrow.Array
	var iv [2][]int64
	var is [2]int
	defer func() {
		for k := range n.strs {
			ins[k].release()
		}
		release(ints[:len(n.ints)]...)
	}()
	arrs := make([]arrow.Array, 0, len(n.strs)+len(n.ints))
	for k := range n.strs {
		if ins[k], err = loadStr(mem, &n.strs[k], c); err != nil {
			return nil, err
		}
		if ins[k].arr != nil {
			arrs = append(arrs, ins[k].arr)
		}
	}
	for k := range n.ints {
		if ints[k], iv[k], is[k], err = n.ints[k].load(mem, c); err != nil {
			return nil, err
		}
		if ints[k] != nil {
			arrs = append(arrs, ints[k])
		}
	}
	valid := andValidity(mem, c.n, arrs...)
	vb := bytesOf(valid)
	r := &textRow{re: n.re, repl: n.repl, literal: n.literal}
	// A pattern or replacement that is not constant is translated when
	// it changes from one row to the next.
	var lastPat, lastRepl []byte
	var havePat, haveRepl bool
	load := func(i int) error {
		for k := range n.strs {
			r.s[k] = ins[k].at(i)
		}
		for k := range n.ints {
			r.n[k] = iv[k][i*is[k]]
		}
		if n.spec.pattern >= 0 && n.re == nil {
			pat := r.s[n.spec.pattern]
			if !havePat || !bytes.Equal(pat, lastPat) {
				re, err := compileRegexp(pat)
				if err != nil {
					return fmt.Errorf("%v in %s", err, n.text)
				}
				r.re, lastPat, havePat, haveRepl = re, append(lastPat[:0], pat...), true, false
			}
		}
		if n.spec.replacement >= 0 && n.repl == nil {
			rp := r.s[n.spec.replacement]
			if !haveRepl || !bytes.Equal(rp, lastRepl) {
				repl, err := javaReplacement(rp, r.re.NumSubexp())
				if err != nil {
					return fmt.Errorf("%v in %s", err, n.text)
				}
				r.repl, lastRepl, haveRepl = repl, append(lastRepl[:0], rp...), true
			}
		}
		return nil
	}
	fail := func(e error) (arrow.Array, error) {
		releaseBufs(valid)
		return nil, e
	}
	switch n.spec.result {
	case textString:
		b := newStrBuilder(mem, c.n, ins[0].dataLen(c.n))
		var dst []byte
		for i := 0; i < c.n; i++ {
			if !isValid(vb, 0, i) {
				b.appendEmpty()
				continue
			}
			if err := load(i); err != nil {
				b.release()
				return fail(err)
			}
			if dst, err = n.spec.str(r, dst[:0]); err != nil {
				b.release()
				return fail(fmt.Errorf("%v in %s", err, n.text))
			}
			b.append(dst)
		}
		return finishStr(mem, b, valid, n.dt)
	case textInt:
		buf, res := newValues[int32](mem, c.n)
		for i := range res {
			res[i] = 0
			if !isValid(vb, 0, i) {
				continue
			}
			if err := load(i); err != nil {
				buf.Release()
				return fail(err)
			}
			res[i] = n.spec.i32(r)
		}
		return makeArray(planner.TypeInt, c.n, []*memory.Buffer{valid, buf}), nil
	default:
		bits := newBitmap(mem, c.n)
		bb := bits.Bytes()
		for i := 0; i < c.n; i++ {
			if !isValid(vb, 0, i) {
				continue
			}
			if err := load(i); err != nil {
				bits.Release()
				return fail(err)
			}
			if n.spec.bl(r) {
				bb[i>>3] |= 1 << (i & 7)
			}
		}
		return makeArray(planner.TypeBoolean, c.n, []*memory.Buffer{valid, bits}), nil
	}
}
