package eval

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

func TestTextFunctions(t *testing.T) {
	s := col(0, tStr)
	str := func(v string) planner.Expr { return lit(v, tStr) }
	i32 := func(v int) planner.Expr { return lit(v, tI32) }
	runCases(t, []evalCase{
		{expr: fn("replace", tStr, s, str("o"), str("0")), in: []input{in(tStr, "foo", "", nil, "日o")}, want: rows("f00", "", "NULL", "日0")},
		{name: "replace, empty search", expr: fn("replace", tStr, s, str(""), str("x")), in: []input{in(tStr, "ab")}, want: rows("ab")},
		{name: "replace, two arguments", expr: fn("replace", tStr, s, str("an")), in: []input{in(tStr, "banana")}, want: rows("ba")},
		{name: "replace, column arguments", expr: fn("replace", tStr, s, col(1, tStr), col(2, tStr)),
			in: []input{in(tStr, "abcabc", "abc", "abc"), in(tStr, "b", nil, "c"), in(tStr, "XY", "z", nil)}, want: rows("aXYcaXYc", "NULL", "NULL")},
		{expr: fn("translate", tStr, s, str("ab日"), str("x")), in: []input{in(tStr, "abc日", "b", nil)}, want: rows("xc", "", "NULL")},
		{name: "translate, first occurrence wins", expr: fn("translate", tStr, s, str("aa"), str("xy")), in: []input{in(tStr, "aba")}, want: rows("xbx")},
		{expr: fn("lpad", tStr, s, i32(5), str("ab")), in: []input{in(tStr, "hi", "hello!", "", nil)}, want: rows("abahi", "hello", "ababa", "NULL")},
		{expr: fn("rpad", tStr, s, i32(4), str("é")), in: []input{in(tStr, "日本", "x")}, want: rows("日本éé", "xééé")},
		{name: "lpad default pad", expr: fn("lpad", tStr, s, i32(3)), in: []input{in(tStr, "a")}, want: rows("  a")},
		{name: "lpad, empty pad cuts", expr: fn("lpad", tStr, s, i32(2), str("")), in: []input{in(tStr, "abc", "a")}, want: rows("ab", "a")},
		{name: "lpad, negative length", expr: fn("lpad", tStr, s, col(1, tI32), str("x")), in: []input{in(tStr, "abc", "abc"), in(tI32, -1, nil)}, want: rows("", "NULL")},
		{name: "lpad too long", expr: fn("lpad", tStr, s, i32(2000000000), str("x")), in: []input{in(tStr, "a")}, err: "too long"},
		{expr: fn("left", tStr, s, i32(2)), in: []input{in(tStr, "hello", "日本語", "a", nil)}, want: rows("he", "日本", "a", "NULL")},
		{expr: fn("right", tStr, s, i32(2)), in: []input{in(tStr, "hello", "日本語", "a")}, want: rows("lo", "本語", "a")},
		{name: "left and right of <= 0", expr: fn("concat", tStr, fn("left", tStr, s, i32(0)), fn("right", tStr, s, i32(-1))), in: []input{in(tStr, "abc")}, want: rows("")},
		{expr: fn("repeat", tStr, s, col(1, tI32)), in: []input{in(tStr, "ab", "x", "y", nil), in(tI32, 3, 0, -1, 2)}, want: rows("ababab", "", "", "NULL")},
		{name: "repeat too long", expr: fn("repeat", tStr, s, i32(1000000000)), in: []input{in(tStr, "abc")}, err: "too long"},
		{expr: fn("reverse", tStr, s), in: []input{in(tStr, "abc", "日本語x", "", nil, "a\xffb")}, want: rows("cba", "x語本日", "", "NULL", "b\xffa")},
		{expr: fn("initcap", tStr, s), in: []input{in(tStr, "hello wORLD  x", "éCOLE", "", "a-b c")}, want: rows("Hello World  X", "École", "", "A-b C")},
		{expr: fn("split_part", tStr, s, str(","), col(1, tI32)),
			in:   []input{in(tStr, "a,b,c", "a,b,c", "a,b,c", "a,b,c", "a,,c", "", "a,b"), in(tI32, 1, 3, 4, -1, 2, 1, -3)},
			want: rows("a", "c", "", "c", "", "", "")},
		{name: "split_part, overlapping delimiter from the end", expr: fn("split_part", tStr, s, str("aa"), i32(-1)), in: []input{in(tStr, "aaa")}, want: rows("a")},
		{name: "split_part, empty delimiter", expr: fn("split_part", tStr, s, str(""), col(1, tI32)), in: []input{in(tStr, "abc", "abc", "abc"), in(tI32, 1, -1, 2)}, want: rows("abc", "abc", "")},
		{name: "split_part 0", expr: fn("split_part", tStr, s, str(","), i32(0)), in: []input{in(tStr, "a")}, err: "must not be 0"},
		{name: "split_part 0 under NULL", expr: fn("split_part", tStr, s, str(","), i32(0)), in: []input{in(tStr, nil)}, want: rows("NULL")},
		{expr: fn("chr", tStr, col(0, tI64)), in: []input{in(tI64, 65, 233, 321, -1, 0, nil)}, want: rows("A", "é", "A", "", "\x00", "NULL")},
		{expr: fn("instr", tI32, s, str("語")), in: []input{in(tStr, "日本語", "abc", nil)}, want: rows("3", "0", "NULL")},
		{name: "instr of empty", expr: fn("instr", tI32, s, str("")), in: []input{in(tStr, "abc", "")}, want: rows("1", "1")},
		{expr: fn("position", tI32, str("l"), s, col(1, tI64)), in: []input{in(tStr, "hello", "hello", "hello", "hello", "日l日l"), in(tI64, 1, 4, 0, 9, 3)},
			want: rows("3", "4", "0", "0", "4")},
		{name: "position, default start", expr: fn("position", tI32, str("lo"), s), in: []input{in(tStr, "hello")}, want: rows("4")},
		{expr: fn("ascii", tI32, s), in: []input{in(tStr, "A", "", "é", nil)}, want: rows("65", "0", "233", "NULL")},
		{expr: fn("starts_with", tBool, s, str("ab")), in: []input{in(tStr, "abc", "b", nil)}, want: rows("true", "false", "NULL")},
		{expr: fn("ends_with", tBool, s, col(1, tStr)), in: []input{in(tStr, "abc", "abc", "x"), in(tStr, "bc", "", nil)}, want: rows("true", "true", "NULL")},
		{expr: fn("contains", tBool, s, str("日")), in: []input{in(tStr, "a日b", "ab")}, want: rows("true", "false")},
		{expr: fn("regexp_like", tBool, s, str("^a.c$")), in: []input{in(tStr, "abc", "abcd", nil, "a日c")}, want: rows("true", "false", "NULL", "true")},
		{name: "regexp_like, column patterns", expr: fn("regexp_like", tBool, s, col(1, tStr)),
			in: []input{in(tStr, "abc", "abc", "xyz", "x"), in(tStr, "b", "b", "^y", nil)}, want: rows("true", "true", "false", "NULL")},
		{name: "regexp_like, bad pattern", expr: fn("regexp_like", tBool, s, str("(")), in: []input{in(tStr, "a")}, err: "invalid regular expression"},
		{name: "regexp_like, bad column pattern", expr: fn("regexp_like", tBool, s, col(1, tStr)), in: []input{in(tStr, "a"), in(tStr, "[")}, err: "invalid regular expression"},
		{expr: fn("regexp_replace", tStr, s, str("([0-9]+)"), str("<$1>")), in: []input{in(tStr, "a1b22", "none", nil)}, want: rows("a<1>b<22>", "none", "NULL")},
		{name: "regexp_replace, Java group digits", expr: fn("regexp_replace", tStr, s, str("(a)"), str("$10\\$")), in: []input{in(tStr, "ab")}, want: rows("a0$b")},
		{name: "regexp_replace, column replacement", expr: fn("regexp_replace", tStr, s, col(1, tStr), col(2, tStr)),
			in: []input{in(tStr, "abc", "abc", "abc"), in(tStr, "(b)", "(b)", "c"), in(tStr, "[$1]", "-", "$0$0")}, want: rows("a[b]c", "a-c", "abcc")},
		{name: "regexp_replace, literal pattern", expr: fn("regexp_replace", tStr, s, str(`\.`), str("\\$")), in: []input{in(tStr, "a.b.", "", nil)}, want: rows("a$b$", "", "NULL")},
		{name: "regexp_replace, empty pattern", expr: fn("regexp_replace", tStr, s, str(""), str("-")), in: []input{in(tStr, "ab")}, want: rows("-a-b-")},
		{name: "regexp_replace, missing group", expr: fn("regexp_replace", tStr, s, str("b"), str("$1")), in: []input{in(tStr, "abc")}, err: "no group 1"},
		{name: "large string input", expr: fn("reverse", tStr, col(0, tLStr)), in: []input{in(tLStr, "ab", nil)}, want: rows("ba", "NULL")},
		{name: "NULL literal argument", expr: fn("lpad", tStr, s, lit(nil, tNull), str("x")), in: []input{in(tStr, "a")}, want: rows("NULL")},
	})
}

func TestJavaReplacement(t *testing.T) {
	for _, tc := range []struct {
		in     string
		groups int
		want   string
		err    bool
	}{
		{in: "x", want: "x"},
		{in: "$1", groups: 1, want: "${1}"},
		{in: "$12", groups: 1, want: "${1}2"},
		{in: "$12", groups: 12, want: "${12}"},
		{in: "${name}", groups: 1, want: "${name}"},
		{in: `\$1`, groups: 1, want: "$$1"},
		{in: `\\`, want: `\`},
		{in: "$", err: true},
		{in: `a\`, err: true},
		{in: "$x", err: true},
		{in: "$2", groups: 1, err: true},
	} {
		got, err := javaReplacement([]byte(tc.in), tc.groups)
		if tc.err != (err != nil) || string(got) != tc.want {
			t.Errorf("javaReplacement(%q, %d) = %q, %v", tc.in, tc.groups, got, err)
		}
	}
}

// TestFunctionsAllocatePerBatch checks that the new kernels allocate per
// batch, not per row: a batch 64 times longer costs at most a few more
// allocations (buffers growing), not thousands.
func TestFunctionsAllocatePerBatch(t *testing.T) {
	str := func(v string) planner.Expr { return lit(v, tStr) }
	exprs := []planner.Expr{
		fn("lpad", tStr, col(0, tStr), lit(12, tI32), str("xy")),
		fn("split_part", tStr, col(0, tStr), str("-"), lit(2, tI32)),
		fn("translate", tStr, col(0, tStr), str("abc"), str("xy")),
		fn("initcap", tStr, col(0, tStr)),
		fn("instr", tI32, col(0, tStr), str("7")),
		fn("contains", tBool, col(0, tStr), str("-1")),
		fn("sqrt", tF64, col(1, tF64)),
		fn("ln", tF64, col(1, tF64)),
		fn("greatest", tF64, col(1, tF64), lit(100, tF64)),
		fn("greatest", tStr, col(0, tStr), str("m")),
		fn("date_trunc", tTS, str("month"), col(2, tTS)),
		fn("date_format", tStr, col(2, tTS), str("yyyy-MM-dd HH:mm")),
		fn("to_date", tDate, col(0, tStr), str("'row'-d-M")),
		fn("dayofweek", tI32, col(2, tTS)),
		fn("regexp_replace", tStr, col(0, tStr), str("-"), str("+")),
		fn("if", tF64, cmpE(planner.OpGt, col(1, tF64), lit(10, tF64)), col(1, tF64), lit(0, tF64)),
	}
	mem := memory.NewGoAllocator()
	batch := func(n int) arrow.RecordBatch {
		s := make([]any, n)
		f := make([]any, n)
		ts := make([]any, n)
		for i := range s {
			s[i] = fmt.Sprintf("row-%d-%d", i%28+1, i%12+1)
			f[i] = float64(i) - 5
			ts[i] = arrow.Timestamp(int64(i) * 3_600_000_000)
		}
		cols := []arrow.Array{build(mem, tStr, s...), build(mem, tF64, f...), build(mem, tTS, ts...)}
		schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: tStr}, {Name: "f", Type: tF64}, {Name: "t", Type: tTS}}, nil)
		return array.NewRecordBatch(schema, cols, int64(n))
	}
	small, large := batch(64), batch(64*64)
	for _, e := range exprs {
		ev, err := Compile(e, small.Schema())
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		allocs := func(b arrow.RecordBatch) float64 {
			return testing.AllocsPerRun(3, func() {
				out, err := ev.Eval(mem, b)
				if err != nil {
					t.Fatalf("%s: %v", e, err)
				}
				out.Release()
			})
		}
		if a, b := allocs(small), allocs(large); b > a+16 {
			t.Errorf("%s: %.0f allocations for 64 rows, %.0f for 4096", e, a, b)
		}
	}
}
