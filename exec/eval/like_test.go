package eval

import (
	"math"
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestLikePatterns(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		kind    likeKind
		match   []string
		noMatch []string
	}{
		{"abc", likeExact, []string{"abc"}, []string{"ab", "abcd", "ABC", ""}},
		{"", likeExact, []string{""}, []string{"a"}},
		{"%", likeAll, []string{"", "anything"}, nil},
		{"%%", likeAll, []string{"", "x"}, nil},
		{"PROMO%", likePrefix, []string{"PROMO", "PROMO BRUSHED"}, []string{"PROM", "xPROMO"}},
		{"%BRASS", likeSuffix, []string{"BRASS", "LARGE BRASS"}, []string{"BRASSY", "brass"}},
		{"%green%", likeContains, []string{"green", "dark green tea", "greenish"}, []string{"gren", "GREEN"}},
		{"%special%requests%", likeGeneral, []string{"specialrequests", "a special b requests c"}, []string{"requests special", "special request"}},
		{"%Customer%Complaints%", likeGeneral, []string{"xxCustomer yy Complaints zz"}, []string{"Complaints Customer"}},
		{"a_c", likeGeneral, []string{"abc", "aéc", "a_c"}, []string{"ac", "abbc", "abcd"}},
		{"_", likeGeneral, []string{"a", "é", "日"}, []string{"", "ab"}},
		{"a%b_", likeGeneral, []string{"abx", "a123bx", "abbb"}, []string{"ab", "a123b", "xabx"}},
		{"%a_b%", likeGeneral, []string{"aXb", "zzaéb", "ab ab aab"}, []string{"ab", "a__"}},
		{"%_é", likeGeneral, []string{"aé", "日é"}, []string{"é"}},
		{"a%%b", likeGeneral, []string{"ab", "axxb"}, []string{"a", "ba"}},
		{"%ab%abc", likeGeneral, []string{"ababc", "xabyyabc"}, []string{"abc", "ababcx"}},
		{`100\%`, likeExact, []string{"100%"}, []string{"100", "1000"}},
		{`a\_b`, likeExact, []string{"a_b"}, []string{"axb"}},
		{`a\\b%`, likePrefix, []string{`a\b`, `a\bc`}, []string{"ab"}},
		{"日本%", likePrefix, []string{"日本語"}, []string{"日"}},
	} {
		p, err := compileLikePattern([]byte(tc.pattern), false)
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if p.kind != tc.kind {
			t.Errorf("%q: kind %d, want %d", tc.pattern, p.kind, tc.kind)
		}
		for _, s := range tc.match {
			if !p.match([]byte(s)) {
				t.Errorf("%q should match %q", tc.pattern, s)
			}
		}
		for _, s := range tc.noMatch {
			if p.match([]byte(s)) {
				t.Errorf("%q should not match %q", tc.pattern, s)
			}
		}
	}
	for _, bad := range []string{`abc\`, `a\bc`} {
		if _, err := compileLikePattern([]byte(bad), false); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func like(x, p planner.Expr, negated, ci bool) *planner.Like {
	return &planner.Like{X: x, Pattern: p, Negated: negated, CaseInsensitive: ci}
}

func TestLikeEval(t *testing.T) {
	s := in(tStr, "PROMO BRUSHED", "promo x", nil, "STANDARD", "ÉCOLE")
	runCases(t, []evalCase{
		{expr: like(col(0, tStr), lit("PROMO%", tStr), false, false), in: []input{s}, want: rows("true", "false", "NULL", "false", "false")},
		{expr: like(col(0, tStr), lit("PROMO%", tStr), true, false), in: []input{s}, want: rows("false", "true", "NULL", "true", "true")},
		{expr: like(col(0, tStr), lit("promo%", tStr), false, true), in: []input{s}, want: rows("true", "true", "NULL", "false", "false")},
		{expr: like(col(0, tStr), lit("é%", tStr), false, true), in: []input{s}, want: rows("false", "false", "NULL", "false", "true")},
		{expr: like(col(0, tLStr), lit("%AN%", tStr), false, false), in: []input{in(tLStr, "STANDARD", "x", nil)}, want: rows("true", "false", "NULL")},
		{name: "pattern column", expr: like(col(0, tStr), col(1, tStr), false, false),
			in: []input{in(tStr, "abc", "abc", "abc", "x"), in(tStr, "a%", "a%", "%d", nil)}, want: rows("true", "true", "false", "NULL")},
		{name: "bad pattern column", expr: like(col(0, tStr), col(1, tStr), false, false), in: []input{in(tStr, "abc"), in(tStr, `a\`)}, err: "escape"},
		{name: "bad literal pattern", expr: like(col(0, tStr), lit(`a\x`, tStr), false, false), in: []input{in(tStr, "abc")}, err: "escape"},
		{name: "NULL pattern", expr: like(col(0, tStr), lit(nil, tNull), false, false), in: []input{in(tStr, "abc")}, want: rows("NULL")},
	})
}

func TestInList(t *testing.T) {
	list := func(x planner.Expr, negated bool, items ...planner.Expr) *planner.InList {
		return &planner.InList{X: x, List: items, Negated: negated}
	}
	ints := func(vals ...int) []planner.Expr {
		out := make([]planner.Expr, len(vals))
		for i, v := range vals {
			out[i] = lit(v, tI64)
		}
		return out
	}
	x := col(0, tI64)
	runCases(t, []evalCase{
		{expr: list(x, false, ints(1, 3)...), in: []input{in(tI64, 1, 2, 3, nil)}, want: rows("true", "false", "true", "NULL")},
		{expr: list(x, true, ints(1, 3)...), in: []input{in(tI64, 1, 2, 3, nil)}, want: rows("false", "true", "false", "NULL")},
		{name: "hashed", expr: list(x, false, ints(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)...), in: []input{in(tI64, 11, 12, nil)}, want: rows("true", "false", "NULL")},
		{name: "NULL in list", expr: list(x, false, lit(1, tI64), lit(nil, tI64)), in: []input{in(tI64, 1, 2, nil)}, want: rows("true", "NULL", "NULL")},
		{name: "NOT IN with NULL", expr: list(x, true, lit(1, tI64), lit(nil, tI64)), in: []input{in(tI64, 1, 2)}, want: rows("false", "NULL")},
		{name: "strings", expr: list(col(0, tStr), false, lit("MAIL", tStr), lit("SHIP", tStr)), in: []input{in(tStr, "MAIL", "AIR", nil, "SHIP")},
			want: rows("true", "false", "NULL", "true")},
		{name: "many strings", expr: list(col(0, tStr), false, lit("a", tStr), lit("b", tStr), lit("c", tStr), lit("d", tStr), lit("e", tStr),
			lit("f", tStr), lit("g", tStr), lit("h", tStr), lit("i", tStr), lit("13", tStr)), in: []input{in(tStr, "13", "1", "i")}, want: rows("true", "false", "true")},
		{name: "large strings", expr: list(col(0, tLStr), false, lit("a", tLStr)), in: []input{in(tLStr, "a", "b")}, want: rows("true", "false")},
		{name: "decimals", expr: list(col(0, tDec152), false, lit("0.05", tDec152), lit("0.07", tDec152)), in: []input{in(tDec152, "0.07", "0.06")},
			want: rows("true", "false")},
		{name: "dates", expr: list(col(0, tDate), false, lit("2020-01-01", tDate)), in: []input{in(tDate, "2020-01-01", "2020-01-02")}, want: rows("true", "false")},
		{name: "doubles", expr: list(col(0, tF64), false, lit(1.5, tF64), lit(0.0, tF64)), in: []input{in(tF64, 1.5, math.Copysign(0, -1), 2.0)}, want: rows("true", "true", "false")},
		{name: "bools", expr: list(col(0, tBool), false, lit(true, tBool)), in: []input{in(tBool, true, false)}, want: rows("true", "false")},
		{name: "column elements", expr: list(x, false, col(1, tI64), lit(5, tI64)), in: []input{in(tI64, 1, 5, 2, 3), in(tI64, 1, 0, nil, 4)},
			want: rows("true", "true", "NULL", "false")},
		{name: "int column, bigint list", expr: list(col(0, tI32), false, lit(5000000000, tI64), lit(1, tI64)), in: []input{in(tI32, 1, 2)}, want: rows("true", "false")},
	})
}
