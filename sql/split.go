package sql

import (
	"strings"
	"unicode/utf8"
)

// Split cuts a script into statements at each ';' outside quoted text,
// comments and dollar quoting. Empty statements (only blanks and comments)
// are skipped. Each Source holds one statement's text, from its first
// token to the last one before the ';', and the 1-based line and column
// where that first token stands in the script. Quoted text or a comment
// left open is an error at its opening.
func Split(script string) ([]Source, error) {
	var out []Source
	pos := cursor{line: 1, col: 1}
	start := -1 // byte offset of the current statement's first token
	var startLine, startCol int
	last := 0 // end of the current statement's last token
	for i := 0; i < len(script); {
		kind, end, ok := lexElem(script, i)
		if !ok {
			pos.advance(script, i)
			return nil, &Error{Line: pos.line, Col: pos.col, Msg: unterminated(kind)}
		}
		switch {
		case isTrivia(kind):
		case kind == lexOther && script[i] == ';':
			if start >= 0 {
				out = append(out, Source{Text: script[start:last], Line: startLine, Col: startCol})
				start = -1
			}
		default:
			if start < 0 {
				pos.advance(script, i)
				start, startLine, startCol = i, pos.line, pos.col
			}
			last = end
		}
		i = end
	}
	if start >= 0 {
		out = append(out, Source{Text: script[start:last], Line: startLine, Col: startCol})
	}
	return out, nil
}

func unterminated(k lexKind) string {
	switch k {
	case lexBlockComment:
		return "unterminated /* comment"
	case lexQuotedIdent:
		return `unterminated quoted identifier "`
	case lexBacktick:
		return "unterminated quoted identifier `"
	case lexDollar:
		return "unterminated dollar-quoted string"
	}
	return "unterminated quoted string"
}

// cursor tracks the line and column of a byte offset, moving forward only,
// so that a script is scanned once however many statements it holds.
type cursor struct {
	off, line, col int
}

func (c *cursor) advance(s string, to int) {
	seg := s[c.off:to]
	if n := strings.Count(seg, "\n"); n > 0 {
		c.line += n
		c.col = 1 + utf8.RuneCountInString(seg[strings.LastIndexByte(seg, '\n')+1:])
	} else {
		c.col += utf8.RuneCountInString(seg)
	}
	c.off = to
}
