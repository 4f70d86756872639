package ember

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// TestColumnFunctions checks each Column method and function against the
// value SQL gives for the same expression.
func TestColumnFunctions(t *testing.T) {
	s := newTestSession(t)
	one := s.SQL("SELECT 'Ab c' AS s, -7 AS i, 2.5 AS d, DATE '2024-02-29' AS day, CAST(NULL AS INT) AS n")
	cases := []struct {
		col  Column
		want string
	}{
		{Upper("s"), "AB C"},
		{Lower(Col("s")), "ab c"},
		{Trim(Lit("  x ")), "x"},
		{LTrim(Lit("  x ")), "x "},
		{RTrim(Lit("  x ")), "  x"},
		{Length("s"), "4"},
		{Substring("s", 2, 2), "b "},
		{Concat("s", Lit("!"), Col("i").Cast("string")), "Ab c!-7"},
		{Abs("i"), "7"},
		{Round(Col("d").Mul(3), 0), "8"},
		{Floor("d"), "2"},
		{Ceil("d"), "3"},
		{Year("day"), "2024"},
		{Month("day"), "2"},
		{DayOfMonth("day"), "29"},
		{Coalesce(Col("n"), Col("i"), 0), "-7"},
		{Call("nullif", Col("i"), -7), "NULL"},
		{Col("i").Add(1).Sub(2).Mul(3).Div(4), "-6"},
		{Col("i").Mod(4), "-3"},
		{Col("i").Negate(), "7"},
		{Col("n").IsNull().And(Col("i").Lt(0), Col("d").Le(2.5)), "true"},
		{Col("n").Eq(1).Or(Col("i").Neq(-7)), "NULL"},
		{Col("i").Gt(0).Or(Col("d").Ge(3), Col("s").Like("A%")), "true"},
		{Col("day").Add(Expr("interval '1' day")), "2024-03-01 00:00:00 +0000 UTC"},
		{DateLit("2024-01-01").Lt(Col("day")), "true"},
		{DecimalLit("0.10").Add(DecimalLit("0.20")), "0.30"},
		{Lit(int64(5)).Add(Lit(uint8(1))).Add(Lit(float32(0.5))), "6.5"},
		{Lit(math.MaxInt64).Sub(Lit(int64(math.MaxInt64))), "0"},
		{Lit(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)), "2024-01-02 03:04:05 +0000 UTC"},
		{Lit(true).And(Lit(nil)), "NULL"},
		{Col("s").IsIn("x", "Ab c"), "true"},
		{Col("i").Between(-10, -7), "true"},
		{Col("i").Cast("decimal(5,1)"), "-7.0"},
		{When(Col("i").Gt(0), "pos").Otherwise("neg"), "neg"},
		{When(Col("i").Gt(0), "pos"), "NULL"},
	}
	for _, c := range cases {
		t.Run(c.col.String(), func(t *testing.T) {
			expectRows(t, one.Select(c.col.Alias("v")), c.want)
		})
	}
	if Col("a").Add(1).String() != "(a + 1)" || Sum("x").Alias("s").String() != "s" {
		t.Errorf("names: %s, %s", Col("a").Add(1), Sum("x").Alias("s"))
	}
	for _, bad := range []Column{
		Col(""), Col("`a"), Lit(uint64(math.MaxUint64)), Lit([]int{1}), DateLit("2024-13-01"), DecimalLit("x"),
		Col("a").Cast("no such type"), Col("a").IsIn(), Rand(1, 2), Lag("a", 1, 0, 0),
		When(Col("a").Gt(1), 1).Otherwise(2).Otherwise(3), Col("a").Otherwise(1),
	} {
		if bad.Err() == nil {
			t.Errorf("%s: no error", bad)
		}
		expectErr(t, one.Select(bad), "")
	}
}

func TestSmallDataFrameMethods(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	df := people(s)
	expectRows(t, df.Where("Age = 2").Sort(Col("Name")).Select("Name"), "Bob")
	expectRows(t, df.Select("Team").UnionAll(df.Select("Team")).Agg(Count("*")), "8")
	expectRows(t, df.GroupBy("Team").Mean("Age").OrderBy("Team"), "x|2", "y|2")
	expectRows(t, df.GroupBy("Team").Avg("Age").OrderBy("Team"), "x|2", "y|2")
	expectRows(t, df.GroupBy("Team").Max("Age").OrderBy("Team"), "x|3", "y|2")
	expectRows(t, df.GroupBy("Team").Sum("Age").OrderBy("Team"), "x|4", "y|2")
	expectErr(t, df.GroupBy("Team").Sum(), "at least one column")
	expectErr(t, df.Agg(), "at least one aggregate")
	expectErr(t, df.Select(), "at least one column")
	expectErr(t, df.OrderBy(), "at least one column")
	expectErr(t, df.Drop("Name", "Age", "Team"), "every column")
	expectErr(t, df.Filter(42), "Column or SQL text")
	expectErr(t, df.Alias(" "), "empty name")
	expectErr(t, df.Offset(-1), "negative")
	expectErr(t, df.Join(nil, "Name", "inner"), "nil DataFrame")
	expectErr(t, df.Union(nil), "nil DataFrame")
	expectErr(t, df.UnionByName(nil), "nil DataFrame")
	expectErr(t, df.Intersect(nil), "nil DataFrame")
	expectErr(t, df.Join(df, 3, "inner"), "on must be")
	expectErr(t, df.Join(df, []string{}, "inner"), "empty list")
	if got := strings.Join(df.Persist().Columns(), ","); got != "Name,Age,Team" {
		t.Errorf("Persist columns: %s", got)
	}
	if df.Plan() == nil || df.Select("nope").Plan() != nil || df.Select("nope").Schema() != nil || df.Select("nope").Columns() != nil {
		t.Error("Plan/Schema/Columns of a good and a broken DataFrame")
	}
	var buf bytes.Buffer
	if err := df.WriteSchema(&buf); err != nil || !strings.HasPrefix(buf.String(), "root\n |-- Name: varchar") {
		t.Errorf("WriteSchema: %v %q", err, buf.String())
	}
	if !strings.HasPrefix(df.Select("nope").SchemaString(), "error: ") {
		t.Error("the schema of a broken DataFrame does not say error")
	}
	buf.Reset()
	big := s.Range(0, 30, 1, 2)
	if err := big.ShowTo(ctx, &buf, 0); err != nil || !strings.Contains(buf.String(), "(20 rows)") {
		t.Errorf("Show's default of 20 rows: %v\n%s", err, buf.String())
	}
	for _, mode := range []string{"verbose", "physical", "extended"} {
		out, err := df.Filter(Col("Age").Gt(1)).Explain(ctx, mode)
		if err != nil || !strings.Contains(out, "Scan") {
			t.Errorf("Explain(%s): %v\n%s", mode, err, out)
		}
	}
	if _, err := df.Select("nope").Explain(ctx, ""); err == nil {
		t.Error("Explain of a broken DataFrame gave no error")
	}
	if _, err := df.Take(ctx, -1); err == nil {
		t.Error("Take(-1) gave no error")
	}
	rows, err := df.OrderBy("Name").Take(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if r.Len() != 3 || r.Schema().Field(0).Name != "Name" || r.Get(9) != nil || r.GetAs("nope") != nil {
		t.Errorf("row accessors: %v", r.Values())
	}
	if v, err := r.Float64(1); err != nil || v != 1 {
		t.Errorf("Row.Float64: %v %v", v, err)
	}
	if v, err := r.String(0); err != nil || v != "Alice" {
		t.Errorf("Row.String: %v %v", v, err)
	}
	if _, err := r.Int64(0); err == nil {
		t.Error("Row.Int64 of a string gave no error")
	}
	if err := df.Write().PartitionBy("Team").SaveAsTable(ctx, "t"); err == nil {
		t.Error("SaveAsTable with PartitionBy gave no error")
	}
	if err := df.Write().Mode("ignore").SaveAsTable(ctx, "t"); err != nil {
		t.Fatal(err)
	}
	if err := df.Select("Name").Write().Mode("ignore").SaveAsTable(ctx, "t"); err != nil {
		t.Fatal(err)
	}
	if err := df.Select("Name").Write().Mode("append").SaveAsTable(ctx, "t"); err == nil {
		t.Error("appending other columns gave no error")
	}
	expectRows(t, s.Table("t").Agg(Count("*")), "4")
}

// TestMoreFunctions checks the wrappers of functions_more.go against the
// values of the same SQL functions.
func TestMoreFunctions(t *testing.T) {
	s := newTestSession(t)
	one := s.SQL("SELECT 'hello world' AS s, 16 AS i, DATE '2024-02-10' AS day, TIMESTAMP '2024-02-10 13:45:30' AS ts, CAST(NULL AS INT) AS n")
	cases := []struct {
		col  Column
		want string
	}{
		{Replace("s", "o", "0"), "hell0 w0rld"},
		{Translate("s", "lo", "L"), "heLL wrLd"},
		{Lpad(Lit("7"), 3, "0"), "007"},
		{Rpad(Lit("7"), 3, "-"), "7--"},
		{Reverse("s"), "dlrow olleh"},
		{Repeat(Lit("ab"), 2), "abab"},
		{InitCap("s"), "Hello World"},
		{Instr("s", "wor"), "7"},
		{SplitPart("s", " ", 2), "world"},
		{RegexpReplace("s", "(o)", "[$1]"), "hell[o] w[o]rld"},
		{Col("s").StartsWith("hell").And(Col("s").EndsWith("ld"), Col("s").Contains("o w"), Col("s").RLike("^h.*d$")), "true"},
		{Sqrt("i"), "4"},
		{Pow("i", 0.5), "4"},
		{Round(Exp(Lit(0)), 0), "1"},
		{Log(Lit(1)), "0"},
		{Log10(Lit(1000)), "3"},
		{Log2("i"), "4"},
		{Signum(Lit(-3)), "-1"},
		{Greatest(Col("i"), 3, Col("n")), "16"},
		{Least(Col("i"), 3, Col("n")), "3"},
		{CurrentDate().IsNotNull().And(CurrentTimestamp().IsNotNull()), "true"},
		{DateAdd("day", 20), "2024-03-01 00:00:00 +0000 UTC"},
		{DateSub("day", 10), "2024-01-31 00:00:00 +0000 UTC"},
		{DateDiff(DateLit("2024-03-01"), "day"), "20"},
		{AddMonths("day", 1), "2024-03-10 00:00:00 +0000 UTC"},
		{DateTrunc("month", "ts"), "2024-02-01 00:00:00 +0000 UTC"},
		{ToDate(Lit("10/02/2024"), "dd/MM/yyyy"), "2024-02-10 00:00:00 +0000 UTC"},
		{ToTimestamp(Lit("2024-02-10 01:02:03")), "2024-02-10 01:02:03 +0000 UTC"},
		{DateFormat("ts", "yyyy-MM-dd HH:mm"), "2024-02-10 13:45"},
		{LastDay("day"), "2024-02-29 00:00:00 +0000 UTC"},
		{DayOfWeek("day"), "7"},
		{DayOfYear("day"), "41"},
		{WeekOfYear("day"), "6"},
		{Quarter("day"), "1"},
		{Hour("ts").Mul(10000).Add(Minute("ts").Mul(100)).Add(Second("ts")), "134530"},
		{MakeDate(2024, 2, 29), "2024-02-29 00:00:00 +0000 UTC"},
		{Nvl("n", 5), "5"},
	}
	for _, c := range cases {
		t.Run(c.col.String(), func(t *testing.T) {
			expectRows(t, one.Select(c.col.Alias("v")), c.want)
		})
	}
	// A string that is not a date fails when the query runs (ANSI mode).
	if _, err := one.Select(ToDate(Lit("not a date"))).Collect(context.Background()); err == nil {
		t.Error("to_date of a bad string gave no error")
	}
}
