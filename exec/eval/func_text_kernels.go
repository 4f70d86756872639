package eval

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/ember-sql/ember/planner"
)

// The string functions that run on the row kernel of func_text.go, with
// Spark's semantics: positions and lengths count characters (code points)
// and are 1-based; bytes that are not valid UTF-8 are kept as they are.

// maxTextResult caps the bytes of one value built by repeat and the pads,
// so that a typo such as repeat(s, 1000000000) fails instead of
// exhausting memory.
const maxTextResult = 1 << 28

func textFn(args string, result textResult) *textSpec {
	return &textSpec{args: args, result: result, pattern: -1, replacement: -1}
}

// textSpecs are the row-kernel functions by name.
var textSpecs = func() map[string]*textSpec {
	m := map[string]*textSpec{}
	str := func(name, args string, f func(r *textRow, dst []byte) ([]byte, error)) *textSpec {
		s := textFn(args, textString)
		s.str = f
		m[name] = s
		return s
	}
	num := func(name, args string, f func(r *textRow) int32) {
		s := textFn(args, textInt)
		s.i32 = f
		m[name] = s
	}
	boolean := func(name, args string, f func(r *textRow) bool) *textSpec {
		s := textFn(args, textBool)
		s.bl = f
		m[name] = s
		return s
	}
	str("replace", "sss", replaceRow)
	str("translate", "sss", translateRow)
	str("lpad", "sis", func(r *textRow, dst []byte) ([]byte, error) { return padRow(r, dst, true) }).fails = true
	str("rpad", "sis", func(r *textRow, dst []byte) ([]byte, error) { return padRow(r, dst, false) }).fails = true
	str("left", "si", func(r *textRow, dst []byte) ([]byte, error) {
		if r.n[0] <= 0 {
			return dst, nil
		}
		return append(dst, prefixChars(r.s[0], r.n[0])...), nil
	})
	str("right", "si", func(r *textRow, dst []byte) ([]byte, error) {
		if r.n[0] <= 0 {
			return dst, nil
		}
		s := r.s[0]
		chars := int64(utf8.RuneCount(s))
		if r.n[0] >= chars {
			return append(dst, s...), nil
		}
		return append(dst, s[runeOffset(s, int(chars-r.n[0])):]...), nil
	})
	str("repeat", "si", repeatRow).fails = true
	str("reverse", "s", reverseRow)
	str("initcap", "s", initcapRow)
	str("split_part", "ssi", splitPartRow).fails = true
	str("chr", "i", chrRow)
	num("instr", "ss", func(r *textRow) int32 { return locate(r.s[1], r.s[0], 1) })
	num("position", "ssi", func(r *textRow) int32 { return locate(r.s[0], r.s[1], r.n[0]) })
	num("ascii", "s", func(r *textRow) int32 {
		if len(r.s[0]) == 0 {
			return 0
		}
		ch, _ := utf8.DecodeRune(r.s[0])
		return ch
	})
	boolean("starts_with", "ss", func(r *textRow) bool { return bytes.HasPrefix(r.s[0], r.s[1]) })
	boolean("ends_with", "ss", func(r *textRow) bool { return bytes.HasSuffix(r.s[0], r.s[1]) })
	boolean("contains", "ss", func(r *textRow) bool { return bytes.Contains(r.s[0], r.s[1]) })
	boolean("regexp_like", "ss", func(r *textRow) bool { return r.re.Match(r.s[0]) }).pattern = 1
	rr := str("regexp_replace", "sss", func(r *textRow, dst []byte) ([]byte, error) {
		if r.literal != nil {
			return replaceAll(dst, r.s[0], r.literal, r.repl), nil
		}
		// Go's regexp allocates the result; no API appends into dst.
		return append(dst, r.re.ReplaceAll(r.s[0], r.repl)...), nil
	})
	rr.pattern, rr.replacement = 1, 2
	return m
}()

// textDefaults are the values of omitted trailing arguments.
var textDefaults = map[string]*planner.Literal{
	"replace":  {Value: "", DataType: planner.TypeString},
	"lpad":     {Value: " ", DataType: planner.TypeString},
	"rpad":     {Value: " ", DataType: planner.TypeString},
	"position": {Value: int64(1), DataType: planner.TypeBigInt},
}

// compileTextCall compiles a row-kernel function, filling in an omitted
// last argument.
func (c *compiler) compileTextCall(e *planner.Func, spec *textSpec, args []compiled) (compiled, error) {
	if len(args) == len(spec.args)-1 {
		if d := textDefaults[e.Name]; d != nil {
			args = append(args, compiled{nd: &litNode{lit: d}, dt: d.DataType, konst: true})
		}
	}
	return c.compileText(e, spec, args)
}

// replaceRow replaces every occurrence of s[1] in s[0] by s[2]; an empty
// search string leaves s[0] as it is.
func replaceRow(r *textRow, dst []byte) ([]byte, error) {
	if len(r.s[1]) == 0 {
		return append(dst, r.s[0]...), nil
	}
	return replaceAll(dst, r.s[0], r.s[1], r.s[2]), nil
}

// replaceAll appends s with every occurrence of from (not empty) replaced
// by to.
func replaceAll(dst, s, from, to []byte) []byte {
	for {
		k := bytes.Index(s, from)
		if k < 0 {
			break
		}
		dst = append(dst, s[:k]...)
		dst = append(dst, to...)
		s = s[k+len(from):]
	}
	return append(dst, s...)
}

// translateRow replaces each character of s[0] found in s[1] by the
// character at the same position in s[2], or drops it when s[2] is
// shorter. The first occurrence of a character in s[1] counts.
func translateRow(r *textRow, dst []byte) ([]byte, error) {
	s, from, to := r.s[0], r.s[1], r.s[2]
	for len(s) > 0 {
		ch, size := utf8.DecodeRune(s)
		k := indexRune(from, ch, size)
		switch {
		case k < 0:
			dst = append(dst, s[:size]...)
		default:
			if at := runeOffset(to, k); at < len(to) {
				_, tsize := utf8.DecodeRune(to[at:])
				dst = append(dst, to[at:at+tsize]...)
			}
		}
		s = s[size:]
	}
	return dst, nil
}

// indexRune returns the character index of ch in s, or -1. An invalid
// byte (size 1, RuneError) matches only itself.
func indexRune(s []byte, ch rune, size int) int {
	for k := 0; len(s) > 0; k++ {
		c, sz := utf8.DecodeRune(s)
		if c == ch && (ch != utf8.RuneError || sz == size) {
			return k
		}
		s = s[sz:]
	}
	return -1
}

// prefixChars returns the first n characters of s (all of s if shorter).
func prefixChars(s []byte, n int64) []byte {
	if n >= int64(len(s)) {
		return s
	}
	return s[:runeOffset(s, int(n))]
}

// padRow pads s[0] on the left or right with s[2], cyclically, to n[0]
// characters, or cuts it to n[0] characters. An empty pad cuts only.
func padRow(r *textRow, dst []byte, left bool) ([]byte, error) {
	s, n, pad := r.s[0], r.n[0], r.s[1]
	if n <= 0 {
		return dst, nil
	}
	chars := int64(utf8.RuneCount(s))
	if chars >= n || len(pad) == 0 {
		return append(dst, prefixChars(s, n)...), nil
	}
	need := n - chars
	padChars := int64(utf8.RuneCount(pad))
	if need/padChars*int64(len(pad)) > maxTextResult {
		return nil, fmt.Errorf("the result is too long (%d characters)", n)
	}
	if !left {
		dst = append(dst, s...)
	}
	for ; need >= padChars; need -= padChars {
		dst = append(dst, pad...)
	}
	dst = append(dst, prefixChars(pad, need)...)
	if left {
		dst = append(dst, s...)
	}
	return dst, nil
}

func repeatRow(r *textRow, dst []byte) ([]byte, error) {
	s, n := r.s[0], r.n[0]
	if n <= 0 || len(s) == 0 {
		return dst, nil
	}
	if n > maxTextResult/int64(len(s)) {
		return nil, fmt.Errorf("the result is too long (%d times %d bytes)", n, len(s))
	}
	for ; n > 0; n-- {
		dst = append(dst, s...)
	}
	return dst, nil
}

// reverseRow reverses the characters of s[0].
func reverseRow(r *textRow, dst []byte) ([]byte, error) {
	s := r.s[0]
	for len(s) > 0 {
		if ch := s[len(s)-1]; ch < utf8.RuneSelf {
			dst = append(dst, ch)
			s = s[:len(s)-1]
			continue
		}
		_, size := utf8.DecodeLastRune(s)
		dst = append(dst, s[len(s)-size:]...)
		s = s[:len(s)-size]
	}
	return dst, nil
}

// initcapRow lower-cases s[0] and title-cases the first letter of each
// word; words are separated by spaces, as in Spark.
func initcapRow(r *textRow, dst []byte) ([]byte, error) {
	prev := ' '
	for s := r.s[0]; len(s) > 0; {
		ch, size := rune(s[0]), 1
		if ch >= utf8.RuneSelf {
			ch, size = utf8.DecodeRune(s)
		}
		switch {
		case ch == utf8.RuneError && size == 1:
			dst = append(dst, s[0])
		case prev == ' ':
			dst = utf8.AppendRune(dst, unicode.ToTitle(ch))
		default:
			dst = utf8.AppendRune(dst, unicode.ToLower(ch))
		}
		prev = ch
		s = s[size:]
	}
	return dst, nil
}

// splitPartRow returns part n[0] of s[0] split by s[1]: counted from 1, or
// from the end when negative; the empty string past either end. An empty
// delimiter does not split.
func splitPartRow(r *textRow, dst []byte) ([]byte, error) {
	s, delim, n := r.s[0], r.s[1], r.n[0]
	if n == 0 {
		return nil, fmt.Errorf("the part number of split_part must not be 0")
	}
	if len(delim) == 0 {
		if n == 1 || n == -1 {
			return append(dst, s...), nil
		}
		return dst, nil
	}
	if n < 0 {
		// Parts are found from the left (delimiters do not overlap), so
		// count them to number from the end.
		n += int64(bytes.Count(s, delim)) + 2
		if n < 1 {
			return dst, nil
		}
	}
	for ; n > 1; n-- {
		k := bytes.Index(s, delim)
		if k < 0 {
			return dst, nil
		}
		s = s[k+len(delim):]
	}
	if k := bytes.Index(s, delim); k >= 0 {
		s = s[:k]
	}
	return append(dst, s...), nil
}

// chrRow is the character of code point n[0] mod 256 (Latin-1), as in
// Spark; the empty string for a negative n[0].
func chrRow(r *textRow, dst []byte) ([]byte, error) {
	if r.n[0] < 0 {
		return dst, nil
	}
	return utf8.AppendRune(dst, rune(r.n[0]&0xff)), nil
}

// locate is the 1-based character position of sub in s at or after
// character start (1-based), 0 when absent or start < 1. The empty string
// is found at 1, as in Spark.
func locate(sub, s []byte, start int64) int32 {
	if start < 1 {
		return 0
	}
	if len(sub) == 0 {
		return 1
	}
	off := len(s)
	if start-1 < int64(len(s)) {
		off = runeOffset(s, int(start-1))
	}
	k := bytes.Index(s[off:], sub)
	if k < 0 {
		return 0
	}
	return int32(start) + int32(utf8.RuneCount(s[off:off+k]))
}
