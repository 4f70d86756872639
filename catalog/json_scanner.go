package catalog

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON scanner for newline-delimited JSON: it checks one line is a
// well-formed object and hands out its members' raw text, without building
// Go values (encoding/json's map[string]any costs several allocations per
// value). Strings are unescaped only when a column wants them.

// jsonKind is the kind of a JSON value.
type jsonKind uint8

const (
	jsonMissing jsonKind = iota // the key is absent from the object
	jsonNull
	jsonString
	jsonInt   // a number without fraction or exponent
	jsonFloat // any other number
	jsonTrue
	jsonFalse
	jsonNested // an object or an array
)

// maxJSONDepth bounds nesting, so that a hostile line cannot exhaust memory.
const maxJSONDepth = 512

// jsonSyntaxError is a malformed line; col is 1-based.
type jsonSyntaxError struct {
	col int
	msg string
}

func (e *jsonSyntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.col, e.msg) }

// jsonScanner parses lines; it keeps a scratch buffer for escaped keys.
type jsonScanner struct {
	line []byte
	i    int
	key  []byte
}

func (s *jsonScanner) fail(msg string) error {
	return &jsonSyntaxError{col: s.i + 1, msg: msg}
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.line) {
		switch s.line[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// blank reports whether line holds only white space.
func jsonBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// scanObject parses line as one JSON object and calls emit for each member,
// with the value's kind and raw text (a string with its quotes). key is
// unescaped and valid only during the call.
func (s *jsonScanner) scanObject(line []byte, emit func(key []byte, kind jsonKind, raw []byte) error) error {
	s.line, s.i = line, 0
	s.skipSpace()
	if s.i >= len(line) || line[s.i] != '{' {
		return s.fail("expected a JSON object")
	}
	s.i++
	s.skipSpace()
	if s.i < len(line) && line[s.i] == '}' {
		s.i++
		return s.end()
	}
	for {
		s.skipSpace()
		if s.i >= len(line) || line[s.i] != '"' {
			return s.fail("expected a string key")
		}
		start := s.i
		escaped, err := s.skipString()
		if err != nil {
			return err
		}
		key := line[start+1 : s.i-1]
		if escaped {
			s.key = appendUnescaped(s.key[:0], line[start:s.i])
			key = s.key
		}
		s.skipSpace()
		if s.i >= len(line) || line[s.i] != ':' {
			return s.fail("expected ':' after a key")
		}
		s.i++
		s.skipSpace()
		vstart := s.i
		kind, err := s.skipValue(0)
		if err != nil {
			return err
		}
		if err := emit(key, kind, line[vstart:s.i]); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(line) {
			return s.fail("object is not closed")
		}
		switch line[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return s.end()
		default:
			return s.fail("expected ',' or '}'")
		}
	}
}

// end checks that nothing but space follows the object.
func (s *jsonScanner) end() error {
	s.skipSpace()
	if s.i != len(s.line) {
		return s.fail("unexpected text after the object")
	}
	return nil
}

// skipValue moves past one value and tells its kind.
func (s *jsonScanner) skipValue(depth int) (jsonKind, error) {
	if s.i >= len(s.line) {
		return 0, s.fail("expected a value")
	}
	switch c := s.line[s.i]; {
	case c == '"':
		_, err := s.skipString()
		return jsonString, err
	case c == '{' || c == '[':
		return jsonNested, s.skipNested(depth + 1)
	case c == 't':
		return jsonTrue, s.literal("true")
	case c == 'f':
		return jsonFalse, s.literal("false")
	case c == 'n':
		return jsonNull, s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.skipNumber()
	}
	return 0, s.fail("expected a value")
}

func (s *jsonScanner) literal(word string) error {
	if len(s.line)-s.i < len(word) || string(s.line[s.i:s.i+len(word)]) != word {
		return s.fail("invalid literal")
	}
	s.i += len(word)
	return nil
}

// skipString moves past a string starting at the quote, checking escapes;
// escaped tells whether it holds any.
func (s *jsonScanner) skipString() (escaped bool, err error) {
	s.i++
	for s.i < len(s.line) {
		c := s.line[s.i]
		switch {
		case c == '"':
			s.i++
			return escaped, nil
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.line) {
				return false, s.fail("string is not closed")
			}
			switch s.line[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.line) {
					return false, s.fail("bad \\u escape")
				}
				for _, h := range s.line[s.i+2 : s.i+6] {
					if hexVal(h) < 0 {
						return false, s.fail("bad \\u escape")
					}
				}
				s.i += 6
			default:
				return false, s.fail("bad escape")
			}
		case c < 0x20:
			return false, s.fail("control character in a string")
		default:
			s.i++
		}
	}
	return false, s.fail("string is not closed")
}

func (s *jsonScanner) skipNumber() (jsonKind, error) {
	kind := jsonInt
	if s.line[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.line) && s.line[s.i] == '0':
		s.i++
	case s.i < len(s.line) && s.line[s.i] >= '1' && s.line[s.i] <= '9':
		s.skipDigits()
	default:
		return 0, s.fail("bad number")
	}
	if s.i < len(s.line) && s.line[s.i] == '.' {
		s.i++
		if s.skipDigits() == 0 {
			return 0, s.fail("bad number")
		}
		kind = jsonFloat
	}
	if s.i < len(s.line) && (s.line[s.i] == 'e' || s.line[s.i] == 'E') {
		s.i++
		if s.i < len(s.line) && (s.line[s.i] == '+' || s.line[s.i] == '-') {
			s.i++
		}
		if s.skipDigits() == 0 {
			return 0, s.fail("bad number")
		}
		kind = jsonFloat
	}
	return kind, nil
}

func (s *jsonScanner) skipDigits() int {
	start := s.i
	for s.i < len(s.line) && s.line[s.i] >= '0' && s.line[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

// skipNested moves past an object or array.
func (s *jsonScanner) skipNested(depth int) error {
	if depth > maxJSONDepth {
		return s.fail("nested too deeply")
	}
	open := s.line[s.i]
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	s.i++
	s.skipSpace()
	if s.i < len(s.line) && s.line[s.i] == close {
		s.i++
		return nil
	}
	for {
		s.skipSpace()
		if open == '{' {
			if s.i >= len(s.line) || s.line[s.i] != '"' {
				return s.fail("expected a string key")
			}
			if _, err := s.skipString(); err != nil {
				return err
			}
			s.skipSpace()
			if s.i >= len(s.line) || s.line[s.i] != ':' {
				return s.fail("expected ':' after a key")
			}
			s.i++
			s.skipSpace()
		}
		if _, err := s.skipValue(depth); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(s.line) {
			return s.fail("value is not closed")
		}
		switch s.line[s.i] {
		case ',':
			s.i++
		case close:
			s.i++
			return nil
		default:
			return s.fail(fmt.Sprintf("expected ',' or '%c'", close))
		}
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// appendUnescaped appends the text of a string already checked by
// skipString (raw includes the quotes). Lone surrogates become U+FFFD.
func appendUnescaped(dst, raw []byte) []byte {
	raw = raw[1 : len(raw)-1]
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := rune(hex4(raw[i+2:]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if r2 := utf16.DecodeRune(r, rune(hex4(raw[i+2:]))); r2 != utf8.RuneError {
						dst = utf8.AppendRune(dst, r2)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // " \ /
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}

func hex4(b []byte) int {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}
