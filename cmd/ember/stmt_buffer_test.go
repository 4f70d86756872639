package main

import (
	"reflect"
	"testing"
)

// TestStmtBuffer feeds lines as the shell would and checks which complete
// texts come out after each line and whether a statement is still under
// way (the continuation prompt).
func TestStmtBuffer(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		done  []string // what Add returned for each line
		empty []bool   // Empty() after each line
	}{
		{"one line", []string{"select 1;"},
			[]string{"select 1;"}, []bool{true}},
		{"spans lines", []string{"select", "  1", ";"},
			[]string{"", "", "select\n  1\n;"}, []bool{false, false, true}},
		{"semicolon in string", []string{"select ';'", "as x;"},
			[]string{"", "select ';'\nas x;"}, []bool{false, true}},
		{"doubled quote", []string{"select 'it''s;", "'; "},
			[]string{"", "select 'it''s;\n';"}, []bool{false, true}},
		{"string over lines", []string{"select 'a", ";b';"},
			[]string{"", "select 'a\n;b';"}, []bool{false, true}},
		{"E string backslash", []string{`select E'\';';`},
			[]string{`select E'\';';`}, []bool{true}},
		{"plain string backslash is text", []string{`select '\';`},
			[]string{`select '\';`}, []bool{true}},
		{"quoted identifier", []string{`select 1 as "a;b"`, ";"},
			[]string{"", "select 1 as \"a;b\"\n;"}, []bool{false, true}},
		{"backticks", []string{"select `a;", "b` from t;"},
			[]string{"", "select `a;\nb` from t;"}, []bool{false, true}},
		{"line comment", []string{"select 1 -- no; end", ";"},
			[]string{"", "select 1 -- no; end\n;"}, []bool{false, true}},
		{"block comment", []string{"select /* ; ", " /* nested ; */ ; */ 1;"},
			[]string{"", "select /* ; \n /* nested ; */ ; */ 1;"}, []bool{false, true}},
		{"dollar quote", []string{"select $x$ ; $$ ", "$x$;"},
			[]string{"", "select $x$ ; $$ \n$x$;"}, []bool{false, true}},
		{"parameter is not a dollar quote", []string{"select $1;"},
			[]string{"select $1;"}, []bool{true}},
		{"two statements", []string{"select 1; select 2;"},
			[]string{"select 1; select 2;"}, []bool{true}},
		{"rest kept", []string{"select 1; select", "2;"},
			[]string{"select 1;", "select\n2;"}, []bool{false, true}},
		{"blank lines ignored", []string{"", "   ", "select 1;"},
			[]string{"", "", "select 1;"}, []bool{true, true, true}},
		{"comment only", []string{"-- just a note"},
			[]string{""}, []bool{true}},
		{"trailing comment dropped", []string{"select 1; -- done"},
			[]string{"select 1;"}, []bool{true}},
		{"open comment kept", []string{"select 1; /* still", "open */ select 2;"},
			[]string{"select 1;", "/* still\nopen */ select 2;"}, []bool{false, true}},
		{"empty statement", []string{";"},
			[]string{";"}, []bool{true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b stmtBuffer
			var done []string
			var empty []bool
			for _, l := range tc.lines {
				done = append(done, b.Add(l))
				empty = append(empty, b.Empty())
			}
			if !reflect.DeepEqual(done, tc.done) {
				t.Errorf("done: got %q, want %q", done, tc.done)
			}
			if !reflect.DeepEqual(empty, tc.empty) {
				t.Errorf("empty: got %v, want %v", empty, tc.empty)
			}
		})
	}
}

func TestStmtBufferInLiteral(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"select 1", false},
		{"select 'abc", true},
		{`select "abc`, true},
		{"select `abc", true},
		{"select /* abc", true},
		{"select $$ abc", true},
		{"select 'a' -- '", false},
		{"select 'a' /* x */", false},
	}
	for _, tc := range cases {
		b := stmtBuffer{text: tc.text + "\n"}
		if got := b.InLiteral(); got != tc.want {
			t.Errorf("%q: InLiteral %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestStmtBufferReset(t *testing.T) {
	var b stmtBuffer
	b.Add("select 'a")
	b.Reset()
	if !b.Empty() || b.InLiteral() {
		t.Fatal("Reset left text behind")
	}
	if got := b.Add("select 2;"); got != "select 2;" {
		t.Errorf("after Reset: got %q", got)
	}
}
