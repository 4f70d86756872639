package sql

import "strings"

// The statement splitter and the Spark-habit rewrites need to know only
// where quoted text and comments are, not the full grammar; lexElem finds
// the lexical element that starts at a byte offset.

type lexKind int

const (
	lexOther        lexKind = iota // any other single byte
	lexSpace                       // one whitespace byte
	lexLineComment                 // -- to the end of the line
	lexBlockComment                // /* ... */, nested as in PostgreSQL
	lexString                      // '...', E'...' with backslash escapes
	lexQuotedIdent                 // "..."
	lexBacktick                    // `...` (Spark)
	lexDollar                      // $tag$ ... $tag$
)

// lexElem returns the kind and end (exclusive) of the element starting at
// s[i]. For quoted text and comments without their closing delimiter it
// returns ok=false and end=len(s).
func lexElem(s string, i int) (kind lexKind, end int, ok bool) {
	c := s[i]
	switch {
	case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		return lexSpace, i + 1, true
	case c == '-' && i+1 < len(s) && s[i+1] == '-':
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return lexLineComment, len(s), true
		}
		return lexLineComment, i + j, true
	case c == '/' && i+1 < len(s) && s[i+1] == '*':
		depth := 0
		for j := i; j+1 < len(s); j++ {
			switch {
			case s[j] == '/' && s[j+1] == '*':
				depth++
				j++
			case s[j] == '*' && s[j+1] == '/':
				depth--
				j++
				if depth == 0 {
					return lexBlockComment, j + 1, true
				}
			}
		}
		return lexBlockComment, len(s), false
	case c == '\'':
		backslash := i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && (i < 2 || !isIdentByte(s[i-2]))
		end, ok := closeQuote(s, i, '\'', backslash)
		return lexString, end, ok
	case c == '"':
		end, ok := closeQuote(s, i, '"', false)
		return lexQuotedIdent, end, ok
	case c == '`':
		end, ok := closeQuote(s, i, '`', false)
		return lexBacktick, end, ok
	case c == '$' && (i == 0 || !isIdentByte(s[i-1])):
		if tag, okTag := dollarTag(s, i); okTag {
			j := strings.Index(s[i+len(tag):], tag)
			if j < 0 {
				return lexDollar, len(s), false
			}
			return lexDollar, i + len(tag) + j + len(tag), true
		}
	}
	return lexOther, i + 1, true
}

// closeQuote finds the end of text quoted with q starting at s[i], where a
// doubled q stands for itself (and, with backslash, \x escapes x).
func closeQuote(s string, i int, q byte, backslash bool) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(s), false
}

// dollarTag returns the opening delimiter ($$ or $tag$) of a dollar-quoted
// string starting at s[i], if there is one. A tag does not start with a
// digit, so $1 (a parameter) is not one.
func dollarTag(s string, i int) (string, bool) {
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[i : j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > i+1:
		default:
			return "", false
		}
	}
	return "", false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// isTrivia reports whether a lexical element carries no meaning.
func isTrivia(k lexKind) bool {
	return k == lexSpace || k == lexLineComment || k == lexBlockComment
}
