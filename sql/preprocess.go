package sql

import (
	"strings"
)

// PostgreSQL's grammar lacks two Spark habits the engine accepts; they are
// rewritten in the text before parsing, keeping a map back to the source
// offsets so errors still point at what the user wrote.

// rewriteBackticks turns every `identifier` outside quoted text and comments
// into "identifier" (a doubled backquote inside stands for one backquote; a
// double quote inside is doubled).
func (t *sqlText) rewriteBackticks() {
	s := t.parsed
	if strings.IndexByte(s, '`') < 0 {
		return
	}
	var out strings.Builder
	out.Grow(len(s) + 8)
	prev := make([]int, 0, len(s)+1) // out offset -> offset in s
	emit := func(str string, from int) {
		for k := 0; k < len(str); k++ {
			prev = append(prev, from)
		}
		out.WriteString(str)
	}
	for i := 0; i < len(s); {
		kind, end, ok := lexElem(s, i)
		if kind != lexBacktick || !ok {
			for k := i; k < end; k++ {
				prev = append(prev, k)
			}
			out.WriteString(s[i:end])
			i = end
			continue
		}
		emit(`"`, i)
		for k := i + 1; k < end-1; k++ {
			switch {
			case s[k] == '`' && s[k+1] == '`':
				emit("`", k)
				k++
			case s[k] == '"':
				emit(`""`, k)
			default:
				emit(s[k:k+1], k)
			}
		}
		emit(`"`, end-1)
		i = end
	}
	prev = append(prev, len(s))
	t.replace(out.String(), prev)
}

// replace sets the parsed text to parsed, where prev[i] is the offset in the
// previous parsed text that byte i of the new one comes from.
func (t *sqlText) replace(parsed string, prev []int) {
	toOrig := make([]int, len(prev))
	for i, p := range prev {
		if t.toOrig != nil {
			p = t.toOrig[min(p, len(t.toOrig)-1)]
		}
		toOrig[i] = p
	}
	t.parsed, t.toOrig = parsed, toOrig
}

// describeKind tells how a DESCRIBE statement names what it describes.
type describeKind int

const (
	notDescribe describeKind = iota
	describeName
	describeQuery
)

// rewriteDescribe recognizes DESCRIBE [TABLE|QUERY] x and DESC x, which
// PostgreSQL lacks. For a query it blanks the keywords out (the offsets stay
// the same); for a name it turns the statement into TABLE name, which
// PostgreSQL parses as SELECT * FROM name.
func (t *sqlText) rewriteDescribe() describeKind {
	s := t.parsed
	i := skipTrivia(s, 0)
	word, j := readWord(s, i)
	if w := strings.ToLower(word); w != "describe" && w != "desc" {
		return notDescribe
	}
	rest := skipTrivia(s, j)
	if w, k := readWord(s, rest); strings.EqualFold(w, "table") || strings.EqualFold(w, "query") {
		rest = skipTrivia(s, k)
	}
	first, _ := readWord(s, rest)
	switch w := strings.ToLower(first); {
	case w == "select", w == "with", w == "values", rest < len(s) && s[rest] == '(':
		// Blanking keeps every byte offset; newlines stay for readability.
		blank := []byte(s[:rest])
		for k, c := range blank {
			if c != '\n' {
				blank[k] = ' '
			}
		}
		t.parsed = string(blank) + s[rest:]
		return describeQuery
	}
	const table = "TABLE "
	prev := make([]int, 0, len(table)+len(s)-rest+1)
	for range table {
		prev = append(prev, rest)
	}
	for k := rest; k <= len(s); k++ {
		prev = append(prev, k)
	}
	t.replace(table+s[rest:], prev)
	return describeName
}

// rewriteCreateOrReplaceTable recognizes Spark's CREATE OR REPLACE TABLE,
// which PostgreSQL lacks, and blanks OR REPLACE out (keeping every offset).
func (t *sqlText) rewriteCreateOrReplaceTable() bool {
	s := t.parsed
	var ends [4]int
	want := [4]string{"create", "or", "replace", "table"}
	i := 0
	for k, w := range want {
		i = skipTrivia(s, i)
		word, j := readWord(s, i)
		if !strings.EqualFold(word, w) {
			return false
		}
		if k == 1 {
			ends[0] = i // where OR starts
		}
		ends[k] = j
		i = j
	}
	orStart, replaceEnd := ends[0], ends[2]
	t.parsed = s[:orStart] + strings.Repeat(" ", replaceEnd-orStart) + s[replaceEnd:]
	return true
}

// skipTrivia returns the offset of the first byte at or after i that is not
// blank or inside a comment.
func skipTrivia(s string, i int) int {
	for i < len(s) {
		kind, end, _ := lexElem(s, i)
		if !isTrivia(kind) {
			return i
		}
		i = end
	}
	return i
}

// readWord reads a run of ASCII letters at s[i].
func readWord(s string, i int) (string, int) {
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	if j < len(s) && isIdentByte(s[j]) {
		return "", i // a longer identifier such as describe_x
	}
	return s[i:j], j
}
