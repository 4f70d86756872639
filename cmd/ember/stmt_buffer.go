package main

import "strings"

// stmtBuffer gathers the lines typed at the shell until they hold a
// complete statement: one ended by a semicolon outside quotes and comments.
// It only finds where statements end; sql.Split cuts them apart.
//
// It knows the lexical forms of the parser (PostgreSQL's) plus Spark's
// backticks: 'strings' (with ” inside, and E'...' with backslash escapes),
// "identifiers", `identifiers`, $tag$ dollar quotes $tag$, -- comments and
// nested /* comments */.
type stmtBuffer struct {
	text string
}

// Empty reports whether no statement is under way (the shell then shows
// its first prompt).
func (b *stmtBuffer) Empty() bool { return b.text == "" }

// Reset drops what was typed (Ctrl-C at the prompt).
func (b *stmtBuffer) Reset() { b.text = "" }

// InLiteral reports whether the text so far ends inside a quote or a
// comment, where a line starting with a backslash is text, not a command.
func (b *stmtBuffer) InLiteral() bool {
	_, _, open := scanStatements(b.text)
	return open
}

// Add appends a line. When the text then holds one or more complete
// statements, it returns them (up to and including the last semicolon) and
// keeps what follows; otherwise it returns "". Text that is only
// whitespace and comments is dropped rather than kept.
func (b *stmtBuffer) Add(line string) string {
	if b.text == "" && strings.TrimSpace(line) == "" {
		return ""
	}
	b.text += line + "\n"
	last, content, open := scanStatements(b.text)
	done := ""
	if last >= 0 {
		done, b.text = b.text[:last+1], strings.TrimLeft(b.text[last+1:], " \t\r\n")
	}
	if !content && !open {
		b.text = ""
	}
	return done
}

// scanStatements reads SQL text and returns the index of the last
// semicolon outside quotes and comments (-1 if none), whether anything but
// whitespace and comments follows it (or is there at all, without one),
// and whether the text ends inside a quote or comment.
func scanStatements(s string) (lastSemi int, content, open bool) {
	lastSemi = -1
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ';':
			lastSemi, content = i, false
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return lastSemi, content, false // a line comment ends with the text
			}
			i += nl + 1
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			if i = skipBlockComment(s, i); i < 0 {
				return lastSemi, content, true
			}
		case c == '\'':
			content = true
			escapes := i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && (i < 2 || !identChar(s[i-2]))
			if i = skipQuoted(s, i, '\'', escapes); i < 0 {
				return lastSemi, content, true
			}
		case c == '"' || c == '`':
			content = true
			if i = skipQuoted(s, i, c, false); i < 0 {
				return lastSemi, content, true
			}
		case c == '$' && (i == 0 || !identChar(s[i-1])):
			content = true
			tag := dollarTag(s[i:])
			if tag == "" {
				i++
				continue
			}
			end := strings.Index(s[i+len(tag):], tag)
			if end < 0 {
				return lastSemi, content, true
			}
			i += len(tag) + end + len(tag)
		default:
			content = true
			i++
		}
	}
	return lastSemi, content, false
}

// skipQuoted returns the index just past the quoted text starting at
// s[start] (a doubled quote stands for one; with escapes, a backslash
// escapes the next byte), or -1 if the quote is not closed.
func skipQuoted(s string, start int, quote byte, escapes bool) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if escapes {
				i++
			}
		case quote:
			if i+1 < len(s) && s[i+1] == quote {
				i++
				continue
			}
			return i + 1
		}
	}
	return -1
}

// skipBlockComment returns the index just past the comment starting at
// s[start], which nests as in PostgreSQL, or -1 if it is not closed.
func skipBlockComment(s string, start int) int {
	depth := 0
	for i := start; i+1 < len(s); {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			depth++
			i += 2
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return -1
}

// dollarTag returns the dollar-quote opener at the start of s ($$ or
// $name$), or "" if s does not start with one ($1 is a parameter).
func dollarTag(s string) string {
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == '$' {
			return s[:i+1]
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 1 && c >= '0' && c <= '9' || c >= 0x80) {
			return ""
		}
	}
	return ""
}

func identChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
