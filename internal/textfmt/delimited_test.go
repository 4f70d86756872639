package textfmt

import "testing"

func TestCSVNeedsQuotes(t *testing.T) {
	cases := []struct {
		in    string
		delim byte
		want  bool
	}{
		{"plain", ',', false},
		{"", ',', true},
		{"a,b", ',', true},
		{"a,b", ';', false},
		{"a;b", ';', true},
		{"a|b", '|', true},
		{`q"q`, ',', true},
		{"cr\rx", ',', true},
		{"lf\nx", ',', true},
		{" lead", ',', true},
		{"trail ", ',', true},
		{"\ttab", ',', true},
		{"tab\t", ';', true},
		{"in side", ',', false},
		{"semi;colon", ',', false},
	}
	for _, tc := range cases {
		if got := CSVNeedsQuotes([]byte(tc.in), tc.delim); got != tc.want {
			t.Errorf("%q with %q: got %v, want %v", tc.in, tc.delim, got, tc.want)
		}
	}
}

func TestAppendCSVQuoted(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", `""`},
		{"a,b", `"a,b"`},
		{`q"q`, `"q""q"`},
		{`""`, `""""""`},
		{"lf\nx", "\"lf\nx\""},
	}
	for _, tc := range cases {
		if got := string(AppendCSVQuoted([]byte("x,"), []byte(tc.in))); got != "x,"+tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, "x,"+tc.want)
		}
	}
}

func TestAppendTSVEscaped(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{"a\tb", `a\tb`},
		{"a\nb\r", `a\nb\r`},
		{`back\slash`, `back\\slash`},
		{`a,"b"`, `a,"b"`},
	}
	for _, tc := range cases {
		if got := string(AppendTSVEscaped([]byte("x"), []byte(tc.in))); got != "x"+tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, "x"+tc.want)
		}
	}
}
