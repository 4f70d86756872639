package sql

import (
	"context"
	"errors"
	"testing"
)

func TestBindErrors(t *testing.T) {
	tables := "s, t, u, va, vbad, vloop1, vloop2, vself"
	tests := []struct {
		sql, want string
	}{
		// Syntax errors point at the offending token.
		{"select * frm t", `line 1:10: syntax error at or near "frm"`},
		{"select a,\n  from t", `line 2:3: syntax error at or near "from"`},
		{"select 'é', nope from t", `line 1:13: column "nope" not found; available: a, b, c, d, e, f, g`},
		{"select 1; select 2", "line 1:10: expected one statement, found 2 (split scripts with sql.Split)"},
		// Names.
		{"select foo from t", `line 1:8: column "foo" not found; available: a, b, c, d, e, f, g`},
		{"select t.x from t", `line 1:8: column "t.x" not found; available: a, b, c, d, e, f, g`},
		{"select a from t, u", `line 1:8: column reference "a" is ambiguous`},
		{"select v from t join u on t.a = u.a", `line 1:8: column "v" not found; available: t.a, b, c, d, e, f, g, u.a, x, y`},
		{"select * from foo", `line 1:15: table or view "foo" not found; tables: ` + tables},
		{"select * from other.foo", `line 1:15: table or view "other.foo" not found; tables: ` + tables},
		{"select x.* from t", "line 1:8: x.* does not name a table in FROM; available: t"},
		{"select * from t join u using (z)", `line 1:22: USING column "z" not found on the left side; available: a, b, c, d, e, f, g`},
		{"select * from t as q(a, b, c, d, e, f, g, h)", "line 1:15: 8 column aliases given for q, which has 7 columns"},
		{"select foo(a) from t", "line 1:8: function foo not found"},
		{"select * from read_xml('x')", "line 1:15: table function read_xml not found; available: read_csv, read_json, read_parquet"},
		{"select * from parquet.`/nope`", "line 1:15: no such file: /nope"},
		// Views.
		{"select * from vself", "line 1:15: view vself refers to itself"},
		{"select *\nfrom t, vloop1", "line 2:9: view vloop1 refers to itself"},
		{"select * from vbad", `line 1:15: in view vbad: column "nope" not found; available: a, b, c, d, e, f, g`},
		// Grouping and aggregates.
		{"select a, b from t group by a", `line 1:11: column "b" must appear in GROUP BY or be used in an aggregate function`},
		{"select sum(a) from t order by b", `line 1:31: column "b" must appear in GROUP BY or be used in an aggregate function`},
		{"select a, (select max(y) from u where u.x = t.c) from t group by a", `line 1:45: column "t.c" must appear in GROUP BY or be used in an aggregate function`},
		{"select a from t where sum(b) > 1", "line 1:23: aggregate functions are not allowed in WHERE"},
		{"select a from t group by sum(b)", "line 1:26: aggregate functions are not allowed in GROUP BY"},
		{"select sum(sum(b)) from t", "line 1:12: aggregate function calls cannot be nested"},
		{"select sum(c) from t", "line 1:8: cannot sum VARCHAR"},
		{"select count(*) filter (where a > 1) from t", "line 1:8: FILTER (WHERE ...) is not supported"},
		{"select a from t group by 3", "line 1:26: GROUP BY position 3 is not in the select list (1..1)"},
		{"select count(*) from t group by 1", "line 1:33: GROUP BY position 1 refers to an aggregate function"},
		{"select a from t group by rollup (a)", "line 1:26: GROUPING SETS, ROLLUP and CUBE are not supported"},
		// Window functions.
		{"select a from t where row_number() over (order by a) > 1", "line 1:23: window functions are not allowed in WHERE"},
		{"select rank() over () from t", "line 1:8: window function rank requires ORDER BY in its window"},
		{"select lag(a, b) over (order by a) from t", "line 1:15: the offset of lag must be an integer constant"},
		{"select upper(c) over () from t", "line 1:8: function upper is not a window function"},
		{"select sum(a) over (order by a range between 1 preceding and current row) from t", "line 1:20: RANGE frames with offsets are not supported; use ROWS"},
		{"select sum(a) over w from t", `line 1:20: window "w" is not defined`},
		// Types.
		{"select * from t where c = g", "line 1:25: cannot compare VARCHAR and BOOLEAN"},
		{"select * from t where d = 1", "line 1:25: cannot compare DATE and INT"},
		{"select * from t where a", "line 1:23: WHERE condition must be BOOLEAN, got INT"},
		{"select a from t group by a having sum(b)", "line 1:35: HAVING condition must be BOOLEAN, got BIGINT"},
		{"select * from t join u on t.a", "line 1:27: JOIN condition must be BOOLEAN, got INT"},
		{"select * from t where a > 1 and c", "line 1:33: argument of AND must be BOOLEAN, got VARCHAR"},
		{"select 1 + true", "line 1:10: cannot apply + to INT and BOOLEAN"},
		{"select d + c from t", "line 1:10: cannot apply + to DATE and VARCHAR"},
		{"select -c from t", "line 1:8: cannot apply unary - to VARCHAR"},
		{"select a like 'x' from t", "line 1:8: LIKE expects VARCHAR operands, got INT"},
		{"select abs('x')", "line 1:8: function abs does not accept arguments (VARCHAR)"},
		{"select substring('x')", "line 1:8: function substring takes 2 to 3 arguments, got 1"},
		{"select case when a > 1 then d else 1 end from t", "line 1:8: CASE results: cannot combine DATE and INT"},
		{"select a in (1, d) from t", "line 1:10: IN list: cannot combine INT and DATE"},
		{"select cast(d as int) from t", "line 1:8: cannot cast DATE to INT"},
		{"select cast(a as foo) from t", "line 1:18: unknown type FOO"},
		{"select cast(a as decimal(40, 2)) from t", "line 1:18: DECIMAL precision 40 is out of range 1..38"},
		{"select date '1995-13-01'", "line 1:13: cannot cast '1995-13-01' to DATE"},
		{"select timestamp '1995-01-01 25:00:00'", "line 1:18: cannot cast '1995-01-01 25:00:00' to TIMESTAMP"},
		{"select interval '3 fortnights'", `line 1:17: invalid interval "3 fortnights": unknown unit "fortnights"`},
		{"select cast(300 as tinyint)", "line 1:13: value 300 is out of range for TINYINT"},
		{"select cast('abc' as int)", "line 1:13: cannot cast 'abc' to INT"},
		{"select 123456789012345678901234567890123456789", "line 1:8: number 123456789012345678901234567890123456789 is out of range"},
		// Subqueries.
		{"select (select a, x from u) from t", "line 1:8: scalar subquery must return exactly one column, got 2"},
		{"select a from t where a in (select a, x from u)", "line 1:25: subquery of IN must return exactly one column, got 2"},
		{"select a from t where a > any (select a from u)", "line 1:25: only IN, = ANY and <> ALL subqueries are supported"},
		{"select a from t where a in (select nope from u)", `line 1:36: column "nope" not found; available: a, x, y`},
		{"select a from t where a in (select d from u)", "line 1:25: cannot compare INT and DATE"}, // d is t.d, from outside
		// Set operations, VALUES, ORDER BY, LIMIT.
		{"select a from t union select a, x from u", "line 1:30: each UNION query must have the same number of columns: 1 and 2"},
		{"select a from t union select d from t", "line 1:8: UNION column 1: cannot combine INT and DATE"},
		{"select a from t intersect all select a from u", "line 1:17: INTERSECT ALL is not supported"},
		{"select a from t except all select a from u", "line 1:17: EXCEPT ALL is not supported"},
		{"values (1, 2), (3)", "line 1:17: VALUES rows must all have 2 values, this one has 1"},
		{"values (1), (date '2000-01-01')", "line 1:9: VALUES column 1: cannot combine INT and DATE"},
		{"select a from t order by 5", "line 1:26: ORDER BY position 5 is not in the select list (1..1)"},
		{"select a as k, b as k from t order by k", `line 1:39: ORDER BY "k" is ambiguous: several select items have that name`},
		{"select a from t limit -1", "line 1:23: LIMIT must be a non-negative integer constant, got -1"},
		{"select a from t limit a", "line 1:23: LIMIT must be a non-negative integer constant"},
		{"select distinct on (a) a from t", "line 1:21: SELECT DISTINCT ON is not supported"},
		// WITH.
		{"with recursive r as (select 1) select * from r", "line 1:1: WITH RECURSIVE is not supported"},
		{"with w as (select 1), w as (select 2) select * from w", `line 1:23: WITH query name "w" specified more than once`},
		// Statements.
		{"update t set a = 1", "line 1:1: statement not supported: UPDATE"},
		{"delete from t", "line 1:1: statement not supported: DELETE"},
		{"show foo", "line 1:1: statement not supported: SHOW FOO"},
		{"insert into s values (1)", "line 1:13: INSERT into s: the table has 2 columns but the data has 1"},
		{"insert into s (k) values (1, 2)", "line 1:13: INSERT into s: 1 columns listed but the data has 2"},
		{"insert into s (k, nope) values (1, 2)", `line 1:19: column "nope" not found in table s; available: k, v`},
		{"insert into s (k, k) values (1, 2)", `line 1:19: column "k" listed twice`},
		{"insert into s values (date '2000-01-01', 'x')", "line 1:13: cannot insert DATE into column k of type INT"},
		{"insert into va values (1, 'x')", "line 1:13: cannot insert into view va"},
		{"insert into nope values (1)", `line 1:13: table "nope" not found; tables: ` + tables},
		{"create table n (a int, a int)", `line 1:24: column "a" specified more than once`},
		{"create table n (a int primary key)", "line 1:23: column constraint PRIMARY is not supported"},
		{"create table n (a interval)", "line 1:19: columns of type INTERVAL are not supported"},
		{"create view v (x) as select a, b from t", "line 1:13: view v names 1 columns but its query returns 2"},
		{"create or replace table if not exists n (a int)", "line 1:1: OR REPLACE and IF NOT EXISTS cannot be used together"},
		{"drop function f", "line 1:1: statement not supported: DROP FUNCTION"},
		{"explain insert into s values (1, 'a')", "line 1:1: EXPLAIN supports queries only"},
		{"describe nope", `line 1:10: table or view "nope" not found; tables: ` + tables},
		{"DESC select nope from t", `line 1:13: column "nope" not found; available: a, b, c, d, e, f, g`},
		{"select $1", "line 1:8: query parameters ($1) are not supported"},
		{"select current_time", "line 1:8: CURRENT_TIME is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			_, err := bindOne(t, tt.sql)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want *Error %q", err, err, tt.want)
			}
			if e.Error() != tt.want {
				t.Errorf("got  %q\nwant %q", e.Error(), tt.want)
			}
		})
	}
}

// Errors are positioned in the script, from where the statement starts.
func TestErrorPositionInScript(t *testing.T) {
	script := "select 1;\n\n  select a,\n    nope from t;"
	srcs, err := Split(script)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 {
		t.Fatalf("got %d statements", len(srcs))
	}
	_, err = Bind(context.Background(), testCatalog(t), srcs[1], BindOptions{})
	want := `line 4:5: column "nope" not found; available: a, b, c, d, e, f, g`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	// A statement starting mid-line: columns on its first line shift.
	_, err = Bind(context.Background(), testCatalog(t), Source{Text: "select nope", Line: 7, Col: 11}, BindOptions{})
	if want := `line 7:18: column "nope" not found; available: (none)`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestOpenFilesUnavailable(t *testing.T) {
	_, err := Bind(context.Background(), testCatalog(t), Source{Text: "select * from read_parquet('/data/f.parquet')"}, BindOptions{})
	if want := "line 1:15: reading files from SQL is not available here"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestBindCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Bind(ctx, testCatalog(t), Source{Text: "select 1"}, BindOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
