package flightserver

import (
	"strings"
)

// searchEscape escapes % and _ in metadata search patterns, as JDBC's
// getSearchStringEscape reports it.
const searchEscape = '\\'

// matchPattern reports whether name matches a metadata search pattern,
// SQL LIKE-style: % matches any run of characters, _ any one character,
// and \ makes the next character literal. Names are matched without regard
// to case, as Ember resolves them. A nil pattern matches everything.
func matchPattern(pattern *string, name string) bool {
	if pattern == nil {
		return true
	}
	return like([]rune(strings.ToLower(*pattern)), []rune(strings.ToLower(name)))
}

// like matches p against s, with backtracking limited to the last %
// seen (a greedy match that never takes exponential time).
func like(p, s []rune) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '%':
				starP, starS = pi, si
				pi++
				continue
			case c == '_':
				pi++
				si++
				continue
			case c == searchEscape && pi+1 < len(p):
				if p[pi+1] == s[si] {
					pi += 2
					si++
					continue
				}
			case c == s[si]:
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last % take one more character and retry.
		starS++
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}
