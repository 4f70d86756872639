package ember

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/tpch"
)

// revenue is l_extendedprice * (1 - l_discount), the TPC-H revenue of a
// line.
func revenue() Column {
	return Col("l_extendedprice").Mul(Lit(1).Sub(Col("l_discount")))
}

// tpchDataFrames are TPC-H queries written with the DataFrame API, the way
// a Spark user would write them, each meaning exactly its SQL text.
var tpchDataFrames = map[int]func(s *Session) *DataFrame{
	1: func(s *Session) *DataFrame {
		return s.Table("lineitem").
			Filter(Col("l_shipdate").Le(DateLit("1998-12-01").Sub(Expr("interval '90' day")))).
			GroupBy("l_returnflag", "l_linestatus").
			Agg(
				Sum("l_quantity").Alias("sum_qty"),
				Sum("l_extendedprice").Alias("sum_base_price"),
				Sum(revenue()).Alias("sum_disc_price"),
				Sum(revenue().Mul(Lit(1).Add(Col("l_tax")))).Alias("sum_charge"),
				Avg("l_quantity").Alias("avg_qty"),
				Avg("l_extendedprice").Alias("avg_price"),
				Avg("l_discount").Alias("avg_disc"),
				Count("*").Alias("count_order"),
			).
			OrderBy("l_returnflag", "l_linestatus")
	},
	3: func(s *Session) *DataFrame {
		customer := s.Table("customer").Filter(Col("c_mktsegment").Eq("BUILDING"))
		orders := s.Table("orders").Filter(Col("o_orderdate").Lt(DateLit("1995-03-15")))
		lineitem := s.Table("lineitem").Filter(Col("l_shipdate").Gt(DateLit("1995-03-15")))
		return customer.
			Join(orders, Col("c_custkey").Eq(Col("o_custkey")), "inner").
			Join(lineitem, Col("l_orderkey").Eq(Col("o_orderkey")), "inner").
			GroupBy("l_orderkey", "o_orderdate", "o_shippriority").
			Agg(Sum(revenue()).Alias("revenue")).
			Select("l_orderkey", "revenue", "o_orderdate", "o_shippriority").
			OrderBy(Col("revenue").Desc(), Col("o_orderdate")).
			Limit(10)
	},
	5: func(s *Session) *DataFrame {
		start := DateLit("1994-01-01")
		return s.Table("customer").
			Join(s.Table("orders"), Col("c_custkey").Eq(Col("o_custkey")), "inner").
			Join(s.Table("lineitem"), Col("l_orderkey").Eq(Col("o_orderkey")), "inner").
			Join(s.Table("supplier"), Col("l_suppkey").Eq(Col("s_suppkey")).And(Col("c_nationkey").Eq(Col("s_nationkey"))), "inner").
			Join(s.Table("nation"), Col("s_nationkey").Eq(Col("n_nationkey")), "inner").
			Join(s.Table("region").Filter(Col("r_name").Eq("ASIA")), Col("n_regionkey").Eq(Col("r_regionkey")), "inner").
			Filter(Col("o_orderdate").Ge(start).And(Col("o_orderdate").Lt(start.Add(Expr("interval '1' year"))))).
			GroupBy("n_name").
			Agg(Sum(revenue()).Alias("revenue")).
			OrderBy(Col("revenue").Desc())
	},
	6: func(s *Session) *DataFrame {
		return s.Table("lineitem").
			Where("l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year").
			Filter(Col("l_discount").Between(DecimalLit("0.05"), DecimalLit("0.07")).And(Col("l_quantity").Lt(24))).
			Agg(Sum(Col("l_extendedprice").Mul(Col("l_discount"))).Alias("revenue"))
	},
	10: func(s *Session) *DataFrame {
		start := DateLit("1993-10-01")
		return s.Table("customer").
			Join(s.Table("orders"), Col("c_custkey").Eq(Col("o_custkey")), "inner").
			Join(s.Table("lineitem"), Col("l_orderkey").Eq(Col("o_orderkey")), "inner").
			Join(s.Table("nation"), Col("c_nationkey").Eq(Col("n_nationkey")), "inner").
			Filter(Col("o_orderdate").Ge(start).
				And(Col("o_orderdate").Lt(start.Add(Expr("interval '3' month")))).
				And(Col("l_returnflag").Eq("R"))).
			GroupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment").
			Agg(Sum(revenue()).Alias("revenue")).
			Select("c_custkey", "c_name", "revenue", "c_acctbal", "n_name", "c_address", "c_phone", "c_comment").
			OrderBy(Col("revenue").Desc()).
			Limit(20)
	},
	13: func(s *Session) *DataFrame {
		orders := s.Table("orders").Filter(Not(Col("o_comment").Like("%special%requests%")))
		return s.Table("customer").
			Join(orders, Col("c_custkey").Eq(Col("o_custkey")), "left").
			GroupBy("c_custkey").
			Agg(Count("o_orderkey").Alias("c_count")).
			GroupBy("c_count").
			Agg(Count("*").Alias("custdist")).
			OrderBy(Col("custdist").Desc(), Col("c_count").Desc())
	},
	18: func(s *Session) *DataFrame {
		big := s.Table("lineitem").
			GroupBy("l_orderkey").
			Agg(Sum("l_quantity").Alias("total")).
			Filter(Col("total").Gt(300))
		orders := s.Table("orders")
		return s.Table("customer").
			Join(orders.Join(big, orders.Col("o_orderkey").Eq(big.Col("l_orderkey")), "semi"), Col("c_custkey").Eq(Col("o_custkey")), "inner").
			Join(s.Table("lineitem"), Col("o_orderkey").Eq(Col("l_orderkey")), "inner").
			GroupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice").
			Agg(Sum("l_quantity")).
			OrderBy(Col("o_totalprice").Desc(), Col("o_orderdate")).
			Limit(100)
	},
}

// TestTPCHDataFrames runs the TPC-H queries written with the DataFrame
// API and compares each result with the official answer.
func TestTPCHDataFrames(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	s, err := NewSession(ctx, WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	for n, build := range tpchDataFrames {
		t.Run(tpch.QueryName(n), func(t *testing.T) {
			df := build(s)
			if err := df.Err(); err != nil {
				t.Fatal(err)
			}
			res, err := df.Execute(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := resultStrings(ctx, res, cellText)
			res.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := readAnswer(t, filepath.Join("testdata/tpch/answers/sf0.01", tpch.QueryName(n)+".csv"))
			if err := compareAnswer(got, want); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDataFrameAndSQLPlansAgree checks that a query written with the
// DataFrame API and the same query in SQL optimize to the same plan.
func TestDataFrameAndSQLPlansAgree(t *testing.T) {
	ctx := context.Background()
	s, err := NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	for _, n := range []int{1, 3, 6} {
		text, err := tpch.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		fromSQL := s.SQL(text)
		fromAPI := tpchDataFrames[n](s)
		if err := firstDFErr(fromSQL, fromAPI); err != nil {
			t.Fatal(err)
		}
		a, err := s.planQuery(ctx, fromSQL.Plan(), false)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.planQuery(ctx, fromAPI.Plan(), false)
		if err != nil {
			t.Fatal(err)
		}
		if pa, pb := planner.Format(a.optimized), planner.Format(b.optimized); pa != pb {
			t.Errorf("q%02d: optimized plans differ\nSQL:\n%s\nDataFrame:\n%s", n, pa, pb)
		}
	}
}

func firstDFErr(dfs ...*DataFrame) error {
	for _, d := range dfs {
		if d.Err() != nil {
			return d.Err()
		}
	}
	return nil
}
