package eval

import (
	"fmt"
	"regexp"
	"strconv"
)

// Regular expressions for regexp_like and regexp_replace. Patterns use Go's
// RE2 syntax, which covers Java's everyday syntax (Spark's) but has no
// backreferences or lookaround; such a pattern is an error. A constant
// pattern is compiled once, at compile time.

func compileRegexp(pat []byte) (*regexp.Regexp, error) {
	re, err := regexp.Compile(string(pat))
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %s: %v", quote(pat), err)
	}
	return re, nil
}

// javaReplacement translates a replacement string written for Java's
// Matcher.replaceAll, as Spark's regexp_replace takes it, into Go's
// Regexp.Expand template: $n and ${name} name groups (the group number
// takes as many digits as still name an existing group), a backslash
// escapes the next character. groups is the pattern's number of groups.
func javaReplacement(repl []byte, groups int) ([]byte, error) {
	out := make([]byte, 0, len(repl)+8)
	for i := 0; i < len(repl); i++ {
		ch := repl[i]
		switch ch {
		case '\\':
			i++
			if i == len(repl) {
				return nil, fmt.Errorf("invalid replacement %s: character to be escaped is missing", quote(repl))
			}
			if repl[i] == '$' {
				out = append(out, '$', '$')
			} else {
				out = append(out, repl[i])
			}
		case '$':
			i++
			if i == len(repl) {
				return nil, fmt.Errorf("invalid replacement %s: group index is missing", quote(repl))
			}
			switch c := repl[i]; {
			case c == '{':
				end := i + 1
				for end < len(repl) && repl[end] != '}' {
					end++
				}
				if end == len(repl) || end == i+1 {
					return nil, fmt.Errorf("invalid replacement %s: bad group name", quote(repl))
				}
				out = append(out, repl[i-1:end+1]...)
				i = end
			case c >= '0' && c <= '9':
				num := int(c - '0')
				if num > groups {
					return nil, fmt.Errorf("invalid replacement %s: no group %d", quote(repl), num)
				}
				for i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9' && num*10+int(repl[i+1]-'0') <= groups {
					i++
					num = num*10 + int(repl[i]-'0')
				}
				out = append(out, "${"...)
				out = strconv.AppendInt(out, int64(num), 10)
				out = append(out, '}')
			default:
				return nil, fmt.Errorf("invalid replacement %s: illegal group reference", quote(repl))
			}
		default:
			out = append(out, ch)
		}
	}
	return out, nil
}
