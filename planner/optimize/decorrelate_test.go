package optimize

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// decorTable is a catalog.Table of which only the schema matters.
type decorTable struct{ schema *arrow.Schema }

func (d decorTable) Schema() *arrow.Schema { return d.schema }

func (d decorTable) Statistics() catalog.Statistics { return catalog.Statistics{Rows: -1, Bytes: -1} }

func (d decorTable) Splits(context.Context, catalog.ScanRequest) ([]catalog.Split, error) {
	return nil, errors.New("test table has no data")
}

func (d decorTable) Open(context.Context, catalog.Split, catalog.ScanRequest, memory.Allocator, int) (catalog.BatchReader, error) {
	return nil, errors.New("test table has no data")
}

// decorTables are slices of TPC-H's tables.
var decorTables = func() map[string]*arrow.Schema {
	dec := planner.Decimal(12, 2)
	schema := func(nameType ...any) *arrow.Schema {
		var fs []arrow.Field
		for i := 0; i < len(nameType); i += 2 {
			fs = append(fs, arrow.Field{Name: nameType[i].(string), Type: nameType[i+1].(arrow.DataType), Nullable: true})
		}
		return arrow.NewSchema(fs, nil)
	}
	return map[string]*arrow.Schema{
		"orders": schema("o_orderkey", planner.TypeBigInt, "o_custkey", planner.TypeBigInt,
			"o_orderpriority", planner.TypeString, "o_totalprice", dec),
		"lineitem": schema("l_orderkey", planner.TypeBigInt, "l_partkey", planner.TypeBigInt,
			"l_suppkey", planner.TypeBigInt, "l_quantity", dec,
			"l_commitdate", planner.TypeDate, "l_receiptdate", planner.TypeDate),
		"part":     schema("p_partkey", planner.TypeBigInt, "p_name", planner.TypeString),
		"partsupp": schema("ps_partkey", planner.TypeBigInt, "ps_suppkey", planner.TypeBigInt, "ps_availqty", planner.TypeInt, "ps_supplycost", dec),
		"supplier": schema("s_suppkey", planner.TypeBigInt, "s_name", planner.TypeString),
		"customer": schema("c_custkey", planner.TypeBigInt, "c_phone", planner.TypeString, "c_acctbal", dec),
	}
}()

// decorKit builds plans by hand. Its helpers are methods so that they do
// not take names in the package other tests may want.
type decorKit struct{ t *testing.T }

func (k decorKit) scan(name string) *planner.Scan {
	return planner.NewScan(name, decorTable{decorTables[name]}, nil)
}

// col refers to the column called name of n's output, for a node whose
// input is n.
func (k decorKit) col(n planner.Node, name string) *planner.Column {
	k.t.Helper()
	idx := n.Schema().FieldIndices(name)
	if len(idx) == 0 {
		k.t.Fatalf("no column %s in %s", name, n.Schema())
	}
	return planner.ColumnRef(n, idx[0])
}

// outer refers to column name of n's output from a subquery depth levels in.
func (k decorKit) outer(depth int, n planner.Node, name string) *planner.OuterColumn {
	k.t.Helper()
	c := k.col(n, name)
	return &planner.OuterColumn{Depth: depth, Index: c.Index, Name: c.Name, DataType: c.DataType, Null: c.Null}
}

func (k decorKit) bin(op planner.BinaryOp, l, r planner.Expr) planner.Expr {
	k.t.Helper()
	var typ arrow.DataType = planner.TypeBoolean
	if op.IsArithmetic() {
		_, _, res, err := planner.ArithmeticTypes(op, l.Type(), r.Type())
		if err != nil {
			k.t.Fatal(err)
		}
		typ = res
	}
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: typ}
}

// cmp compares l and r after casting them to their common type.
func (k decorKit) cmp(op planner.BinaryOp, l, r planner.Expr) planner.Expr {
	k.t.Helper()
	e, err := typedComparison(op, l, r)
	if err != nil {
		k.t.Fatal(err)
	}
	return e
}

func (k decorKit) and(es ...planner.Expr) planner.Expr { return planner.Conjoin(es) }

func (k decorKit) lit(v any, t arrow.DataType) *planner.Literal {
	return &planner.Literal{Value: v, DataType: t}
}

func (k decorKit) decLit(unscaled int64, p, s int32) *planner.Literal {
	return k.lit(decimal128.FromI64(unscaled), planner.Decimal(p, s))
}

func (k decorKit) cross(l, r planner.Node) planner.Node {
	return planner.NewJoin(l, r, planner.JoinInner, nil)
}

func (k decorKit) filter(in planner.Node, pred planner.Expr) planner.Node {
	return &planner.Filter{Input: in, Predicate: pred}
}

// project keeps the named columns of in.
func (k decorKit) project(in planner.Node, names ...string) planner.Node {
	k.t.Helper()
	exprs := make([]planner.Expr, len(names))
	for i, n := range names {
		exprs[i] = k.col(in, n)
	}
	return planner.NewProject(in, exprs, names)
}

// projectAll is SELECT * over in.
func (k decorKit) projectAll(in planner.Node) planner.Node {
	k.t.Helper()
	var names []string
	for _, f := range in.Schema().Fields() {
		names = append(names, f.Name)
	}
	return k.project(in, names...)
}

// aggCall calls f on arg (nil for count(*)) with Spark's result type.
func (k decorKit) aggCall(f planner.AggFunc, arg planner.Expr) *planner.AggregateCall {
	k.t.Helper()
	call := &planner.AggregateCall{Func: f, DataType: planner.TypeBigInt}
	if arg != nil {
		call.Args = []planner.Expr{arg}
	}
	var err error
	switch f {
	case planner.AggSum:
		call.DataType, err = planner.SumType(arg.Type())
	case planner.AggAvg:
		call.DataType, err = planner.AvgType(arg.Type())
	case planner.AggMin, planner.AggMax, planner.AggFirst:
		call.DataType = arg.Type()
	}
	if err != nil {
		k.t.Fatal(err)
	}
	return call
}

// scalarAgg is SELECT call FROM in: an aggregate without GROUP BY.
func (k decorKit) scalarAgg(in planner.Node, name string, call *planner.AggregateCall) planner.Node {
	return planner.NewAggregate(in, nil, []*planner.AggregateCall{call}, []string{name})
}

// checkDecorrelated fails when a subquery expression or an outer reference
// is left anywhere in the plan, or when a column reference does not match
// the input it points into (index out of range, other name or type).
func checkDecorrelated(t *testing.T, n planner.Node) {
	t.Helper()
	var input []arrow.Field
	for _, c := range n.Children() {
		input = append(input, c.Schema().Fields()...)
	}
	var exprs []planner.Expr
	switch n := n.(type) {
	case *planner.Scan:
		exprs = n.Filters
	case *planner.Filter:
		exprs = []planner.Expr{n.Predicate}
	case *planner.Project:
		exprs = n.Exprs
	case *planner.Aggregate:
		exprs = append(exprs, n.GroupBy...)
		for _, a := range n.Aggs {
			exprs = append(exprs, a)
		}
	case *planner.Join:
		if n.Condition != nil {
			exprs = []planner.Expr{n.Condition}
		}
	case *planner.Sort:
		for _, key := range n.Keys {
			exprs = append(exprs, key.Expr)
		}
	}
	var walk func(e planner.Expr)
	walk = func(e planner.Expr) {
		switch x := e.(type) {
		case *planner.ScalarSubquery, *planner.Exists, *planner.InSubquery, *planner.OuterColumn:
			t.Errorf("%s left in %s", e, n)
		case *planner.Column:
			if x.Index >= len(input) {
				t.Errorf("%s out of range of %d input columns in %s", x, len(input), n)
			} else if f := input[x.Index]; !arrow.TypeEqual(f.Type, x.DataType) || f.Name != x.Name {
				t.Errorf("%s points at %s %s in %s", x, f.Name, f.Type, n)
			}
		}
		for _, c := range e.Children() {
			walk(c)
		}
	}
	for _, e := range exprs {
		walk(e)
	}
	for _, c := range n.Children() {
		checkDecorrelated(t, c)
	}
}

// decorSameSchema compares names and types.
func decorSameSchema(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}

func TestDecorrelate(t *testing.T) {
	for _, tc := range decorrelateCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, changed, err := Decorrelate{}.Apply(&Context{}, tc.plan)
			if err != nil {
				t.Fatal(err)
			}
			if !changed {
				t.Error("Apply reported no change")
			}
			if got := planner.Format(out); got != tc.want {
				t.Errorf("got plan\n%s\nwant\n%s", got, tc.want)
			}
			checkDecorrelated(t, out)
			if !decorSameSchema(out.Schema(), tc.plan.Schema()) {
				t.Errorf("schema changed from %s to %s", tc.plan.Schema(), out.Schema())
			}
			again, changed, err := Decorrelate{}.Apply(&Context{}, out)
			if err != nil || changed || again != out {
				t.Errorf("second Apply: changed=%v err=%v", changed, err)
			}
		})
	}
}

func TestDecorrelateErrors(t *testing.T) {
	for _, tc := range decorrelateErrorCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Decorrelate{}.Apply(&Context{}, tc.plan)
			if err == nil {
				t.Fatalf("no error; plan\n%s", planner.Format(out))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestDecorrelateLeavesPlainPlans(t *testing.T) {
	k := decorKit{t}
	orders := k.scan("orders")
	plan := k.project(k.filter(orders, k.cmp(planner.OpGt, k.col(orders, "o_totalprice"), k.decLit(1, 12, 2))), "o_orderkey")
	out, changed, err := Decorrelate{}.Apply(&Context{}, plan)
	if err != nil || changed || out != plan {
		t.Errorf("got changed=%v err=%v, plan\n%s", changed, err, planner.Format(out))
	}
	if (Decorrelate{}).Name() != "decorrelate" {
		t.Errorf("name %q", Decorrelate{}.Name())
	}
}

type decorrelateCase struct {
	name string
	plan planner.Node
	want string
}

func decorrelateCases(t *testing.T) []decorrelateCase {
	k := decorKit{t}
	var cases []decorrelateCase
	add := func(name string, plan planner.Node, want string) {
		cases = append(cases, decorrelateCase{name, plan, strings.TrimLeft(want, "\n")})
	}
	eq := func(l, r planner.Expr) planner.Expr { return k.cmp(planner.OpEq, l, r) }

	{ // TPC-H Q4: EXISTS with one equality and one local predicate.
		orders, li := k.scan("orders"), k.scan("lineitem")
		sub := k.projectAll(k.filter(li, k.and(
			eq(k.col(li, "l_orderkey"), k.outer(1, orders, "o_orderkey")),
			k.cmp(planner.OpLt, k.col(li, "l_commitdate"), k.col(li, "l_receiptdate")))))
		f := k.filter(orders, k.and(
			k.cmp(planner.OpGt, k.col(orders, "o_totalprice"), k.decLit(10000, 12, 2)),
			&planner.Exists{Plan: sub}))
		agg := planner.NewAggregate(f, []planner.Expr{k.col(f, "o_orderpriority")},
			[]*planner.AggregateCall{k.aggCall(planner.AggCountStar, nil)}, []string{"o_orderpriority", "order_count"})
		add("exists", agg, `
Aggregate: groupBy=[o_orderpriority#2], aggs=[count(*)]
  Join: Semi on (o_orderkey#0 = l_orderkey#4)
    Filter: (o_totalprice#3 > 100.00)
      Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
    Filter: (l_commitdate#4 < l_receiptdate#5)
      Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // TPC-H Q21: EXISTS and NOT EXISTS with a non-equi correlated predicate.
		supplier, l1 := k.scan("supplier"), k.scan("lineitem")
		in := k.cross(supplier, l1)
		l2, l3 := k.scan("lineitem"), k.scan("lineitem")
		exists := k.projectAll(k.filter(l2, k.and(
			eq(k.col(l2, "l_orderkey"), k.outer(1, in, "l_orderkey")),
			k.cmp(planner.OpNotEq, k.col(l2, "l_suppkey"), k.outer(1, in, "l_suppkey")))))
		notExists := k.projectAll(k.filter(l3, k.and(
			eq(k.col(l3, "l_orderkey"), k.outer(1, in, "l_orderkey")),
			k.cmp(planner.OpNotEq, k.col(l3, "l_suppkey"), k.outer(1, in, "l_suppkey")),
			k.cmp(planner.OpGt, k.col(l3, "l_receiptdate"), k.col(l3, "l_commitdate")))))
		f := k.filter(in, k.and(
			eq(k.col(in, "s_suppkey"), k.col(in, "l_suppkey")),
			&planner.Exists{Plan: exists},
			&planner.Exists{Plan: notExists, Negated: true},
			k.cmp(planner.OpGt, k.col(in, "l_receiptdate"), k.col(in, "l_commitdate"))))
		add("not exists non-equi", k.project(f, "s_name"), `
Project: s_name#1 AS s_name
  Join: Anti on ((l_orderkey#2 = l_orderkey#8) AND (l_suppkey#4 <> l_suppkey#10))
    Join: Semi on ((l_orderkey#2 = l_orderkey#8) AND (l_suppkey#4 <> l_suppkey#10))
      Filter: ((s_suppkey#0 = l_suppkey#4) AND (l_receiptdate#7 > l_commitdate#6))
        Join: Inner
          Scan: supplier [s_suppkey, s_name]
          Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
      Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
    Filter: (l_receiptdate#5 > l_commitdate#4)
      Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // TPC-H Q18: uncorrelated IN over a grouped subquery with HAVING.
		orders, li := k.scan("orders"), k.scan("lineitem")
		g := planner.NewAggregate(li, []planner.Expr{k.col(li, "l_orderkey")},
			[]*planner.AggregateCall{k.aggCall(planner.AggSum, k.col(li, "l_quantity"))}, []string{"l_orderkey", "sum_qty"})
		sub := k.project(k.filter(g, k.cmp(planner.OpGt, k.col(g, "sum_qty"), k.decLit(30000, 22, 2))), "l_orderkey")
		f := k.filter(orders, &planner.InSubquery{X: k.col(orders, "o_orderkey"), Plan: sub})
		add("in", f, `
Join: Semi on (o_orderkey#0 = l_orderkey#4)
  Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
  Project: l_orderkey#0 AS l_orderkey
    Filter: (sum_qty#1 > 300.00)
      Aggregate: groupBy=[l_orderkey#0], aggs=[sum(l_quantity#3)]
        Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // TPC-H Q16: NOT IN, written as NOT (x IN (...)).
		ps, supplier := k.scan("partsupp"), k.scan("supplier")
		sub := k.project(k.filter(supplier, &planner.Like{X: k.col(supplier, "s_name"), Pattern: k.lit("%Complaints%", planner.TypeString)}), "s_suppkey")
		f := k.filter(ps, k.and(
			k.cmp(planner.OpGt, k.col(ps, "ps_availqty"), k.lit(int32(10), planner.TypeInt)),
			&planner.Not{X: &planner.InSubquery{X: k.col(ps, "ps_suppkey"), Plan: sub}}))
		add("not in", f, `
Join: NullAwareAnti on (ps_suppkey#1 = s_suppkey#4)
  Filter: (ps_availqty#2 > 10)
    Scan: partsupp [ps_partkey, ps_suppkey, ps_availqty, ps_supplycost]
  Project: s_suppkey#0 AS s_suppkey
    Filter: s_name#1 LIKE '%Complaints%'
      Scan: supplier [s_suppkey, s_name]
`)
	}
	{ // TPC-H Q22: an uncorrelated scalar subquery and a correlated NOT EXISTS.
		cust, cust2, orders := k.scan("customer"), k.scan("customer"), k.scan("orders")
		avg := k.scalarAgg(k.filter(cust2, k.cmp(planner.OpGt, k.col(cust2, "c_acctbal"), k.decLit(0, 12, 2))),
			"avg_bal", k.aggCall(planner.AggAvg, k.col(cust2, "c_acctbal")))
		noOrders := k.projectAll(k.filter(orders, eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))))
		f := k.filter(cust, k.and(
			k.cmp(planner.OpGt, k.col(cust, "c_acctbal"), &planner.ScalarSubquery{Plan: avg}),
			&planner.Not{X: &planner.Exists{Plan: noOrders}}))
		add("uncorrelated scalar", k.project(f, "c_phone", "c_acctbal"), `
Project: c_phone#1 AS c_phone, c_acctbal#2 AS c_acctbal
  Project: c_custkey#0 AS c_custkey, c_phone#1 AS c_phone, c_acctbal#2 AS c_acctbal
    Filter: (CAST(c_acctbal#2 AS DECIMAL(16,6)) > avg_bal#3)
      Join: Inner
        Join: Anti on (c_custkey#0 = o_custkey#4)
          Scan: customer [c_custkey, c_phone, c_acctbal]
          Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
        EnforceSingleRow
          Aggregate: groupBy=[], aggs=[avg(c_acctbal#2)]
            Filter: (c_acctbal#2 > 0.00)
              Scan: customer [c_custkey, c_phone, c_acctbal]
`)
	}
	{ // TPC-H Q2: correlated min over a join, equality written outer = inner.
		part, ps := k.scan("part"), k.scan("partsupp")
		in := k.cross(part, ps)
		ps2, supplier := k.scan("partsupp"), k.scan("supplier")
		j := k.cross(ps2, supplier)
		sub := k.scalarAgg(k.filter(j, k.and(
			eq(k.outer(1, in, "p_partkey"), k.col(j, "ps_partkey")),
			eq(k.col(j, "s_suppkey"), k.col(j, "ps_suppkey")))),
			"min_cost", k.aggCall(planner.AggMin, k.col(j, "ps_supplycost")))
		f := k.filter(in, k.and(
			eq(k.col(in, "p_partkey"), k.col(in, "ps_partkey")),
			eq(k.col(in, "ps_supplycost"), &planner.ScalarSubquery{Plan: sub})))
		add("correlated min", k.project(f, "p_name", "ps_supplycost"), `
Project: p_name#1 AS p_name, ps_supplycost#5 AS ps_supplycost
  Project: p_partkey#0 AS p_partkey, p_name#1 AS p_name, ps_partkey#2 AS ps_partkey, ps_suppkey#3 AS ps_suppkey, ps_availqty#4 AS ps_availqty, ps_supplycost#5 AS ps_supplycost
    Filter: (ps_supplycost#5 = min_cost#7)
      Join: Left on (p_partkey#0 = ps_partkey#6)
        Filter: (p_partkey#0 = ps_partkey#2)
          Join: Inner
            Scan: part [p_partkey, p_name]
            Scan: partsupp [ps_partkey, ps_suppkey, ps_availqty, ps_supplycost]
        Aggregate: groupBy=[ps_partkey#0], aggs=[min(ps_supplycost#3)]
          Filter: (s_suppkey#4 = ps_suppkey#1)
            Join: Inner
              Scan: partsupp [ps_partkey, ps_suppkey, ps_availqty, ps_supplycost]
              Scan: supplier [s_suppkey, s_name]
`)
	}
	{ // TPC-H Q17: correlated 0.2 * avg(...).
		li, part := k.scan("lineitem"), k.scan("part")
		in := k.cross(li, part)
		li2 := k.scan("lineitem")
		agg := k.scalarAgg(k.filter(li2, eq(k.col(li2, "l_partkey"), k.outer(1, in, "p_partkey"))),
			"avg_qty", k.aggCall(planner.AggAvg, k.col(li2, "l_quantity")))
		sub := planner.NewProject(agg, []planner.Expr{k.bin(planner.OpMul, k.decLit(2, 1, 1), k.col(agg, "avg_qty"))}, []string{"x"})
		f := k.filter(in, k.and(
			eq(k.col(in, "p_partkey"), k.col(in, "l_partkey")),
			k.cmp(planner.OpLt, k.col(in, "l_quantity"), &planner.ScalarSubquery{Plan: sub})))
		add("correlated avg", k.project(f, "l_quantity"), `
Project: l_quantity#3 AS l_quantity
  Project: l_orderkey#0 AS l_orderkey, l_partkey#1 AS l_partkey, l_suppkey#2 AS l_suppkey, l_quantity#3 AS l_quantity, l_commitdate#4 AS l_commitdate, l_receiptdate#5 AS l_receiptdate, p_partkey#6 AS p_partkey, p_name#7 AS p_name
    Filter: (CAST(l_quantity#3 AS DECIMAL(18,7)) < (0.2 * avg_qty#9))
      Join: Left on (p_partkey#6 = l_partkey#8)
        Filter: (p_partkey#6 = l_partkey#1)
          Join: Inner
            Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
            Scan: part [p_partkey, p_name]
        Aggregate: groupBy=[l_partkey#1], aggs=[avg(l_quantity#3)]
          Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // TPC-H Q20: IN inside IN, with a correlated 0.5 * sum(...) inside.
		supplier, ps, part, li := k.scan("supplier"), k.scan("partsupp"), k.scan("part"), k.scan("lineitem")
		forest := k.project(k.filter(part, &planner.Like{X: k.col(part, "p_name"), Pattern: k.lit("forest%", planner.TypeString)}), "p_partkey")
		sum := k.scalarAgg(k.filter(li, k.and(
			eq(k.col(li, "l_partkey"), k.outer(1, ps, "ps_partkey")),
			eq(k.col(li, "l_suppkey"), k.outer(1, ps, "ps_suppkey")),
			k.cmp(planner.OpGtEq, k.col(li, "l_commitdate"), k.lit(arrow.Date32(8766), planner.TypeDate)))),
			"sum_qty", k.aggCall(planner.AggSum, k.col(li, "l_quantity")))
		half := planner.NewProject(sum, []planner.Expr{k.bin(planner.OpMul, k.decLit(5, 1, 1), k.col(sum, "sum_qty"))}, []string{"half"})
		suppkeys := k.project(k.filter(ps, k.and(
			&planner.InSubquery{X: k.col(ps, "ps_partkey"), Plan: forest},
			k.cmp(planner.OpGt, k.col(ps, "ps_availqty"), &planner.ScalarSubquery{Plan: half}))), "ps_suppkey")
		f := k.filter(supplier, &planner.InSubquery{X: k.col(supplier, "s_suppkey"), Plan: suppkeys})
		add("nested in with correlated sum", f, `
Join: Semi on (s_suppkey#0 = ps_suppkey#2)
  Scan: supplier [s_suppkey, s_name]
  Project: ps_suppkey#1 AS ps_suppkey
    Project: ps_partkey#0 AS ps_partkey, ps_suppkey#1 AS ps_suppkey, ps_availqty#2 AS ps_availqty, ps_supplycost#3 AS ps_supplycost
      Filter: (CAST(ps_availqty#2 AS DECIMAL(24,3)) > (0.5 * sum_qty#6))
        Join: Left on ((ps_partkey#0 = l_partkey#4) AND (ps_suppkey#1 = l_suppkey#5))
          Join: Semi on (ps_partkey#0 = p_partkey#4)
            Scan: partsupp [ps_partkey, ps_suppkey, ps_availqty, ps_supplycost]
            Project: p_partkey#0 AS p_partkey
              Filter: p_name#1 LIKE 'forest%'
                Scan: part [p_partkey, p_name]
          Aggregate: groupBy=[l_partkey#1, l_suppkey#2], aggs=[sum(l_quantity#3)]
            Filter: (l_commitdate#4 >= DATE '1994-01-01')
              Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // A correlated equality pulled above a GROUP BY with HAVING: the
		// inner column joins the group keys, the HAVING moves with the sums.
		supplier, li := k.scan("supplier"), k.scan("lineitem")
		g := planner.NewAggregate(k.filter(li, eq(k.col(li, "l_suppkey"), k.outer(1, supplier, "s_suppkey"))),
			[]planner.Expr{k.col(li, "l_orderkey")},
			[]*planner.AggregateCall{k.aggCall(planner.AggSum, k.col(li, "l_quantity"))}, []string{"l_orderkey", "qty"})
		having := k.project(k.filter(g, k.cmp(planner.OpGt, k.col(g, "qty"), k.decLit(10000, 22, 2))), "l_orderkey")
		f := k.filter(supplier, &planner.Exists{Plan: having})
		add("exists over group by", f, `
Join: Semi on (s_suppkey#0 = l_suppkey#3)
  Scan: supplier [s_suppkey, s_name]
  Filter: (qty#2 > 100.00)
    Aggregate: groupBy=[l_orderkey#0, l_suppkey#2], aggs=[sum(l_quantity#3)]
      Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	{ // A correlated count in the select list: the COUNT bug.
		cust, orders := k.scan("customer"), k.scan("orders")
		cnt := k.scalarAgg(k.filter(orders, eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))),
			"n", k.aggCall(planner.AggCountStar, nil))
		p := planner.NewProject(cust, []planner.Expr{k.col(cust, "c_custkey"), &planner.ScalarSubquery{Plan: cnt}}, []string{"c_custkey", "orders"})
		add("correlated count", p, `
Project: c_custkey#0 AS c_custkey, coalesce(n#4, 0) AS orders
  Join: Left on (c_custkey#0 = o_custkey#3)
    Scan: customer [c_custkey, c_phone, c_acctbal]
    Aggregate: groupBy=[o_custkey#1], aggs=[count(*)]
      Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
`)
	}
	{ // count(...) + 1 with HAVING, and an outer reference in the select list.
		cust, orders := k.scan("customer"), k.scan("orders")
		cnt := k.scalarAgg(k.filter(orders, eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))),
			"n", k.aggCall(planner.AggCount, k.col(orders, "o_orderkey")))
		having := k.filter(cnt, k.cmp(planner.OpGt, k.col(cnt, "n"), k.lit(int64(1), planner.TypeBigInt)))
		sel := planner.NewProject(having, []planner.Expr{k.bin(planner.OpAdd, k.col(having, "n"), k.outer(1, cust, "c_custkey"))}, []string{"x"})
		p := planner.NewProject(cust, []planner.Expr{&planner.ScalarSubquery{Plan: sel}}, []string{"x"})
		add("correlated count having", p, `
Project: CASE WHEN (coalesce(n#4, 0) > 1) THEN (coalesce(n#4, 0) + c_custkey#0) END AS x
  Join: Left on (c_custkey#0 = o_custkey#3)
    Scan: customer [c_custkey, c_phone, c_acctbal]
    Aggregate: groupBy=[o_custkey#1], aggs=[count(o_orderkey#0)]
      Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
`)
	}
	{ // EXISTS and NOT IN under OR become Mark joins.
		cust, o1, o2 := k.scan("customer"), k.scan("orders"), k.scan("orders")
		exists := k.projectAll(k.filter(o1, eq(k.col(o1, "o_custkey"), k.outer(1, cust, "c_custkey"))))
		in := k.project(k.filter(o2, eq(k.col(o2, "o_orderpriority"), k.outer(1, cust, "c_phone"))), "o_custkey")
		f := k.filter(cust, k.and(
			&planner.Binary{Op: planner.OpOr, Left: k.cmp(planner.OpGt, k.col(cust, "c_acctbal"), k.decLit(0, 12, 2)), Right: &planner.Exists{Plan: exists}, DataType: planner.TypeBoolean},
			&planner.Binary{Op: planner.OpOr, Left: k.cmp(planner.OpEq, k.col(cust, "c_phone"), k.lit("x", planner.TypeString)),
				Right: &planner.InSubquery{X: k.col(cust, "c_custkey"), Plan: in, Negated: true}, DataType: planner.TypeBoolean}))
		add("mark joins under or", f, `
Project: c_custkey#0 AS c_custkey, c_phone#1 AS c_phone, c_acctbal#2 AS c_acctbal
  Filter: (((c_acctbal#2 > 0.00) OR coalesce(mark#3, FALSE)) AND ((c_phone#1 = 'x') OR NOT mark#4))
    Join: Mark on ((c_custkey#0 = o_custkey#4) AND (c_phone#1 = o_orderpriority#5))
      Join: Mark on (c_custkey#0 = o_custkey#4)
        Scan: customer [c_custkey, c_phone, c_acctbal]
        Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
      Project: o_custkey#1 AS o_custkey, o_orderpriority#2 AS o_orderpriority
        Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
`)
	}
	{ // Uncorrelated EXISTS in a select list.
		cust, orders := k.scan("customer"), k.scan("orders")
		big := k.projectAll(k.filter(orders, k.cmp(planner.OpGt, k.col(orders, "o_totalprice"), k.decLit(100000, 12, 2))))
		p := planner.NewProject(cust, []planner.Expr{k.col(cust, "c_custkey"), &planner.Exists{Plan: big}}, []string{"c_custkey", "any_big"})
		add("uncorrelated exists in select list", p, `
Project: c_custkey#0 AS c_custkey, coalesce(mark#3, FALSE) AS any_big
  Join: Mark
    Scan: customer [c_custkey, c_phone, c_acctbal]
    Filter: (o_totalprice#3 > 1000.00)
      Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
`)
	}
	{ // A correlated scalar subquery without aggregate: a Single join.
		li, orders := k.scan("lineitem"), k.scan("orders")
		prio := k.project(k.filter(orders, eq(k.col(orders, "o_orderkey"), k.outer(1, li, "l_orderkey"))), "o_orderpriority")
		p := planner.NewProject(li, []planner.Expr{k.col(li, "l_orderkey"), &planner.ScalarSubquery{Plan: prio}}, []string{"l_orderkey", "prio"})
		add("correlated scalar single", p, `
Project: l_orderkey#0 AS l_orderkey, o_orderpriority#6 AS prio
  Join: Single on (l_orderkey#0 = o_orderkey#7)
    Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
    Project: o_orderpriority#2 AS o_orderpriority, o_orderkey#0 AS o_orderkey
      Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
`)
	}
	{ // A reference two levels out, in the select list of a nested scalar
		// subquery: it becomes a reference one level out, pulled up in turn.
		cust, orders, li := k.scan("customer"), k.scan("orders"), k.scan("lineitem")
		mx := k.scalarAgg(k.filter(li, eq(k.col(li, "l_orderkey"), k.outer(1, orders, "o_orderkey"))),
			"mx", k.aggCall(planner.AggMax, k.col(li, "l_quantity")))
		plus := planner.NewProject(mx, []planner.Expr{k.bin(planner.OpAdd, k.col(mx, "mx"), k.outer(2, cust, "c_acctbal"))}, []string{"y"})
		exists := k.projectAll(k.filter(orders, k.and(
			eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey")),
			k.cmp(planner.OpGt, k.col(orders, "o_totalprice"), &planner.ScalarSubquery{Plan: plus}))))
		f := k.filter(cust, &planner.Exists{Plan: exists})
		add("depth two", f, `
Join: Semi on ((c_custkey#0 = o_custkey#4) AND (CAST(o_totalprice#6 AS DECIMAL(13,2)) > (mx#8 + c_acctbal#2)))
  Scan: customer [c_custkey, c_phone, c_acctbal]
  Join: Left on (o_orderkey#0 = l_orderkey#4)
    Scan: orders [o_orderkey, o_custkey, o_orderpriority, o_totalprice]
    Aggregate: groupBy=[l_orderkey#0], aggs=[max(l_quantity#3)]
      Scan: lineitem [l_orderkey, l_partkey, l_suppkey, l_quantity, l_commitdate, l_receiptdate]
`)
	}
	return cases
}

func decorrelateErrorCases(t *testing.T) []decorrelateCase {
	k := decorKit{t}
	eq := func(l, r planner.Expr) planner.Expr { return k.cmp(planner.OpEq, l, r) }
	var cases []decorrelateCase
	{ // ORDER BY ... LIMIT 1 over a correlated filter.
		cust, orders := k.scan("customer"), k.scan("orders")
		f := k.filter(orders, eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey")))
		top := &planner.Sort{Input: k.project(f, "o_orderkey"), Keys: []planner.SortKey{{Expr: k.col(f, "o_orderkey")}}, Fetch: 1}
		p := planner.NewProject(cust, []planner.Expr{&planner.ScalarSubquery{Plan: top}}, []string{"first_order"})
		cases = append(cases, decorrelateCase{"limit", p, "correlated subquery not supported here: an outer reference below a LIMIT"})
	}
	{ // A non-equality correlation below an aggregate.
		cust, orders := k.scan("customer"), k.scan("orders")
		cnt := k.scalarAgg(k.filter(orders, k.cmp(planner.OpLt, k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))),
			"n", k.aggCall(planner.AggCountStar, nil))
		p := planner.NewProject(cust, []planner.Expr{&planner.ScalarSubquery{Plan: cnt}}, []string{"n"})
		cases = append(cases, decorrelateCase{"non-equi aggregate", p, "correlated subquery not supported here: the correlated predicate (o_custkey#1 < outer(c_custkey#0)) of a scalar subquery over an aggregate is not an equality"})
	}
	{ // A reference two levels out that ends in a Semi join's condition.
		cust, orders, li := k.scan("customer"), k.scan("orders"), k.scan("lineitem")
		keys := k.project(k.filter(li, k.cmp(planner.OpGt, k.col(li, "l_quantity"), k.outer(2, cust, "c_acctbal"))), "l_orderkey")
		exists := k.projectAll(k.filter(orders, k.and(
			eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey")),
			&planner.InSubquery{X: k.col(orders, "o_orderkey"), Plan: keys})))
		f := k.filter(cust, &planner.Exists{Plan: exists})
		cases = append(cases, decorrelateCase{"depth two in semi join", f, "correlated subquery not supported here: an outer reference in the condition of a Semi join"})
	}
	{ // An outer reference in the select list of an IN subquery.
		cust, orders := k.scan("customer"), k.scan("orders")
		sel := planner.NewProject(orders, []planner.Expr{k.bin(planner.OpAdd, k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))}, []string{"k"})
		f := k.filter(cust, &planner.InSubquery{X: k.col(cust, "c_custkey"), Plan: sel})
		cases = append(cases, decorrelateCase{"outer in select list", f, "correlated subquery not supported here: an outer reference in the select list"})
	}
	{ // A correlated predicate below an aggregate without GROUP BY, under a join.
		cust, orders := k.scan("customer"), k.scan("orders")
		cnt := k.scalarAgg(k.filter(orders, eq(k.col(orders, "o_custkey"), k.outer(1, cust, "c_custkey"))),
			"n", k.aggCall(planner.AggCountStar, nil))
		f := k.filter(cust, &planner.InSubquery{X: k.col(cust, "c_custkey"), Plan: cnt})
		cases = append(cases, decorrelateCase{"scalar aggregate in IN", f, "correlated subquery not supported here: a correlated predicate below an aggregate without GROUP BY"})
	}
	{ // A subquery in a join condition.
		cust, orders, li := k.scan("customer"), k.scan("orders"), k.scan("lineitem")
		j := planner.NewJoin(cust, orders, planner.JoinInner, &planner.Exists{Plan: li})
		cases = append(cases, decorrelateCase{"subquery in join condition", j, "subquery expression not supported in Join: Inner on EXISTS"})
	}
	return cases
}
