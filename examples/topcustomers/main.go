// Command topcustomers is a DataFrame program to hand to a cluster with
// `ember submit`: it lists the customers who spent most on orders, from a
// directory of TPC-H tables (ember gen tpch).
//
//	ember submit --master 127.0.0.1:7077 ./examples/topcustomers testdata/tpch/sf0.01
//
// ember submit builds it and runs it with EMBER_MASTER set, so
// ember.NewSession runs its queries on that cluster; run alone (go run) it
// runs them in-process.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ember-sql/ember"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: topcustomers TPCH_DIR")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dir string) error {
	s, err := ember.NewSession(ctx, ember.WithAppName("topcustomers"))
	if err != nil {
		return err
	}
	defer s.Close()
	read := func(table string) *ember.DataFrame {
		return s.Read().Parquet(filepath.Join(dir, table+".parquet"))
	}
	customers, orders := read("customer"), read("orders")
	spent := orders.GroupBy("o_custkey").Agg(
		ember.Sum("o_totalprice").Alias("spent"),
		ember.Count("*").Alias("orders"))
	top := customers.
		Join(spent, ember.Col("c_custkey").Eq(ember.Col("o_custkey")), "inner").
		Select("c_name", "orders", "spent").
		OrderBy(ember.Col("spent").Desc(), "c_name").
		Limit(5)
	fmt.Printf("running on %s\n", s.Master())
	return top.Show(ctx, 5)
}
