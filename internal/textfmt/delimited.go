package textfmt

import "bytes"

// CSVNeedsQuotes reports whether a text field must be quoted to read back
// as itself from CSV whose fields are separated by delim: when it is empty
// (an empty field is NULL), starts or ends with a space or tab (which
// readers trim), or holds delim, a double quote or a line break.
func CSVNeedsQuotes(s []byte, delim byte) bool {
	if len(s) == 0 {
		return true
	}
	if isBlank(s[0]) || isBlank(s[len(s)-1]) {
		return true
	}
	for _, b := range s {
		if b == delim || b == '"' || b == '\n' || b == '\r' {
			return true
		}
	}
	return false
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// AppendCSVQuoted appends s between double quotes, doubling the double
// quotes within (RFC 4180).
func AppendCSVQuoted(dst, s []byte) []byte {
	dst = append(dst, '"')
	for {
		q := bytes.IndexByte(s, '"')
		if q < 0 {
			break
		}
		dst = append(dst, s[:q+1]...)
		dst = append(dst, '"')
		s = s[q+1:]
	}
	dst = append(dst, s...)
	return append(dst, '"')
}

// AppendTSVEscaped appends s with backslash, tab, newline and carriage
// return escaped as \\ \t \n \r, so that a TSV row is one line and TSV
// needs no quotes.
func AppendTSVEscaped(dst, s []byte) []byte {
	for _, b := range s {
		switch b {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, b)
		}
	}
	return dst
}
