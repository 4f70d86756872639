package sql

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// tpchCatalog has the eight TPC-H tables with the column types of the
// Parquet files in testdata/tpch (keys INT64 or INT32 as stored there).
func tpchCatalog(t testing.TB) *catalog.Catalog {
	cat := catalog.New()
	i32, i64, str, date := planner.TypeInt, planner.TypeBigInt, planner.TypeString, planner.TypeDate
	addTable(t, cat, "customer", field("c_custkey", i64), field("c_name", str), field("c_address", str),
		field("c_nationkey", i32), field("c_phone", str), field("c_acctbal", dec152), field("c_mktsegment", str), field("c_comment", str))
	addTable(t, cat, "lineitem", field("l_orderkey", i64), field("l_partkey", i64), field("l_suppkey", i64),
		field("l_linenumber", i64), field("l_quantity", dec152), field("l_extendedprice", dec152), field("l_discount", dec152),
		field("l_tax", dec152), field("l_returnflag", str), field("l_linestatus", str), field("l_shipdate", date),
		field("l_commitdate", date), field("l_receiptdate", date), field("l_shipinstruct", str), field("l_shipmode", str), field("l_comment", str))
	addTable(t, cat, "nation", field("n_nationkey", i32), field("n_name", str), field("n_regionkey", i32), field("n_comment", str))
	addTable(t, cat, "orders", field("o_orderkey", i64), field("o_custkey", i64), field("o_orderstatus", str),
		field("o_totalprice", dec152), field("o_orderdate", date), field("o_orderpriority", str), field("o_clerk", str),
		field("o_shippriority", i32), field("o_comment", str))
	addTable(t, cat, "part", field("p_partkey", i64), field("p_name", str), field("p_mfgr", str), field("p_brand", str),
		field("p_type", str), field("p_size", i32), field("p_container", str), field("p_retailprice", dec152), field("p_comment", str))
	addTable(t, cat, "partsupp", field("ps_partkey", i64), field("ps_suppkey", i64), field("ps_availqty", i64),
		field("ps_supplycost", dec152), field("ps_comment", str))
	addTable(t, cat, "region", field("r_regionkey", i32), field("r_name", str), field("r_comment", str))
	addTable(t, cat, "supplier", field("s_suppkey", i64), field("s_name", str), field("s_address", str),
		field("s_nationkey", i32), field("s_phone", str), field("s_acctbal", dec152), field("s_comment", str))
	return cat
}

// tpchOutputs is the output schema each TPC-H query must bind to: names
// and types.
var tpchOutputs = map[string]string{
	"q01.sql": "l_returnflag VARCHAR, l_linestatus VARCHAR, sum_qty DECIMAL(25,2), sum_base_price DECIMAL(25,2), sum_disc_price DECIMAL(38,4), sum_charge DECIMAL(38,6), avg_qty DECIMAL(19,6), avg_price DECIMAL(19,6), avg_disc DECIMAL(19,6), count_order BIGINT",
	"q06.sql": "revenue DECIMAL(38,4)",
	"q13.sql": "c_count BIGINT, custdist BIGINT",
	"q14.sql": "promo_revenue DECIMAL(38,6)",
}

func TestTPCHQueriesBind(t *testing.T) {
	files, err := filepath.Glob("../tpch/queries/q*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 22 {
		t.Fatalf("found %d TPC-H queries, want 22", len(files))
	}
	cat := tpchCatalog(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			srcs, err := Split(string(text))
			if err != nil {
				t.Fatal(err)
			}
			if len(srcs) != 1 {
				t.Fatalf("split into %d statements, want 1", len(srcs))
			}
			stmt, err := Bind(context.Background(), cat, srcs[0], BindOptions{})
			if err != nil {
				t.Fatal(err)
			}
			q, ok := stmt.(*Query)
			if !ok {
				t.Fatalf("bound to %T, want *Query", stmt)
			}
			if want, ok := tpchOutputs[filepath.Base(f)]; ok {
				if got := schemaText(q.Plan.Schema()); got != want {
					t.Errorf("output schema\n got %s\nwant %s", got, want)
				}
			}
			if testing.Verbose() {
				t.Logf("\n%s", planner.Format(q.Plan))
			}
		})
	}
}

// schemaText renders a schema as "name TYPE, ...".
func schemaText(s *arrow.Schema) string {
	out := ""
	for i, f := range s.Fields() {
		if i > 0 {
			out += ", "
		}
		out += f.Name + " " + planner.TypeName(f.Type)
	}
	return out
}
