package sql

import (
	"context"
	"strings"
	"testing"

	"github.com/ember-sql/ember/planner"
)

func bindOne(t *testing.T, sql string) (Statement, error) {
	t.Helper()
	fo := &fileOpener{}
	return Bind(context.Background(), testCatalog(t), Source{Text: sql, Line: 1, Col: 1}, BindOptions{OpenFiles: fo.open})
}

func mustQuery(t *testing.T, sql string) planner.Node {
	t.Helper()
	stmt, err := bindOne(t, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	q, ok := stmt.(*Query)
	if !ok {
		t.Fatalf("%s: bound to %T, want *Query", sql, stmt)
	}
	return q.Plan
}

// plan strips the common indentation of a expected plan written in a raw
// string, so cases read like planner.Format's output.
func plan(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	indent := len(lines[0]) - len(strings.TrimLeft(lines[0], "\t "))
	for i, l := range lines {
		if len(l) >= indent {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestBindPlans(t *testing.T) {
	tests := []struct {
		name, sql, plan, schema string
	}{
		{
			name: "projection and filter",
			sql:  "select a, b+1, c as cc from t where a > 5",
			plan: `
				Project: a#0 AS a, (b#1 + 1) AS (b + 1), c#2 AS cc
				  Filter: (a#0 > 5)
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, (b + 1) BIGINT, cc VARCHAR",
		},
		{
			name: "identifiers are case-insensitive, backquotes quote",
			sql:  "SELECT `A`, T.B FROM T WHERE t.`c` = 'x'",
			plan: `
				Project: a#0 AS a, b#1 AS b
				  Filter: (c#2 = 'x')
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, b BIGINT",
		},
		{
			name: "select without from",
			sql:  "select 1",
			plan: `
				Project: 1 AS 1
				  Values: 1 rows`,
			schema: "1 INT",
		},
		{
			name: "literal types",
			sql:  "select 2147483648, 9223372036854775808, 0.06, 1e3, 100.00, -5, true, null, 'x', date '2020-02-29', timestamp '2020-01-02 03:04:05.5', interval '3' month",
			plan: `
				Project: 2147483648 AS 2147483648, 9223372036854775808 AS 9223372036854775808, 0.06 AS 0.06, 1000 AS 1e3, 100.00 AS 100.00, -5 AS -5, TRUE AS true, NULL AS NULL, 'x' AS x, DATE '2020-02-29' AS DATE '2020-02-29', TIMESTAMP '2020-01-02T03:04:05.500000' AS TIMESTAMP '2020-01-02 03:04:05.5', INTERVAL '3 months 0 days 0 ns' AS INTERVAL '3'
				  Values: 1 rows`,
			schema: "2147483648 BIGINT, 9223372036854775808 DECIMAL(19,0), 0.06 DECIMAL(2,2), 1e3 DOUBLE, 100.00 DECIMAL(5,2), -5 INT, true BOOLEAN, NULL NULL, x VARCHAR, DATE '2020-02-29' DATE, TIMESTAMP '2020-01-02 03:04:05.5' TIMESTAMP, INTERVAL '3' INTERVAL",
		},
		{
			name: "constants take the column's type in comparisons",
			sql:  "select a from t where d = '1995-01-01' and a in (1, 2, 3) and e < 24 and f > 1 and b = 7",
			plan: `
				Project: a#0 AS a
				  Filter: (((((d#3 = DATE '1995-01-01') AND a#0 IN (1, 2, 3)) AND (e#4 < 24.00)) AND (f#5 > 1)) AND (b#1 = 7))
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "a constant that does not fit casts the column",
			sql:  "select a from t where a = 2.5 and a in (1, 3000000000)",
			plan: `
				Project: a#0 AS a
				  Filter: ((CAST(a#0 AS DECIMAL(11,1)) = 2.5) AND CAST(a#0 AS BIGINT) IN (1, 3000000000))
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "decimal arithmetic follows Spark's types",
			sql:  "select e * (1 - e), e / 2, a / 2, d + interval '1' day, d - d from t",
			plan: `
				Project: (e#4 * (1 - e#4)) AS (e * (1 - e)), (e#4 / 2) AS (e / 2), (CAST(a#0 AS DOUBLE) / 2) AS (a / 2), (d#3 + INTERVAL '0 months 1 days 0 ns') AS (d + INTERVAL '1'), (d#3 - d#3) AS (d - d)
				  Scan: t [a, b, c, d, e, f, g]`,
			schema: "(e * (1 - e)) DECIMAL(32,4), (e / 2) DECIMAL(19,6), (a / 2) DOUBLE, (d + INTERVAL '1') DATE, (d - d) INT",
		},
		{
			name: "predicates",
			sql:  "select a from t where not (a > 1) and c like 'x%' and c not ilike 'y' and a between 1 and 3 and a not between 4 and 5 and c is not null and g is true and a is distinct from 3 and g is not false",
			plan: `
				Project: a#0 AS a
				  Filter: ((((((((NOT (a#0 > 1) AND c#2 LIKE 'x%') AND c#2 NOT ILIKE 'y') AND ((a#0 >= 1) AND (a#0 <= 3))) AND NOT ((a#0 >= 4) AND (a#0 <= 5))) AND c#2 IS NOT NULL) AND (g#6 IS NOT DISTINCT FROM TRUE)) AND (a#0 IS DISTINCT FROM 3)) AND (g#6 IS DISTINCT FROM FALSE))
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "case, coalesce, nullif",
			sql:  "select case a when 1 then 'one' when 2 then 'two' end, case when a > 1 then e else 0 end, coalesce(c, 'x'), nullif(a, 0) from t",
			plan: `
				Project: CASE WHEN (a#0 = 1) THEN 'one' WHEN (a#0 = 2) THEN 'two' END AS CASE a WHEN 1 THEN one WHEN 2 THEN two END, CASE WHEN (a#0 > 1) THEN e#4 ELSE 0.00 END AS CASE WHEN (a > 1) THEN e ELSE 0 END, coalesce(c#2, 'x') AS coalesce(c, x), nullif(a#0, 0) AS nullif(a, 0)
				  Scan: t [a, b, c, d, e, f, g]`,
			schema: "CASE a WHEN 1 THEN one WHEN 2 THEN two END VARCHAR, CASE WHEN (a > 1) THEN e ELSE 0 END DECIMAL(15,2), coalesce(c, x) VARCHAR, nullif(a, 0) INT",
		},
		{
			name: "casts with Spark type names",
			sql:  "select cast(a as string), a::long, cast(e as decimal(10,1)), cast(c as date), cast(a as short), cast(b as byte), cast(a as double), cast(a as float), cast(a as decimal) from t",
			plan: `
				Project: CAST(a#0 AS VARCHAR) AS CAST(a AS VARCHAR), CAST(a#0 AS BIGINT) AS CAST(a AS BIGINT), CAST(e#4 AS DECIMAL(10,1)) AS CAST(e AS DECIMAL(10,1)), CAST(c#2 AS DATE) AS CAST(c AS DATE), CAST(a#0 AS SMALLINT) AS CAST(a AS SMALLINT), CAST(b#1 AS TINYINT) AS CAST(b AS TINYINT), CAST(a#0 AS DOUBLE) AS CAST(a AS DOUBLE), CAST(a#0 AS DOUBLE) AS CAST(a AS DOUBLE), CAST(a#0 AS DECIMAL(10,0)) AS CAST(a AS DECIMAL(10,0))
				  Scan: t [a, b, c, d, e, f, g]`,
			schema: "CAST(a AS VARCHAR) VARCHAR, CAST(a AS BIGINT) BIGINT, CAST(e AS DECIMAL(10,1)) DECIMAL(10,1), CAST(c AS DATE) DATE, CAST(a AS SMALLINT) SMALLINT, CAST(b AS TINYINT) TINYINT, CAST(a AS DOUBLE) DOUBLE, CAST(a AS DOUBLE) DOUBLE, CAST(a AS DECIMAL(10,0)) DECIMAL(10,0)",
		},
		{
			name: "scalar functions",
			sql:  "select extract(year from d), substring(c, 1, 2), substring(c from 2 for 3), c || 'x', upper(c), round(e, 1), round(f), length(c), month(d) from t",
			plan: `
				Project: year(d#3) AS extract(year FROM d), substring(c#2, 1, 2) AS substring(c, 1, 2), substring(c#2, 2, 3) AS substring(c, 2, 3), concat(c#2, 'x') AS concat(c, x), upper(c#2) AS upper(c), round(e#4, 1) AS round(e, 1), round(f#5) AS round(f), length(c#2) AS length(c), month(d#3) AS month(d)
				  Scan: t [a, b, c, d, e, f, g]`,
			schema: "extract(year FROM d) INT, substring(c, 1, 2) VARCHAR, substring(c, 2, 3) VARCHAR, concat(c, x) VARCHAR, upper(c) VARCHAR, round(e, 1) DECIMAL(15,1), round(f) DOUBLE, length(c) INT, month(d) INT",
		},
		{
			name: "aggregates, HAVING, ORDER BY ordinal",
			sql:  "select a, count(*), sum(e), avg(f), count(distinct c), min(d) from t group by a having count(*) > 1 order by 2 desc",
			plan: `
				Sort: count(1)#1 DESC NULLS LAST
				  Project: a#0 AS a, count(1)#1 AS count(1), sum(e)#2 AS sum(e), avg(f)#3 AS avg(f), count(DISTINCT c)#4 AS count(DISTINCT c), min(d)#5 AS min(d)
				    Filter: (count(1)#1 > 1)
				      Aggregate: groupBy=[a#0], aggs=[count(*), sum(e#4), avg(f#5), count(DISTINCT c#2), min(d#3)]
				        Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, count(1) BIGINT, sum(e) DECIMAL(25,2), avg(f) DOUBLE, count(DISTINCT c) BIGINT, min(d) DATE",
		},
		{
			name: "aggregate inside an expression, HAVING on an aggregate not selected",
			sql:  "select c, 100.00 * sum(e) / sum(b) from t group by c having avg(a) > 2",
			plan: `
				Project: c#0 AS c, ((100.00 * sum(e)#1) / CAST(sum(b)#2 AS DECIMAL(20,0))) AS ((100.00 * sum(e)) / sum(b))
				  Filter: (avg(a)#3 > 2)
				    Aggregate: groupBy=[c#2], aggs=[sum(e#4), sum(b#1), avg(a#0)]
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "c VARCHAR, ((100.00 * sum(e)) / sum(b)) DECIMAL(38,11)",
		},
		{
			name: "global aggregate without FROM",
			sql:  "select count(*)",
			plan: `
				Project: count(1)#0 AS count(1)
				  Aggregate: groupBy=[], aggs=[count(*)]
				    Values: 1 rows`,
			schema: "count(1) BIGINT",
		},
		{
			name: "GROUP BY alias, expression and ordinal",
			sql:  "select a+1 as x, c, count(1) from t group by x, 2",
			plan: `
				Project: x#0 AS x, c#1 AS c, count(1)#2 AS count(1)
				  Aggregate: groupBy=[(a#0 + 1), c#2], aggs=[count(*)]
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "x INT, c VARCHAR, count(1) BIGINT",
		},
		{
			name: "HAVING uses a select alias",
			sql:  "select a, sum(b) as s from t group by a having s > 10",
			plan: `
				Project: a#0 AS a, sum(b)#1 AS s
				  Filter: (sum(b)#1 > 10)
				    Aggregate: groupBy=[a#0], aggs=[sum(b#1)]
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, s BIGINT",
		},
		{
			name: "ORDER BY a column not selected",
			sql:  "select a from t order by b desc nulls first, a",
			plan: `
				Project: a#0 AS a
				  Sort: __sort1#1 DESC NULLS FIRST, a#0 ASC NULLS FIRST
				    Project: a#0 AS a, b#1 AS __sort1
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "ORDER BY alias and aggregate, LIMIT OFFSET",
			sql:  "select a as k, sum(e) from t group by a order by sum(e) desc, k limit 10 offset 5",
			plan: `
				Limit: offset=5 count=10
				  Sort: sum(e)#1 DESC NULLS LAST, k#0 ASC NULLS FIRST
				    Project: a#0 AS k, sum(e)#1 AS sum(e)
				      Aggregate: groupBy=[a#0], aggs=[sum(e#4)]
				        Scan: t [a, b, c, d, e, f, g]`,
			schema: "k INT, sum(e) DECIMAL(25,2)",
		},
		{
			name: "DISTINCT",
			sql:  "select distinct a, c from t order by c",
			plan: `
				Sort: c#1 ASC NULLS FIRST
				  Aggregate: groupBy=[a#0, c#1], aggs=[]
				    Project: a#0 AS a, c#2 AS c
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, c VARCHAR",
		},
		{
			name: "window functions",
			sql:  "select a, row_number() over (partition by c order by d desc) as rn, sum(b) over (order by d rows between 2 preceding and current row) from t",
			plan: `
				Project: a#0 AS a, row_number() OVER (PARTITION BY c ORDER BY d DESC)#7 AS rn, sum(b) OVER (ORDER BY d)#8 AS sum(b) OVER (ORDER BY d)
				  Window: row_number() OVER (PARTITION BY c#2 ORDER BY d#3 DESC NULLS LAST), sum(b#1) OVER (ORDER BY d#3 ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, rn INT, sum(b) OVER (ORDER BY d) BIGINT",
		},
		{
			name: "window over an aggregate",
			sql:  "select c, sum(e), rank() over (order by sum(e) desc) from t group by c",
			plan: `
				Project: c#0 AS c, sum(e)#1 AS sum(e), rank() OVER (ORDER BY sum(e) DESC)#2 AS rank() OVER (ORDER BY sum(e) DESC)
				  Window: rank() OVER (ORDER BY sum(e)#1 DESC NULLS LAST)
				    Aggregate: groupBy=[c#2], aggs=[sum(e#4)]
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "c VARCHAR, sum(e) DECIMAL(25,2), rank() OVER (ORDER BY sum(e) DESC) INT",
		},
		{
			name: "named window, lag with default, frame to unbounded following",
			sql:  "select lag(c, 2, 'none') over w, count(*) over (w rows between current row and unbounded following) from t window w as (order by a)",
			plan: `
				Project: lag(c, 2, none) OVER (w)#7 AS lag(c, 2, none) OVER (w), count(1) OVER (w)#8 AS count(1) OVER (w)
				  Window: lag(c#2, 2, 'none') OVER (ORDER BY a#0 ASC NULLS FIRST), count_star() OVER (ORDER BY a#0 ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "lag(c, 2, none) OVER (w) VARCHAR, count(1) OVER (w) BIGINT",
		},
		{
			name: "comma join",
			sql:  "select x, v from u, s where a = k",
			plan: `
				Project: x#1 AS x, v#4 AS v
				  Filter: (a#0 = k#3)
				    Join: Inner
				      Scan: u [a, x, y]
				      Scan: s [k, v]`,
			schema: "x VARCHAR, v VARCHAR",
		},
		{
			name: "left join makes the right side nullable",
			sql:  "select * from t left join u on t.a = u.a where u.x is null",
			plan: `
				Project: a#0 AS a, b#1 AS b, c#2 AS c, d#3 AS d, e#4 AS e, f#5 AS f, g#6 AS g, a#7 AS a, x#8 AS x, y#9 AS y
				  Filter: x#8 IS NULL
				    Join: Left on (a#0 = a#7)
				      Scan: t [a, b, c, d, e, f, g]
				      Scan: u [a, x, y]`,
			schema: "a INT, b BIGINT, c VARCHAR, d DATE, e DECIMAL(15,2), f DOUBLE, g BOOLEAN, a INT, x VARCHAR, y BIGINT",
		},
		{
			name: "cross join and t.*",
			sql:  "select s.*, u.x from u cross join s",
			plan: `
				Project: k#3 AS k, v#4 AS v, x#1 AS x
				  Join: Inner
				    Scan: u [a, x, y]
				    Scan: s [k, v]`,
			schema: "k INT, v VARCHAR, x VARCHAR",
		},
		{
			name: "USING join outputs the key once, first",
			sql:  "select * from t join u using (a)",
			plan: `
				Project: a#0 AS a, b#1 AS b, c#2 AS c, d#3 AS d, e#4 AS e, f#5 AS f, g#6 AS g, x#7 AS x, y#8 AS y
				  Project: a#0 AS a, b#1 AS b, c#2 AS c, d#3 AS d, e#4 AS e, f#5 AS f, g#6 AS g, x#8 AS x, y#9 AS y, a#0 AS a, a#7 AS a
				    Join: Inner on (a#0 = a#7)
				      Scan: t [a, b, c, d, e, f, g]
				      Scan: u [a, x, y]`,
			schema: "a INT, b BIGINT, c VARCHAR, d DATE, e DECIMAL(15,2), f DOUBLE, g BOOLEAN, x VARCHAR, y BIGINT",
		},
		{
			name: "FULL USING join coalesces the key; both sides stay reachable",
			sql:  "select a, t.a, u.a from t full join u using (a)",
			plan: `
				Project: a#0 AS a, a#9 AS a, a#10 AS a
				  Project: coalesce(a#0, a#7) AS a, b#1 AS b, c#2 AS c, d#3 AS d, e#4 AS e, f#5 AS f, g#6 AS g, x#8 AS x, y#9 AS y, a#0 AS a, a#7 AS a
				    Join: Full on (a#0 = a#7)
				      Scan: t [a, b, c, d, e, f, g]
				      Scan: u [a, x, y]`,
			schema: "a INT, a INT, a INT",
		},
		{
			name: "NATURAL JOIN",
			sql:  "select x from t natural join u",
			plan: `
				Project: x#7 AS x
				  Project: a#0 AS a, b#1 AS b, c#2 AS c, d#3 AS d, e#4 AS e, f#5 AS f, g#6 AS g, x#8 AS x, y#9 AS y, a#0 AS a, a#7 AS a
				    Join: Inner on (a#0 = a#7)
				      Scan: t [a, b, c, d, e, f, g]
				      Scan: u [a, x, y]`,
			schema: "x VARCHAR",
		},
		{
			name: "derived table with column aliases",
			sql:  "select r from (select 1 as q) as z(r)",
			plan: `
				Project: r#0 AS r
				  Project: 1 AS q
				    Values: 1 rows`,
			schema: "r INT",
		},
		{
			name: "VALUES in FROM",
			sql:  "select * from (values (1, 'a'), (2.5, null)) as v(id, name) where id = 2",
			plan: `
				Project: id#0 AS id, name#1 AS name
				  Filter: (id#0 = 2.0)
				    Values: 2 rows`,
			schema: "id DECIMAL(11,1), name VARCHAR",
		},
		{
			name: "CTE used twice is bound at each use",
			sql:  "with w as (select a, c from t) select * from w x join w y on x.a = y.a",
			plan: `
				Project: a#0 AS a, c#1 AS c, a#2 AS a, c#3 AS c
				  Join: Inner on (a#0 = a#2)
				    Project: a#0 AS a, c#2 AS c
				      Scan: t [a, b, c, d, e, f, g]
				    Project: a#0 AS a, c#2 AS c
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, c VARCHAR, a INT, c VARCHAR",
		},
		{
			name: "CTE column names, later CTE uses earlier one",
			sql:  "with w(p, q) as (select a, c from t), w2 as (select p from w) select * from w2",
			plan: `
				Project: p#0 AS p
				  Project: p#0 AS p
				    Project: a#0 AS a, c#2 AS c
				      Scan: t [a, b, c, d, e, f, g]`,
			schema: "p INT",
		},
		{
			name: "view is expanded with its names",
			sql:  "select * from va v where v.name = 'x'",
			plan: `
				Project: a#0 AS a, name#1 AS name
				  Filter: (name#1 = 'x')
				    Project: a#0 AS a, c#2 AS name
				      Filter: (a#0 > 1)
				        Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT, name VARCHAR",
		},
		{
			name: "UNION is a distinct Union",
			sql:  "select a from t union select a from u",
			plan: `
				Aggregate: groupBy=[a#0], aggs=[]
				  Union
				    Project: a#0 AS a
				      Scan: t [a, b, c, d, e, f, g]
				    Project: a#0 AS a
				      Scan: u [a, x, y]`,
			schema: "a INT",
		},
		{
			name: "UNION ALL chain is flattened; types are unified below it",
			sql:  "select a, c from t union all select b, x from u join t using (a) union all select k, v from s",
			plan: `
				Union
				  Project: CAST(a#0 AS BIGINT) AS a, c#1 AS c
				    Project: a#0 AS a, c#2 AS c
				      Scan: t [a, b, c, d, e, f, g]
				  Project: b#3 AS b, x#1 AS x
				    Project: a#0 AS a, x#1 AS x, y#2 AS y, b#4 AS b, c#5 AS c, d#6 AS d, e#7 AS e, f#8 AS f, g#9 AS g, a#0 AS a, a#3 AS a
				      Join: Inner on (a#0 = a#3)
				        Scan: u [a, x, y]
				        Scan: t [a, b, c, d, e, f, g]
				  Project: CAST(k#0 AS BIGINT) AS k, v#1 AS v
				    Project: k#0 AS k, v#1 AS v
				      Scan: s [k, v]`,
			schema: "a BIGINT, c VARCHAR",
		},
		{
			name: "INTERSECT",
			sql:  "select a from t intersect select a from u",
			plan: `
				Aggregate: groupBy=[a#0], aggs=[]
				  Join: Semi on (a#0 IS NOT DISTINCT FROM a#1)
				    Project: a#0 AS a
				      Scan: t [a, b, c, d, e, f, g]
				    Project: a#0 AS a
				      Scan: u [a, x, y]`,
			schema: "a INT",
		},
		{
			name: "EXCEPT with ORDER BY and LIMIT",
			sql:  "select a from t except select k from s order by 1 limit 3",
			plan: `
				Limit: offset=0 count=3
				  Sort: a#0 ASC NULLS FIRST
				    Aggregate: groupBy=[a#0], aggs=[]
				      Join: Anti on (a#0 IS NOT DISTINCT FROM k#1)
				        Project: a#0 AS a
				          Scan: t [a, b, c, d, e, f, g]
				        Project: k#0 AS k
				          Scan: s [k, v]`,
			schema: "a INT",
		},
		{
			name: "subqueries stay in place with outer references",
			sql:  "select a from t where exists (select 1 from u where u.a = t.a) and b in (select y from u) and e > (select avg(e) from t t2 where t2.a = t.a)",
			plan: `
				Project: a#0 AS a
				  Filter: ((EXISTS (Project: 1 AS 1 (Filter: (a#0 = outer(a#0)) (Scan: u [a, x, y]))) AND b#1 IN (Project: y#2 AS y (Scan: u [a, x, y]))) AND (CAST(e#4 AS DECIMAL(19,6)) > (scalar subquery Project: avg(e)#0 AS avg(e) (Aggregate: groupBy=[], aggs=[avg(e#4)] (Filter: (a#0 = outer(a#0)) (Scan: t [a, b, c, d, e, f, g]))))))
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "NOT IN subquery casts the subquery's column to the common type",
			sql:  "select a from t where a not in (select y from u)",
			plan: `
				Project: a#0 AS a
				  Filter: NOT CAST(a#0 AS BIGINT) IN (Project: y#2 AS y (Scan: u [a, x, y]))
				    Scan: t [a, b, c, d, e, f, g]`,
			schema: "a INT",
		},
		{
			name: "file tables",
			sql:  "select p.id, q.name from parquet.`/data/f.parquet` p, read_csv('/data/f.csv', header => true, delim = '|') q",
			plan: `
				Project: id#0 AS id, name#3 AS name
				  Join: Inner
				    Scan: /data/f.parquet [id, name]
				    Scan: /data/f.csv [id, name]`,
			schema: "id BIGINT, name VARCHAR",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustQuery(t, tt.sql)
			if got, want := planner.Format(p), plan(tt.plan); got != want {
				t.Errorf("plan\n got:\n%s\nwant:\n%s", got, want)
			}
			if got := schemaText(p.Schema()); got != tt.schema {
				t.Errorf("schema\n got %s\nwant %s", got, tt.schema)
			}
		})
	}
}
