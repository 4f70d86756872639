package dbgen

import (
	"slices"
	"strconv"
)

// columnDef is one column of a table. dict says whether Parquet should
// dictionary-encode it: worth it for the few-valued columns, a waste of
// time for keys, prices and free text. A kindEnum column has its values
// listed in enum, and is always dictionary-encoded, with that dictionary.
type columnDef struct {
	name string
	kind kind
	dict bool
	enum []string
}

// The value lists of the enum columns that are not one of dbgen's
// distributions. Return flags are R or A, drawn from a distribution, or N.
var (
	mfgrNames     = numbered("Manufacturer#", 1, 5)
	brandNames    = brands()
	orderStatuses = []string{"F", "O", "P"}
	returnFlags   = append(slices.Clone(distReturnFlags.values), "N")
	lineStatuses  = []string{"F", "O"}
)

// Codes of enum values the generators use directly.
const (
	statusF, statusO, statusP = 0, 1, 2
	returnFlagNone            = 2 // N
	lineFilled, lineOpen      = 0, 1
)

func numbered(prefix string, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

// brands lists Brand#MN, manufacturer M and brand N from 1 to 5: the code
// of Brand#MN is 5(M-1)+(N-1).
func brands() []string {
	var out []string
	for m := 1; m <= 5; m++ {
		out = append(out, numbered("Brand#"+strconv.Itoa(m), 1, 5)...)
	}
	return out
}

// table describes one TPC-H table and how to generate it.
//
// A table is generated in "generator rows": a row of the table, except for
// partsupp (a part: its four rows) and lineitem (an order: its one to seven
// lines), whose random streams advance per part and per order.
type table struct {
	name    string
	columns []columnDef
	// base is the number of generator rows at scale factor 1; fixed, if
	// not 0, is the number whatever the scale factor.
	base, fixed int64
	// perChunk is the number of generator rows in a chunk (a row group).
	perChunk int64
	// gen appends generator rows [first, first+n) to c.
	gen func(e *env, c *chunk, first, n int64)
}

// rowGroupRows is the target number of rows in a chunk: the engine runs a
// task per row group.
const rowGroupRows = 122880

// env is what the generators share: the scale factor and what follows
// from it.
type env struct {
	sf   float64
	pool []byte
	// The number of suppliers, parts and customers, and the highest clerk
	// number.
	suppliers, parts, customers, clerks int64
}

func newEnv(sf float64, pool []byte) *env {
	return &env{
		sf:        sf,
		pool:      pool,
		suppliers: scaled(supplierBase, sf),
		parts:     scaled(partBase, sf),
		customers: scaled(customerBase, sf),
		clerks:    max(scaled(clerkBase, sf), clerkBase),
	}
}

// Table sizes at scale factor 1.
const (
	supplierBase = 10_000
	partBase     = 200_000
	customerBase = 150_000
	orderBase    = 1_500_000
	clerkBase    = 1000
)

// scaled is base·sf, truncated, as dbgen computes a table's size.
func scaled(base int64, sf float64) int64 { return int64(float64(base) * sf) }

// generatorRows is the number of generator rows of t at scale factor sf.
func (t *table) generatorRows(sf float64) int64 {
	if t.fixed != 0 {
		return t.fixed
	}
	return scaled(t.base, sf)
}

// tables lists the eight tables in the order they are generated and
// reported.
var tables = []*table{
	{
		name: "nation", fixed: 25, perChunk: 25, gen: genNation,
		columns: []columnDef{
			{name: "n_nationkey", kind: kindInt32},
			{name: "n_name", kind: kindText},
			{name: "n_regionkey", kind: kindInt32, dict: true},
			{name: "n_comment", kind: kindText},
		},
	},
	{
		name: "region", fixed: 5, perChunk: 5, gen: genRegion,
		columns: []columnDef{
			{name: "r_regionkey", kind: kindInt32},
			{name: "r_name", kind: kindText},
			{name: "r_comment", kind: kindText},
		},
	},
	{
		name: "part", base: partBase, perChunk: rowGroupRows, gen: genPart,
		columns: []columnDef{
			{name: "p_partkey", kind: kindInt64},
			{name: "p_name", kind: kindText},
			{name: "p_mfgr", kind: kindEnum, enum: mfgrNames},
			{name: "p_brand", kind: kindEnum, enum: brandNames},
			{name: "p_type", kind: kindEnum, enum: distTypes.values},
			{name: "p_size", kind: kindInt32, dict: true},
			{name: "p_container", kind: kindEnum, enum: distContainers.values},
			{name: "p_retailprice", kind: kindMoney},
			{name: "p_comment", kind: kindText},
		},
	},
	{
		name: "supplier", base: supplierBase, perChunk: rowGroupRows, gen: genSupplier,
		columns: []columnDef{
			{name: "s_suppkey", kind: kindInt64},
			{name: "s_name", kind: kindText},
			{name: "s_address", kind: kindText},
			{name: "s_nationkey", kind: kindInt32, dict: true},
			{name: "s_phone", kind: kindText},
			{name: "s_acctbal", kind: kindMoney},
			{name: "s_comment", kind: kindText},
		},
	},
	{
		name: "partsupp", base: partBase, perChunk: rowGroupRows / suppliersPerPart, gen: genPartSupp,
		columns: []columnDef{
			{name: "ps_partkey", kind: kindInt64},
			{name: "ps_suppkey", kind: kindInt64},
			{name: "ps_availqty", kind: kindInt64},
			{name: "ps_supplycost", kind: kindMoney},
			{name: "ps_comment", kind: kindText},
		},
	},
	{
		name: "customer", base: customerBase, perChunk: rowGroupRows, gen: genCustomer,
		columns: []columnDef{
			{name: "c_custkey", kind: kindInt64},
			{name: "c_name", kind: kindText},
			{name: "c_address", kind: kindText},
			{name: "c_nationkey", kind: kindInt32, dict: true},
			{name: "c_phone", kind: kindText},
			{name: "c_acctbal", kind: kindMoney},
			{name: "c_mktsegment", kind: kindEnum, enum: distSegments.values},
			{name: "c_comment", kind: kindText},
		},
	},
	{
		name: "orders", base: orderBase, perChunk: rowGroupRows, gen: genOrders,
		columns: []columnDef{
			{name: "o_orderkey", kind: kindInt64},
			{name: "o_custkey", kind: kindInt64},
			{name: "o_orderstatus", kind: kindEnum, enum: orderStatuses},
			{name: "o_totalprice", kind: kindMoney},
			{name: "o_orderdate", kind: kindDate, dict: true},
			{name: "o_orderpriority", kind: kindEnum, enum: distPriorities.values},
			{name: "o_clerk", kind: kindText, dict: true},
			{name: "o_shippriority", kind: kindInt32, dict: true},
			{name: "o_comment", kind: kindText},
		},
	},
	{
		// An order has four lines on average.
		name: "lineitem", base: orderBase, perChunk: rowGroupRows / 4, gen: genLineitem,
		columns: []columnDef{
			{name: "l_orderkey", kind: kindInt64},
			{name: "l_partkey", kind: kindInt64},
			{name: "l_suppkey", kind: kindInt64},
			{name: "l_linenumber", kind: kindInt64, dict: true},
			{name: "l_quantity", kind: kindMoney, dict: true},
			{name: "l_extendedprice", kind: kindMoney},
			{name: "l_discount", kind: kindMoney, dict: true},
			{name: "l_tax", kind: kindMoney, dict: true},
			{name: "l_returnflag", kind: kindEnum, enum: returnFlags},
			{name: "l_linestatus", kind: kindEnum, enum: lineStatuses},
			{name: "l_shipdate", kind: kindDate, dict: true},
			{name: "l_commitdate", kind: kindDate, dict: true},
			{name: "l_receiptdate", kind: kindDate, dict: true},
			{name: "l_shipinstruct", kind: kindEnum, enum: distInstructions.values},
			{name: "l_shipmode", kind: kindEnum, enum: distShipModes.values},
			{name: "l_comment", kind: kindText},
		},
	},
}

// tableByName returns the table called name, or nil.
func tableByName(name string) *table {
	for _, t := range tables {
		if t.name == name {
			return t
		}
	}
	return nil
}
