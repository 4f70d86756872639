package ember

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// newTestSession is a session over a checked allocator that must be back
// to zero when the test ends.
func newTestSession(t *testing.T, opts ...Option) *Session {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	s, err := NewSession(context.Background(), append([]Option{WithAllocator(mem)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		mem.AssertSize(t, 0)
	})
	return s
}

// rowsOf runs df and renders its rows as text, one string per row with
// cells joined by "|" (NULL as "NULL").
func rowsOf(t *testing.T, df *DataFrame) []string {
	t.Helper()
	rows, err := df.Rows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var cells []string
		for _, v := range rows.Row().Values() {
			if v == nil {
				cells = append(cells, "NULL")
			} else {
				cells = append(cells, fmt.Sprint(v))
			}
		}
		out = append(out, strings.Join(cells, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func expectRows(t *testing.T, df *DataFrame, want ...string) {
	t.Helper()
	got := rowsOf(t, df)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func expectErr(t *testing.T, df *DataFrame, fragments ...string) {
	t.Helper()
	if df.Err() == nil {
		t.Fatalf("no error; want one containing %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(df.Err().Error(), f) {
			t.Errorf("error %q does not contain %q", df.Err(), f)
		}
	}
	if _, err := df.Collect(context.Background()); err == nil || err.Error() != df.Err().Error() {
		t.Errorf("Collect returned %v, want the DataFrame's error", err)
	}
}

func people(s *Session) *DataFrame {
	return s.CreateDataFrame([][]any{{"Alice", 1, "x"}, {"Bob", 2, "y"}, {"Charlie", 3, "x"}, {"Dan", nil, "y"}}, "Name", "Age", "Team")
}

func TestSelectFilterWithColumn(t *testing.T) {
	s := newTestSession(t)
	df := people(s)
	expectRows(t, df.Select("Name", Col("Age").Mul(10).Alias("a10")).Filter(Col("a10").Ge(20)).OrderBy("Name"),
		"Bob|20", "Charlie|30")
	expectRows(t, df.Filter("Age < 2 OR Age IS NULL").Select("Name").OrderBy("Name"), "Alice", "Dan")
	expectRows(t, df.Where(Col("Age").IsNotNull()).SelectExpr("upper(Name) AS n", "Age + 1").OrderBy(Col("n").Desc()),
		"CHARLIE|4", "BOB|3", "ALICE|2")
	// WithColumn replaces a column in place, or appends a new one.
	expectRows(t, df.WithColumn("Age", Coalesce(Col("Age"), 0)).WithColumn("Old", Col("Age").Gt(1)).Drop("Team").OrderBy("Name"),
		"Alice|1|false", "Bob|2|true", "Charlie|3|true", "Dan|0|false")
	if got := df.WithColumnRenamed("Age", "Years").Columns(); strings.Join(got, ",") != "Name,Years,Team" {
		t.Errorf("WithColumnRenamed: %v", got)
	}
	if got := df.WithColumnRenamed("Nope", "X").Columns(); strings.Join(got, ",") != "Name,Age,Team" {
		t.Errorf("renaming a missing column changed the columns: %v", got)
	}
	if got := df.Drop("Nope", "team").Columns(); strings.Join(got, ",") != "Name,Age" {
		t.Errorf("Drop: %v", got)
	}
	expectRows(t, df.Select(When(Col("Age").Lt(2), "young").When(Col("Age").Lt(3), "mid").Otherwise("old").Alias("g"), "Name").OrderBy("Name"),
		"young|Alice", "mid|Bob", "old|Charlie", "old|Dan")
	expectRows(t, df.Filter(Col("Name").Like("%a%").Or(Col("Age").IsIn(1, 2))).Select("Name").OrderBy("Name"),
		"Alice", "Bob", "Charlie", "Dan")
	expectRows(t, df.Filter(Col("Age").Between(2, 3).And(Not(Col("Name").Eq("Bob")))).Select("Name"), "Charlie")
	expectRows(t, df.Select(Col("Age").Cast("string").Alias("s"), Col("Age").Div(2).Alias("h")).Filter(Col("s").Eq("3")), "3|1.5")
}

func TestAnalysisErrorsNameTheColumn(t *testing.T) {
	s := newTestSession(t)
	df := people(s)
	bad := df.Select("Nmae")
	expectErr(t, bad, `"Nmae" not found`, "Name, Age, Team")
	// The error carries through later transformations and actions.
	later := bad.Filter(Col("Age").Gt(1)).GroupBy("Team").Count()
	expectErr(t, later, `"Nmae" not found`)
	if _, err := later.Count(context.Background()); err == nil {
		t.Error("Count of a broken DataFrame gave no error")
	}
	expectErr(t, df.Filter(Col("Name").Add(1)), "")
	expectErr(t, df.Filter("Age >"), "cannot parse expression")
	expectErr(t, df.Filter(Col("Age")), "WHERE condition")
	expectErr(t, df.Join(people(s), "Nope", "inner"), `"Nope" not found on the left side`)
	expectErr(t, df.Join(people(s), "Name", "sideways"), "unknown join type")
	expectErr(t, df.Join(people(s), nil, "inner"), "needs a condition")
	expectErr(t, df.Select(Col("a..b")), "empty part")
	expectErr(t, df.Select(Lit(struct{}{})), "cannot make a SQL constant")
	expectErr(t, df.Limit(-1), "negative")
	expectErr(t, df.Repartition(0), "at least 1")
	expectErr(t, df.UnionByName(df.Select("Name")), "3 columns")
	expectErr(t, df.Select(Col("Age").When(Col("Age").Gt(1), 1)), "started with When")
	expectErr(t, s.Table("missing"), `"missing" not found`)
	expectErr(t, s.SQL("select nope"), "line 1:8")
	expectErr(t, df.Select("Name").Filter(Col("Age").Gt(1)), `"Age" not found; available: Name`)
}

func TestGroupByAndAgg(t *testing.T) {
	s := newTestSession(t)
	df := people(s)
	expectRows(t, df.GroupBy("Team").Agg(Count("*").Alias("n"), Sum("Age").Alias("total"), Max("Name").Alias("last")).OrderBy("Team"),
		"x|2|4|Charlie", "y|2|2|Dan")
	expectRows(t, df.GroupBy(Col("Team")).Count().OrderBy("Team"), "x|2", "y|2")
	expectRows(t, df.GroupBy("Team").Min("Age").OrderBy("Team"), "x|1", "y|2")
	expectRows(t, df.Agg(Avg("Age"), CountDistinct("Team"), Count("Age"), First(Lit(7))), "2|2|3|7")
	n, err := df.Count(context.Background())
	if err != nil || n != 4 {
		t.Errorf("Count = %d, %v", n, err)
	}
	expectErr(t, df.GroupBy("Team").Agg(Col("Name")), "GROUP BY")
}

func TestJoins(t *testing.T) {
	s := newTestSession(t)
	l := s.CreateDataFrame([][]any{{1, "a"}, {2, "b"}, {3, "c"}}, "id", "l")
	r := s.CreateDataFrame([][]any{{2, "B"}, {3, "C"}, {4, "D"}}, "id", "r")
	cases := []struct {
		how  string
		want []string
	}{
		{"inner", []string{"2|b|B", "3|c|C"}},
		{"left", []string{"1|a|NULL", "2|b|B", "3|c|C"}},
		{"right", []string{"2|b|B", "3|c|C", "4|NULL|D"}},
		{"full", []string{"1|a|NULL", "2|b|B", "3|c|C", "4|NULL|D"}},
		{"semi", []string{"2|b", "3|c"}},
		{"anti", []string{"1|a"}},
	}
	for _, c := range cases {
		t.Run(c.how, func(t *testing.T) {
			expectRows(t, l.Join(r, "id", c.how).OrderBy("id"), c.want...)
		})
	}
	// A condition keeps both sides' columns; DataFrame.Col tells them apart.
	expectRows(t, l.Join(r, l.Col("id").Eq(r.Col("id")), "inner").Select(l.Col("id"), r.Col("id").Alias("rid"), "r").OrderBy(l.Col("id")),
		"2|2|B", "3|3|C")
	expectRows(t, l.Join(r, l.Col("id").Gt(r.Col("id")), "anti").Select("l").OrderBy("l"), "a", "b")
	expectRows(t, l.Join(r, nil, "cross").Count2(), "9")
	// A self-join needs aliases, as in SQL.
	a, b := l.Alias("a"), l.Alias("b")
	expectRows(t, a.Join(b, Col("a.id").Eq(Col("b.id").Sub(1)), "inner").Select("a.l", "b.l").OrderBy("a.l"), "a|b", "b|c")
	expectErr(t, l.Join(l, l.Col("id").Eq(l.Col("id")), "inner").Select("l"), "ambiguous")
}

// Count2 counts rows as a one-row DataFrame, for expectRows.
func (df *DataFrame) Count2() *DataFrame { return df.Agg(Count("*")) }

func TestOrderLimitDistinctSetOps(t *testing.T) {
	s := newTestSession(t)
	df := people(s)
	expectRows(t, df.OrderBy(Col("Age").Desc()).Select("Name"), "Charlie", "Bob", "Alice", "Dan")
	expectRows(t, df.OrderBy(Col("Age").Asc()).Select("Name"), "Dan", "Alice", "Bob", "Charlie")
	expectRows(t, df.OrderBy(Col("Age").AscNullsLast()).Select("Name").Limit(2), "Alice", "Bob")
	expectRows(t, df.OrderBy(Col("Age").DescNullsFirst()).Select("Name").Offset(1).Limit(1), "Charlie")
	expectRows(t, df.Select("Team").Distinct().OrderBy("Team"), "x", "y")
	expectRows(t, df.DropDuplicates("Team").Select("Team").OrderBy("Team"), "x", "y")
	expectErr(t, df.DropDuplicates("Nope"), `"Nope" not found`)
	t1 := s.CreateDataFrame([][]any{{1, "a"}, {2, "b"}, {2, "b"}}, "n", "s")
	t2 := s.CreateDataFrame([][]any{{"b", 2}, {"c", 3}}, "s", "n")
	expectRows(t, t1.Union(t1).Count2(), "6")
	expectRows(t, t1.UnionByName(t2).OrderBy("n"), "1|a", "2|b", "2|b", "2|b", "3|c")
	expectRows(t, t1.Intersect(t2.Select("n", "s")), "2|b")
	expectRows(t, t1.Except(t2.Select("n", "s")), "1|a")
	expectErr(t, t1.Union(t2.Select("n")), "")
}

func TestWindowFunctions(t *testing.T) {
	s := newTestSession(t)
	df := s.CreateDataFrame([][]any{{"x", 1, 10}, {"x", 2, 20}, {"x", 3, 20}, {"y", 1, 5}}, "g", "t", "v")
	w := Window().PartitionBy("g").OrderBy("t")
	expectRows(t, df.Select("g", "t",
		RowNumber().Over(w).Alias("rn"),
		Rank().Over(Window().PartitionBy("g").OrderBy(Col("v").Desc())).Alias("rk"),
		DenseRank().Over(Window().PartitionBy("g").OrderBy("v")).Alias("dr"),
		Lag("v", 1).Over(w).Alias("prev"),
		Lead("v", 1, 0).Over(w).Alias("next"),
		Sum("v").Over(w.RowsBetween(-1, CurrentRow)).Alias("s2"),
		Sum("v").Over(Window().PartitionBy("g").RowsBetween(UnboundedPreceding, UnboundedFollowing)).Alias("all"),
	).OrderBy("g", "t"),
		"x|1|1|3|1|NULL|20|10|50",
		"x|2|2|1|2|10|20|30|50",
		"x|3|3|1|2|20|0|40|50",
		"y|1|1|1|1|NULL|0|5|5")
	expectErr(t, df.Select(Col("v").Over(w)), "Over applies to")
	expectErr(t, df.Select(RowNumber().Over(w.RowsBetween(1, -1))), "starts")
}

func TestRowsTakeHeadShowSchema(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	df := people(s).OrderBy("Name")
	rows, err := df.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var ages []int64
	for rows.Next() {
		n, err := rows.String(0)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
		if rows.IsNull(1) {
			if _, err := rows.Int64(1); err == nil {
				t.Error("Int64 of NULL gave no error")
			}
			continue
		}
		a, err := rows.Int64(1)
		if err != nil {
			t.Fatal(err)
		}
		ages = append(ages, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if fmt.Sprint(names, ages) != "[Alice Bob Charlie Dan] [1 2 3]" {
		t.Errorf("rows: %v %v", names, ages)
	}
	top, err := df.Take(ctx, 2)
	if err != nil || len(top) != 2 || top[1].Get(0) != "Bob" || top[1].GetAs("Age") != int64(2) {
		t.Fatalf("Take: %v %v", top, err)
	}
	head, err := df.Head(ctx)
	if err != nil || head.Get(0) != "Alice" {
		t.Errorf("Head: %v %v", head, err)
	}
	if _, err := df.Filter(Lit(false)).Head(ctx); err == nil {
		t.Error("Head of no rows gave no error")
	}
	var buf bytes.Buffer
	if err := df.ShowTo(ctx, &buf, 2); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); !strings.Contains(out, "Alice") || !strings.Contains(out, "Bob") || strings.Contains(out, "Charlie") {
		t.Errorf("Show(2):\n%s", out)
	}
	if got := people(s).SchemaString(); got != "root\n |-- Name: varchar (nullable = true)\n |-- Age: bigint (nullable = true)\n |-- Team: varchar (nullable = true)\n" {
		t.Errorf("schema:\n%s", got)
	}
}

func TestExplainMatchesSQL(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	df := s.Table("nation").Filter(Col("n_regionkey").Eq(1)).Select("n_name")
	got, err := df.Explain(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Query(ctx, "EXPLAIN SELECT n_name FROM (SELECT * FROM nation WHERE n_regionkey = 1)")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := resultStrings(ctx, res, cellText)
	res.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range lines {
		want = append(want, l[0])
	}
	opt := func(s string) string { return s[strings.Index(s, "== Optimized"):] }
	if opt(got) != opt(strings.Join(want, "\n")+"\n") {
		t.Errorf("DataFrame explain:\n%s\nSQL explain:\n%s", got, strings.Join(want, "\n"))
	}
	if a, err := df.Explain(ctx, "analyze"); err != nil || !strings.Contains(a, "rows=") {
		t.Errorf("analyze: %v\n%s", err, a)
	}
	if _, err := df.Explain(ctx, "codegen"); err == nil {
		t.Error("unknown explain mode gave no error")
	}
}

func TestTempViewsAndSQL(t *testing.T) {
	s := newTestSession(t)
	df := people(s)
	if err := df.Filter(Col("Age").IsNotNull()).CreateOrReplaceTempView("adults"); err != nil {
		t.Fatal(err)
	}
	expectRows(t, s.SQL("SELECT Team, count(*) FROM adults GROUP BY Team ORDER BY Team"), "x|2", "y|1")
	expectRows(t, s.SQL("SELECT Name FROM adults WHERE Age > 1").OrderBy("Name"), "Bob", "Charlie")
	if err := df.CreateTempView("adults"); err == nil {
		t.Error("CreateTempView over an existing view gave no error")
	}
	expectRows(t, s.SQL("CREATE VIEW v AS SELECT 1 AS one"))
	expectRows(t, s.Table("v"), "1")
	if err := df.Write().SaveAsTable(context.Background(), "people"); err != nil {
		t.Fatal(err)
	}
	if err := df.Write().Mode("append").SaveAsTable(context.Background(), "people"); err != nil {
		t.Fatal(err)
	}
	expectRows(t, s.SQL("SELECT count(*) FROM people"), "8")
	if err := df.Write().SaveAsTable(context.Background(), "people"); err == nil {
		t.Error("SaveAsTable over an existing table gave no error")
	}
	if err := df.Write().Mode("overwrite").SaveAsTable(context.Background(), "people"); err != nil {
		t.Fatal(err)
	}
	expectRows(t, s.Table("people").Count2(), "4")
}

func TestRepartitionCacheRange(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	df := s.Range(0, 1000, 1, 4)
	expectRows(t, df.Repartition(3, "id").Agg(Count("*"), Sum("id")), "1000|499500")
	expectRows(t, df.Coalesce(1).Agg(Max("id")), "999")
	plan, err := df.Repartition(3, "id").Explain(ctx, "physical")
	if err != nil || !strings.Contains(plan, "3") {
		t.Errorf("repartition plan: %v\n%s", err, plan)
	}
	cached := df.Filter(Col("id").Mod(2).Eq(0)).Cache()
	expectRows(t, cached.Count2(), "500")
	expectRows(t, cached.Filter(Col("id").Lt(10)).Count2(), "5")
	cached.Unpersist()
	expectRows(t, cached.Count2(), "500")
	expectRows(t, s.Range(10, 0, -3, 2), "10", "7", "4", "1")
	expectErr(t, s.Range(0, 10, 0, 1), "step")
	r := s.Range(0, 100000, 1, 8).Select(Rand(7).Alias("r"))
	expectRows(t, r.Agg(Count("*"), Min("r").Ge(0), Max("r").Lt(1)), "100000|true|true")
	a, b := rowsOf(t, r.Agg(Sum("r"))), rowsOf(t, r.Agg(Sum("r")))
	if a[0] != b[0] {
		t.Errorf("rand(7) differs between runs: %s vs %s", a[0], b[0])
	}
}

func TestCreateDataFrame(t *testing.T) {
	s := newTestSession(t)
	type person struct {
		Name   string
		Age    int64 `ember:"age"`
		secret int
		Skip   string `ember:"-"`
	}
	df := s.CreateDataFrame([]person{{"Ann", 30, 1, "x"}, {"Ben", 40, 2, "y"}})
	if got := strings.Join(df.Columns(), ","); got != "Name,age" {
		t.Errorf("columns: %s", got)
	}
	expectRows(t, df.Agg(Avg("age")), "35")
	expectErr(t, s.CreateDataFrame([][]any{{1, 2}, {3}}, "a", "b"), "row")
	expectErr(t, s.CreateDataFrame([][]any{{1}}), "column names")
	expectErr(t, s.CreateDataFrame(42), "")
}
