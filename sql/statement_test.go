package sql

import (
	"testing"

	"github.com/ember-sql/ember/planner"
)

func TestBindStatements(t *testing.T) {
	t.Run("explain modes", func(t *testing.T) {
		for sql, mode := range map[string]ExplainMode{
			"explain select a from t":         ExplainDefault,
			"explain verbose select a from t": ExplainVerbose,
			"explain analyze select a from t": ExplainAnalyze,
		} {
			stmt, err := bindOne(t, sql)
			if err != nil {
				t.Fatal(err)
			}
			e, ok := stmt.(*Explain)
			if !ok || e.Mode != mode || schemaText(e.Plan.Schema()) != "a INT" {
				t.Errorf("%s: got %#v", sql, stmt)
			}
		}
	})
	t.Run("create view keeps the query text", func(t *testing.T) {
		stmt, err := bindOne(t, "create or replace temp view v1 (x, y) as\n  select `a`, c from t where a > 1 ;")
		if err != nil {
			t.Fatal(err)
		}
		v, ok := stmt.(*CreateView)
		if !ok {
			t.Fatalf("got %T", stmt)
		}
		if v.Name != "v1" || !v.OrReplace || !v.Temporary || v.SQL != "select `a`, c from t where a > 1" {
			t.Errorf("got %+v", v)
		}
		if got := schemaText(v.Plan.Schema()); got != "x INT, y VARCHAR" {
			t.Errorf("schema %s", got)
		}
		stmt, err = bindOne(t, "create view v2 as with w as (select 1 as one) select * from w")
		if err != nil {
			t.Fatal(err)
		}
		if v := stmt.(*CreateView); v.OrReplace || v.Temporary || v.SQL != "with w as (select 1 as one) select * from w" {
			t.Errorf("got %+v", v)
		}
	})
	t.Run("create table with Spark types", func(t *testing.T) {
		stmt, err := bindOne(t, "create table if not exists n1 (id int not null, name string, price decimal(10,2), ts timestamp, big long, flag boolean, dd date, r real, dflt decimal, sh short, b byte, txt text, ch char(3), vc varchar(4), dp double precision, f8 float8, i integer, bi bigint)")
		if err != nil {
			t.Fatal(err)
		}
		c := stmt.(*CreateTable)
		want := "id INT, name VARCHAR, price DECIMAL(10,2), ts TIMESTAMP, big BIGINT, flag BOOLEAN, dd DATE, r DOUBLE, dflt DECIMAL(10,0), sh SMALLINT, b TINYINT, txt VARCHAR, ch VARCHAR, vc VARCHAR, dp DOUBLE, f8 DOUBLE, i INT, bi BIGINT"
		if c.Name != "n1" || !c.IfNotExists || c.Plan != nil || schemaText(c.Schema) != want {
			t.Errorf("got %+v %s", c, schemaText(c.Schema))
		}
		if c.Schema.Field(0).Nullable || !c.Schema.Field(1).Nullable {
			t.Error("NOT NULL not honoured")
		}
	})
	t.Run("create table as", func(t *testing.T) {
		stmt, err := bindOne(t, "create table n2 (p) as select a, c from t")
		if err != nil {
			t.Fatal(err)
		}
		c := stmt.(*CreateTable)
		if c.Name != "n2" || c.Plan == nil || schemaText(c.Schema) != "p INT, c VARCHAR" || schemaText(c.Plan.Schema()) != "p INT, c VARCHAR" {
			t.Errorf("got %+v %s", c, schemaText(c.Schema))
		}
	})
	t.Run("create or replace table", func(t *testing.T) {
		stmt, err := bindOne(t, "CREATE OR REPLACE TABLE n3 AS SELECT k FROM s")
		if err != nil {
			t.Fatal(err)
		}
		if c := stmt.(*CreateTable); c.Name != "n3" || !c.OrReplace || c.Plan == nil || schemaText(c.Schema) != "k INT" {
			t.Errorf("got %+v", c)
		}
		stmt, err = bindOne(t, "create or replace table n4 (x string)")
		if err != nil {
			t.Fatal(err)
		}
		if c := stmt.(*CreateTable); c.Name != "n4" || !c.OrReplace || c.Plan != nil || schemaText(c.Schema) != "x VARCHAR" {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("insert fills missing columns with NULL and casts", func(t *testing.T) {
		for _, tt := range []struct{ sql, table, plan string }{
			{"insert into s (v, k) values ('x', 1), ('y', 2.0)", "s", `
				Project: CAST(col2#1 AS INT) AS k, col1#0 AS v
				  Values: 2 rows`},
			{"insert into s (v) select c from t", "s", `
				Project: NULL AS k, c#0 AS v
				  Project: c#2 AS c
				    Scan: t [a, b, c, d, e, f, g]`},
			{"INSERT INTO U select a, c, b from t", "u", `
				Project: a#0 AS a, c#1 AS x, b#2 AS y
				  Project: a#0 AS a, c#2 AS c, b#1 AS b
				    Scan: t [a, b, c, d, e, f, g]`},
			{"with w as (select k, v from s) insert into s select * from w", "s", `
				Project: k#0 AS k, v#1 AS v
				  Project: k#0 AS k, v#1 AS v
				    Project: k#0 AS k, v#1 AS v
				      Scan: s [k, v]`},
		} {
			stmt, err := bindOne(t, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			ins := stmt.(*Insert)
			if ins.Table != tt.table {
				t.Errorf("%s: table %q, want %q", tt.sql, ins.Table, tt.table)
			}
			if got, want := planner.Format(ins.Plan), plan(tt.plan); got != want {
				t.Errorf("%s\n got:\n%s\nwant:\n%s", tt.sql, got, want)
			}
		}
	})
	t.Run("drop, show, describe", func(t *testing.T) {
		for _, tt := range []struct {
			sql  string
			want func(Statement) bool
		}{
			{"drop table if exists t", func(s Statement) bool { d, ok := s.(*Drop); return ok && *d == Drop{Name: "t", IfExists: true} }},
			{"DROP VIEW va", func(s Statement) bool { d, ok := s.(*Drop); return ok && *d == Drop{Name: "va", View: true} }},
			{"show tables", func(s Statement) bool { _, ok := s.(*ShowTables); return ok }},
			{"describe t", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && d.Name == "t" && schemaText(d.Schema) == "a INT, b BIGINT, c VARCHAR, d DATE, e DECIMAL(15,2), f DOUBLE, g BOOLEAN"
			}},
			{"desc table `VA`", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && d.Name == "va" && schemaText(d.Schema) == "a INT, name VARCHAR"
			}},
			{"DESC s", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && d.Name == "s" && schemaText(d.Schema) == "k INT, v VARCHAR"
			}},
			{"describe select a, sum(b) from t group by a", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && d.Name == "" && schemaText(d.Schema) == "a INT, sum(b) BIGINT"
			}},
			{"describe query (select k from s)", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && schemaText(d.Schema) == "k INT"
			}},
			{"describe parquet.`/data/f.parquet`", func(s Statement) bool {
				d, ok := s.(*Describe)
				return ok && d.Name == "/data/f.parquet" && schemaText(d.Schema) == "id BIGINT, name VARCHAR"
			}},
		} {
			stmt, err := bindOne(t, tt.sql)
			if err != nil {
				t.Fatalf("%s: %v", tt.sql, err)
			}
			if !tt.want(stmt) {
				t.Errorf("%s: got %#v", tt.sql, stmt)
			}
		}
	})
}

func TestTableFunctionOptions(t *testing.T) {
	fo := &fileOpener{}
	cat := testCatalog(t)
	for _, tt := range []struct {
		sql, format string
		options     map[string]string
	}{
		{"select * from read_csv('/data/f.csv', header => true, Delim = '|', skip => 2)", "csv", map[string]string{"header": "true", "delim": "|", "skip": "2"}},
		{"select * from read_json('/data/f.json')", "json", map[string]string{}},
		{"select * from read_parquet('/data/f.parquet') as p(i, n) where i > 1", "parquet", map[string]string{}},
		{"select * from csv.`/data/f.csv`", "csv", nil},
	} {
		if _, err := bindWith(t, cat, fo, tt.sql); err != nil {
			t.Fatalf("%s: %v", tt.sql, err)
		}
		if fo.lastFormat != tt.format || len(fo.lastOptions) != len(tt.options) {
			t.Errorf("%s: format %q options %v", tt.sql, fo.lastFormat, fo.lastOptions)
		}
		for k, v := range tt.options {
			if fo.lastOptions[k] != v {
				t.Errorf("%s: option %s = %q, want %q", tt.sql, k, fo.lastOptions[k], v)
			}
		}
	}
}

// Outer references carry how many queries out they point and the index in
// the input of the node holding the subquery expression.
func TestOuterColumns(t *testing.T) {
	type ref struct {
		depth, index int
		name         string
	}
	tests := []struct {
		sql  string
		want []ref
	}{
		// t.a (depth 2) and u.a (depth 1) from the innermost query.
		{"select a from t where exists (select 1 from u where exists (select 1 from s where s.k = t.a and s.k = u.a))",
			[]ref{{2, 0, "a"}, {1, 0, "a"}}},
		// A derived table inside a subquery is still one level in.
		{"select a from t where exists (select 1 from (select * from u where u.y = t.b) z)", []ref{{1, 1, "b"}}},
		// Over an aggregate, the index is into the aggregate's output.
		{"select c, a, (select max(y) from u where u.a = t.a) from t group by c, a", []ref{{1, 1, "a"}}},
		{"select a from t group by c, a having sum(b) > (select sum(y) from u where u.x = t.c)", []ref{{1, 0, "c"}}},
		// In a join condition, the index counts the left columns first.
		{"select 1 from s join t on exists (select 1 from u where u.a = t.a)", []ref{{1, 2, "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			var got []ref
			var walkPlan func(n planner.Node)
			var walkExpr func(e planner.Expr)
			walkExpr = func(e planner.Expr) {
				switch x := e.(type) {
				case *planner.OuterColumn:
					got = append(got, ref{x.Depth, x.Index, x.Name})
				case *planner.ScalarSubquery:
					walkPlan(x.Plan)
				case *planner.Exists:
					walkPlan(x.Plan)
				case *planner.InSubquery:
					walkPlan(x.Plan)
				}
				for _, c := range e.Children() {
					walkExpr(c)
				}
			}
			walkPlan = func(n planner.Node) {
				for _, e := range nodeExprs(n) {
					walkExpr(e)
				}
				for _, c := range n.Children() {
					walkPlan(c)
				}
			}
			walkPlan(mustQuery(t, tt.sql))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// nodeExprs lists the expressions a plan node holds.
func nodeExprs(n planner.Node) []planner.Expr {
	switch x := n.(type) {
	case *planner.Filter:
		return []planner.Expr{x.Predicate}
	case *planner.Project:
		return x.Exprs
	case *planner.Join:
		if x.Condition != nil {
			return []planner.Expr{x.Condition}
		}
	case *planner.Aggregate:
		out := append([]planner.Expr(nil), x.GroupBy...)
		for _, a := range x.Aggs {
			out = append(out, a)
		}
		return out
	}
	return nil
}
