package sql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a mistake in a SQL statement: what is wrong and where, as a
// 1-based line and column of the script the statement came from (columns
// count characters, not bytes).
type Error struct {
	Line, Col int
	Msg       string
}

// Error formats the mistake as "line L:C: message", or the message alone
// when the statement has no text to point into (Line is 0).
func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d:%d: %s", e.Line, e.Col, e.Msg)
}

// sqlText is the text handed to the parser for one statement and the way
// back from its byte offsets to a line and column of the script. The parsed
// text may differ from the source (backquotes rewritten, DESCRIBE removed);
// toOrig then maps each parsed byte offset to a source byte offset.
type sqlText struct {
	src    Source
	parsed string
	toOrig []int // len(parsed)+1 entries; nil means the identity
	// positionless is set for syntax trees built without text (the
	// DataFrame API): errors then carry no line and column.
	positionless bool
}

func newSQLText(src Source) *sqlText {
	if src.Line <= 0 {
		src.Line = 1
	}
	if src.Col <= 0 {
		src.Col = 1
	}
	return &sqlText{src: src, parsed: src.Text}
}

// origOffset maps a byte offset of the parsed text to one of the source.
func (t *sqlText) origOffset(off int) int {
	if off < 0 {
		off = 0
	}
	if t.toOrig != nil {
		if off >= len(t.toOrig) {
			off = len(t.toOrig) - 1
		}
		off = t.toOrig[off]
	}
	return min(off, len(t.src.Text))
}

// lineCol returns the script position of byte offset off of the source text.
func (t *sqlText) lineCol(off int) (line, col int) {
	text := t.src.Text[:min(off, len(t.src.Text))]
	nl := strings.LastIndexByte(text, '\n')
	if nl < 0 {
		return t.src.Line, t.src.Col + utf8.RuneCountInString(text)
	}
	return t.src.Line + strings.Count(text, "\n"), 1 + utf8.RuneCountInString(text[nl+1:])
}

// errAt builds an Error at byte offset loc of the parsed text (a pg_query
// location; negative when unknown, which points at the statement start).
func (t *sqlText) errAt(loc int32, format string, args ...any) *Error {
	if t.positionless {
		return &Error{Msg: fmt.Sprintf(format, args...)}
	}
	line, col := t.lineCol(t.origOffset(int(loc)))
	return &Error{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// charToByte converts a 1-based character position of the parsed text (how
// PostgreSQL reports syntax errors) to a 0-based byte offset.
func (t *sqlText) charToByte(pos int) int {
	if pos <= 1 {
		return 0
	}
	n := 1
	for i := range t.parsed {
		if n == pos {
			return i
		}
		n++
	}
	return len(t.parsed)
}
