package flightserver

import (
	"fmt"
	"strconv"
	"strings"
)

// Ember's binder has no parameters, so a prepared statement's placeholders
// are replaced by SQL literals of the bound values before the text is
// bound. The scan below knows only where quoted text and comments are,
// which is all it takes to tell a placeholder from a question mark or a
// dollar sign inside a string, an identifier or a comment.

// maxParameters bounds $N, as PostgreSQL does.
const maxParameters = 65535

// hole is one placeholder in a statement's text: the bytes text[start:end]
// stand for parameter index (0-based).
type hole struct {
	start, end int
	index      int
}

// paramText is a statement's text with its placeholders found.
type paramText struct {
	text  string
	holes []hole
	// count is the number of parameters the statement takes.
	count int
}

// parsePlaceholders finds the placeholders of text: JDBC's and
// database/sql's `?`, numbered in order of appearance, or PostgreSQL's
// `$1`..`$N`, which may repeat and appear in any order but must all be
// used. A statement uses one style or the other.
func parsePlaceholders(text string) (*paramText, error) {
	pt := &paramText{text: text}
	questions, dollars := 0, 0
	maxN := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			i = lineCommentEnd(text, i)
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			i = blockCommentEnd(text, i)
		case c == '\'':
			escapes := i > 0 && (text[i-1] == 'E' || text[i-1] == 'e') && (i < 2 || !isIdentByte(text[i-2]))
			i = quoteEnd(text, i, '\'', escapes)
		case c == '"' || c == '`':
			i = quoteEnd(text, i, c, false)
		case c == '?':
			pt.holes = append(pt.holes, hole{start: i, end: i + 1, index: questions})
			questions++
			i++
		case c == '$' && (i == 0 || !isIdentByte(text[i-1])):
			j := i + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j > i+1 {
				n, err := strconv.Atoi(text[i+1 : j])
				switch {
				case err != nil || n > maxParameters:
					return nil, fmt.Errorf("parameter %s: at most $%d parameters are allowed", text[i:j], maxParameters)
				case n == 0:
					return nil, fmt.Errorf("parameter $0: parameters are numbered from $1")
				}
				pt.holes = append(pt.holes, hole{start: i, end: j, index: n - 1})
				dollars++
				maxN = max(maxN, n)
				i = j
				continue
			}
			if tag, ok := dollarTag(text, i); ok {
				i = dollarQuoteEnd(text, i, tag)
				continue
			}
			i++
		case isIdentByte(c):
			// A whole word: the $ in a$1 belongs to the identifier.
			for i < len(text) && isIdentByte(text[i]) {
				i++
			}
		default:
			i++
		}
	}
	if questions > 0 && dollars > 0 {
		return nil, fmt.Errorf("the statement mixes ? and $N placeholders; use one style")
	}
	pt.count = questions
	if dollars > 0 {
		pt.count = maxN
		used := make([]bool, maxN)
		for _, h := range pt.holes {
			used[h.index] = true
		}
		for n, u := range used {
			if !u {
				return nil, fmt.Errorf("parameter $%d is not used, though the statement uses $%d", n+1, maxN)
			}
		}
	}
	return pt, nil
}

// substitute returns the text with each placeholder replaced by the
// literal of its parameter; literals holds one per parameter. A space
// keeps a literal from running into an adjacent word.
func (pt *paramText) substitute(literals []string) (string, error) {
	if len(literals) != pt.count {
		return "", countError(pt.count, len(literals))
	}
	if pt.count == 0 {
		return pt.text, nil
	}
	var b strings.Builder
	b.Grow(len(pt.text) + 16*len(pt.holes))
	prev := 0
	for _, h := range pt.holes {
		b.WriteString(pt.text[prev:h.start])
		lit := literals[h.index]
		if h.start > 0 && isIdentByte(pt.text[h.start-1]) {
			b.WriteByte(' ')
		}
		b.WriteString(lit)
		if h.end < len(pt.text) && isIdentByte(pt.text[h.end]) {
			b.WriteByte(' ')
		}
		prev = h.end
	}
	b.WriteString(pt.text[prev:])
	return b.String(), nil
}

// countError says that a statement got the wrong number of parameters.
func countError(want, got int) error {
	switch {
	case want == 0:
		return fmt.Errorf("the statement has no parameters, but %d were bound", got)
	case got < want:
		return fmt.Errorf("the statement has %d parameter(s), but %d were bound: bind a value to each", want, got)
	}
	return fmt.Errorf("the statement has %d parameter(s), but %d were bound: too many", want, got)
}

// lineCommentEnd is the end of the -- comment starting at text[i] (its
// newline is left to the caller).
func lineCommentEnd(text string, i int) int {
	if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(text)
}

// blockCommentEnd is the end of the /* comment */ starting at text[i];
// comments nest, as in PostgreSQL. An unclosed comment runs to the end
// (binding reports it).
func blockCommentEnd(text string, i int) int {
	depth := 0
	for j := i; j+1 < len(text); j++ {
		switch {
		case text[j] == '/' && text[j+1] == '*':
			depth++
			j++
		case text[j] == '*' && text[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(text)
}

// quoteEnd is the end of the text quoted with q starting at text[i]; a
// doubled q stands for itself and, with escapes (E'...'), a backslash
// escapes the next byte. Unclosed quotes run to the end.
func quoteEnd(text string, i int, q byte, escapes bool) int {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if escapes {
				j++
			}
		case q:
			if j+1 < len(text) && text[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(text)
}

// dollarTag returns the opening $tag$ (or $$) of a dollar-quoted string at
// text[i]. A tag does not start with a digit (that would be a parameter).
func dollarTag(text string, i int) (string, bool) {
	for j := i + 1; j < len(text); j++ {
		c := text[j]
		switch {
		case c == '$':
			return text[i : j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > i+1:
		default:
			return "", false
		}
	}
	return "", false
}

// dollarQuoteEnd is the end of the dollar-quoted string opened by tag at
// text[i].
func dollarQuoteEnd(text string, i int, tag string) int {
	if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
		return i + len(tag) + j + len(tag)
	}
	return len(text)
}

// isIdentByte reports whether c may be part of an identifier or a number.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
