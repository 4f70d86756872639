package ember_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ember-sql/ember"
)

// The PySpark getting-started example: a DataFrame from Go values, and the
// average age.
func Example() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	people := s.CreateDataFrame([][]any{{"Alice", 1}, {"Bob", 2}, {"Charlie", 3}}, "Name", "Age")
	avg, err := people.Agg(ember.Avg("Age")).Head(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(avg.Get(0))
	// Output: 2
}

// A Dask-style computation: the mean of 100 million uniform random numbers
// drawn in 100 partitions, computed in parallel without holding them.
func ExampleSession_Range() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	numbers := s.Range(0, 100_000_000, 1, 100).Select(ember.Rand(42).Alias("x"))
	mean, err := numbers.Agg(ember.Avg("x")).Head(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", mean.Get(0))
	// Output: 0.500
}

// TPC-H Q1, the pricing summary report, written with the DataFrame API.
func ExampleDataFrame_GroupBy() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	lineitem := s.Read().Parquet("testdata/tpch/sf0.01/lineitem.parquet")
	price := ember.Col("l_extendedprice")
	discounted := price.Mul(ember.Lit(1).Sub(ember.Col("l_discount")))
	q1 := lineitem.
		Filter(ember.Col("l_shipdate").Le(ember.DateLit("1998-12-01").Sub(ember.Expr("interval '90' day")))).
		GroupBy("l_returnflag", "l_linestatus").
		Agg(
			ember.Sum("l_quantity").Alias("sum_qty"),
			ember.Sum(price).Alias("sum_base_price"),
			ember.Sum(discounted).Alias("sum_disc_price"),
			ember.Sum(discounted.Mul(ember.Lit(1).Add(ember.Col("l_tax")))).Alias("sum_charge"),
			ember.Round(ember.Avg("l_quantity"), 2).Alias("avg_qty"),
			ember.Count("*").Alias("count_order"),
		).
		OrderBy("l_returnflag", "l_linestatus")
	if err := q1.ShowTo(ctx, os.Stdout, 10); err != nil {
		panic(err)
	}
	// Output:
	//  l_returnflag | l_linestatus |   sum_qty | sum_base_price | sum_disc_price |        sum_charge | avg_qty | count_order
	// --------------+--------------+-----------+----------------+----------------+-------------------+---------+-------------
	//  A            | F            | 380456.00 |   532348211.65 | 505822441.4861 |  526165934.000839 |   25.58 |       14876
	//  N            | F            |   8971.00 |    12384801.37 |  11798257.2080 |   12282485.056933 |   25.78 |         348
	//  N            | O            | 742802.00 |  1041502841.45 | 989737518.6346 | 1029418531.523350 |   25.45 |       29181
	//  R            | F            | 381449.00 |   534594445.35 | 507996454.4067 |  528524219.358903 |   25.60 |       14902
	// (4 rows)
}

// TPC-H Q3, the shipping priority query: three joined tables, the ten
// unshipped orders of highest value.
func ExampleDataFrame_Join() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for _, t := range []string{"customer", "orders", "lineitem"} {
		if err := s.RegisterPath(ctx, t, filepath.Join("testdata/tpch/sf0.01", t+".parquet")); err != nil {
			panic(err)
		}
	}

	customer := s.Table("customer").Filter(ember.Col("c_mktsegment").Eq("BUILDING"))
	orders := s.Table("orders").Filter(ember.Col("o_orderdate").Lt(ember.DateLit("1995-03-15")))
	lineitem := s.Table("lineitem").Filter(ember.Col("l_shipdate").Gt(ember.DateLit("1995-03-15")))
	revenue := ember.Col("l_extendedprice").Mul(ember.Lit(1).Sub(ember.Col("l_discount")))
	q3 := customer.
		Join(orders, ember.Col("c_custkey").Eq(ember.Col("o_custkey")), "inner").
		Join(lineitem, ember.Col("l_orderkey").Eq(ember.Col("o_orderkey")), "inner").
		GroupBy("l_orderkey", "o_orderdate", "o_shippriority").
		Agg(ember.Sum(revenue).Alias("revenue")).
		OrderBy(ember.Col("revenue").Desc(), ember.Col("o_orderdate")).
		Limit(3)

	rows, err := q3.Rows(ctx)
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	for rows.Next() {
		var order, priority int64
		var date time.Time
		var revenue any // DECIMAL(38,4): a value whose String is exact
		if err := rows.Scan(&order, &date, &priority, &revenue); err != nil {
			panic(err)
		}
		fmt.Println(order, date.Format(time.DateOnly), priority, revenue)
	}
	if err := rows.Err(); err != nil {
		panic(err)
	}
	// Output:
	// 47714 1995-03-11 0 267010.5894
	// 22276 1995-01-29 0 266351.5562
	// 32965 1995-02-25 0 263768.3414
}

// A join and a window function: each employee's rank by salary within
// their department, with the department's name.
func ExampleColumn_Over() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	type employee struct {
		Name   string
		Dept   int64
		Salary int64
	}
	employees := s.CreateDataFrame([]employee{
		{"Ann", 1, 5000}, {"Bob", 1, 4000}, {"Cid", 2, 4500}, {"Dee", 2, 6000}, {"Eve", 1, 5000},
	})
	depts := s.CreateDataFrame([][]any{{1, "Sales"}, {2, "Research"}}, "Dept", "DeptName")

	byPay := ember.Window().PartitionBy("Dept").OrderBy(ember.Col("Salary").Desc())
	ranked := employees.
		Join(depts, "Dept", "inner").
		Select(ember.Col("DeptName"), ember.Col("Name"), ember.Col("Salary"), ember.Rank().Over(byPay).Alias("rank")).
		OrderBy("DeptName", "rank", "Name")
	if err := ranked.ShowTo(ctx, os.Stdout, 0); err != nil {
		panic(err)
	}
	// Output:
	//  DeptName | Name | Salary | rank
	// ----------+------+--------+------
	//  Research | Dee  |   6000 |    1
	//  Research | Cid  |   4500 |    2
	//  Sales    | Ann  |   5000 |    1
	//  Sales    | Eve  |   5000 |    1
	//  Sales    | Bob  |   4000 |    3
	// (5 rows)
}

// Writing a DataFrame as Parquet, partitioned by a column, and reading it
// back: the partition column returns from the directory names.
func ExampleDataFrameWriter_Parquet() {
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	dir, err := os.MkdirTemp("", "ember-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "sales")

	sales := s.CreateDataFrame([][]any{{"2024", "north", 10.5}, {"2024", "south", 7.25}, {"2025", "north", 3.0}}, "year", "region", "amount")
	if err := sales.Write().Mode("overwrite").PartitionBy("year").Parquet(ctx, out); err != nil {
		panic(err)
	}
	back := s.Read().Parquet(out)
	totals := back.GroupBy("year").Agg(ember.Sum("amount").Alias("total")).OrderBy("year")
	if err := totals.ShowTo(ctx, os.Stdout, 0); err != nil {
		panic(err)
	}
	// Output:
	//  year | total
	// ------+-------
	//  2024 | 17.75
	//  2025 |     3
	// (2 rows)
}
