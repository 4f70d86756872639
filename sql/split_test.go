package sql

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []Source
	}{
		{"one", "select 1", []Source{{"select 1", 1, 1}}},
		{"two on one line", "select 1; select 2;", []Source{{"select 1", 1, 1}, {"select 2", 1, 11}}},
		{"empty statements and blanks skipped", " ;;\n\n  select 1 ;\n ; ", []Source{{"select 1", 3, 3}}},
		{"comments are not statements", "-- hello;\n/* a; b */ select 1; -- tail;\n", []Source{{"select 1", 2, 12}}},
		{"semicolons inside quotes", "select ';', \"a;b\", `c;d` from t; select 2", []Source{{"select ';', \"a;b\", `c;d` from t", 1, 1}, {"select 2", 1, 34}}},
		{"doubled quotes", "select 'it''s; ok'; select 2", []Source{{"select 'it''s; ok'", 1, 1}, {"select 2", 1, 21}}},
		{"escape strings", `select E'a\'; b'; select 2`, []Source{{`select E'a\'; b'`, 1, 1}, {"select 2", 1, 19}}},
		{"dollar quoting", "select $$a;b$$, $tag$x;$$;y$tag$; select $1", []Source{{"select $$a;b$$, $tag$x;$$;y$tag$", 1, 1}, {"select $1", 1, 35}}},
		{"nested block comments", "/* a /* b; */ c; */ select 1", []Source{{"select 1", 1, 21}}},
		{"columns count characters", "select 'é'; select 2", []Source{{"select 'é'", 1, 1}, {"select 2", 1, 13}}},
		{"a comment inside a statement stays", "select 1 -- one\n + 2; select 3", []Source{{"select 1 -- one\n + 2", 1, 1}, {"select 3", 2, 7}}},
		{"nothing", "  -- only a comment\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split(tt.script)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct{ script, want string }{
		{"select 1;\nselect 'abc", "line 2:8: unterminated quoted string"},
		{"select \"x", `line 1:8: unterminated quoted identifier "`},
		{"select `x", "line 1:8: unterminated quoted identifier `"},
		{"select 1 /* open", "line 1:10: unterminated /* comment"},
		{"select $q$ x", "line 1:8: unterminated dollar-quoted string"},
	}
	for _, tt := range tests {
		_, err := Split(tt.script)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: got %v, want %s", tt.script, err, tt.want)
		}
	}
}
