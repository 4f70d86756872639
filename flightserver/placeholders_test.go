package flightserver

import (
	"strings"
	"testing"
)

func TestSubstitutePlaceholders(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		literals []string
		want     string
	}{
		{"no placeholders", "SELECT 1", nil, "SELECT 1"},
		{"question marks in order", "SELECT * FROM t WHERE a = ? AND b = ?", []string{"1", "'x'"}, "SELECT * FROM t WHERE a = 1 AND b = 'x'"},
		{"dollar numbers", "SELECT $2, $1", []string{"1", "2"}, "SELECT 2, 1"},
		{"dollar repeated", "SELECT $1 + $1", []string{"7"}, "SELECT 7 + 7"},
		{"$10 is not $1 then 0", "SELECT $10, $1, $2, $3, $4, $5, $6, $7, $8, $9",
			[]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, "SELECT j, a, b, c, d, e, f, g, h, i"},
		{"? inside a string untouched", "SELECT '?', ? FROM t", []string{"1"}, "SELECT '?', 1 FROM t"},
		{"doubled quote inside a string", "SELECT 'it''s ?', ?", []string{"1"}, "SELECT 'it''s ?', 1"},
		{"escape string with backslash quote", `SELECT E'\'?', ?`, []string{"1"}, `SELECT E'\'?', 1`},
		{"backslash in a plain string ends nothing", `SELECT 'a\', ?`, []string{"1"}, `SELECT 'a\', 1`},
		{"? in a quoted identifier", `SELECT "col?" FROM t WHERE x = ?`, []string{"1"}, `SELECT "col?" FROM t WHERE x = 1`},
		{"? in a backtick identifier", "SELECT `c?` FROM t WHERE x = ?", []string{"1"}, "SELECT `c?` FROM t WHERE x = 1"},
		{"line comment", "SELECT ? -- why?\n, ?", []string{"1", "2"}, "SELECT 1 -- why?\n, 2"},
		{"line comment at the end", "SELECT ? -- $1?", []string{"1"}, "SELECT 1 -- $1?"},
		{"nested block comment", "SELECT /* a /* ? */ ? */ ?", []string{"1"}, "SELECT /* a /* ? */ ? */ 1"},
		{"dollar-quoted string", "SELECT $$ ? $1 $$, ?", []string{"1"}, "SELECT $$ ? $1 $$, 1"},
		{"tagged dollar quote", "SELECT $q$ it's ? $q$, $1", []string{"1"}, "SELECT $q$ it's ? $q$, 1"},
		{"$ inside an identifier", "SELECT a$1, $1 FROM t", []string{"5"}, "SELECT a$1, 5 FROM t"},
		{"minus before a negative literal", "SELECT 10-?", []string{"(-3)"}, "SELECT 10-(-3)"},
		{"space keeps words apart", "SELECT x FROM t LIMIT?", []string{"5"}, "SELECT x FROM t LIMIT 5"},
		{"space after", "SELECT ?AS x", []string{"5"}, "SELECT 5 AS x"},
		{"unclosed string", "SELECT ?, 'abc ?", []string{"1"}, "SELECT 1, 'abc ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := parsePlaceholders(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if pt.count != len(tt.literals) {
				t.Fatalf("count = %d, want %d", pt.count, len(tt.literals))
			}
			got, err := pt.substitute(tt.literals)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPlaceholderErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"mixed styles", "SELECT ?, $1", "mixes ? and $N"},
		{"zero", "SELECT $0", "numbered from $1"},
		{"gap", "SELECT $1, $3", "parameter $2 is not used"},
		{"too large", "SELECT $99999999999999999999", "at most $65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePlaceholders(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestSubstituteCountMismatch(t *testing.T) {
	tests := []struct {
		text     string
		literals []string
		want     string
	}{
		{"SELECT ?, ?", []string{"1"}, "2 parameter(s), but 1 were bound: bind a value to each"},
		{"SELECT ?", []string{"1", "2"}, "1 parameter(s), but 2 were bound: too many"},
		{"SELECT 1", []string{"1"}, "no parameters, but 1 were bound"},
	}
	for _, tt := range tests {
		pt, err := parsePlaceholders(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pt.substitute(tt.literals); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q with %d values: error = %v, want %q", tt.text, len(tt.literals), err, tt.want)
		}
	}
}
