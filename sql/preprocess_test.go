package sql

import "testing"

func TestRewriteBackticks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"select `a` from `t`", `select "a" from "t"`},
		{"select '`a`', \"`b`\" -- `c`\n", "select '`a`', \"`b`\" -- `c`\n"},
		{"select `a``b`, `x\"y`", "select \"a`b\", \"x\"\"y\""},
		{"select * from parquet.`/p/q.parquet`", `select * from parquet."/p/q.parquet"`},
	}
	for _, tt := range tests {
		txt := newSQLText(Source{Text: tt.in})
		txt.rewriteBackticks()
		if txt.parsed != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, txt.parsed, tt.want)
		}
	}
	// Offsets after a rewrite that changed the length still map back to the
	// source: the y after `x"y` is at byte 19 of the source.
	txt := newSQLText(Source{Text: "select `x\"y`, nope"})
	txt.rewriteBackticks()
	if got := txt.origOffset(len(`select "x""y", `)); got != len("select `x\"y`, ") {
		t.Errorf("offset maps to %d", got)
	}
}

func TestRewriteDescribe(t *testing.T) {
	tests := []struct {
		in     string
		kind   describeKind
		parsed string
	}{
		{"select 1", notDescribe, "select 1"},
		{"describe_me", notDescribe, "describe_me"},
		{"DESCRIBE t", describeName, "TABLE t"},
		{"desc table t", describeName, "TABLE t"},
		{"describe select 1", describeQuery, "         select 1"},
		{"desc query\n(select 1)", describeQuery, "          \n(select 1)"},
		{"/* c */ describe with w as (select 1) select * from w", describeQuery, "                 with w as (select 1) select * from w"},
	}
	for _, tt := range tests {
		txt := newSQLText(Source{Text: tt.in})
		if kind := txt.rewriteDescribe(); kind != tt.kind || txt.parsed != tt.parsed {
			t.Errorf("%q: got %v %q, want %v %q", tt.in, kind, txt.parsed, tt.kind, tt.parsed)
		}
	}
}
