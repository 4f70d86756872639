package codec_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/codec"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/optimize"
	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/sql"
	"github.com/ember-sql/ember/tpch"
)

const tpchDir = "../../testdata/tpch/sf0.01"

// tpchCatalog registers the TPC-H tables, a memory table m (k, s) and a
// range table r.
func tpchCatalog(t *testing.T, mem memory.Allocator) *catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	cat := catalog.New()
	put := func(name string, tbl catalog.Table) {
		if err := cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindTable, Table: tbl, Schema: tbl.Schema()}, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		tbl, err := catalog.OpenFiles(ctx, "", filepath.Join(tpchDir, name+".parquet"), nil)
		if err != nil {
			t.Fatal(err)
		}
		put(name, tbl)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 100 {
		b.Field(0).(*array.Int64Builder).Append(int64(i % 7))
		if i%5 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("s%d", i))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	mt := catalog.NewMemTable(schema, []arrow.RecordBatch{rec}, 3)
	t.Cleanup(mt.Release)
	put("m", mt)
	rt, err := catalog.NewRangeTable(0, 1000, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	put("r", rt)
	return cat
}

// planSQL plans a query the way the session does.
func planSQL(t *testing.T, cat *catalog.Catalog, text string) *physical.StagePlan {
	t.Helper()
	ctx := context.Background()
	st, err := sql.Bind(ctx, cat, sql.Source{Text: text, Line: 1, Col: 1}, sql.BindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q, ok := st.(*sql.Query)
	if !ok {
		t.Fatalf("%T is not a query", st)
	}
	opt, err := optimize.Optimize(&optimize.Context{TargetPartitions: 4, Fold: eval.EvalConstant}, q.Plan, optimize.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	phys, err := physical.Plan(ctx, opt, physical.Config{
		ShufflePartitions: 4, MaxScanPartitions: 4, BroadcastRows: 1000, PartialSchema: exec.PartialSchema,
	})
	if err != nil {
		t.Fatal(err)
	}
	return physical.SplitStages(phys)
}

// runPlan runs a stage plan locally and returns its rows as text.
func runPlan(t *testing.T, sp *physical.StagePlan, mem memory.Allocator) tpch.Table {
	t.Helper()
	s := &cluster.LocalScheduler{Slots: 2, BatchSize: 1024}
	rs := s.Run(context.Background(), sp, mem, nil)
	defer rs.Close()
	tbl, err := tpch.ReadTable(context.Background(), rs)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// roundTripPlan encodes a stage plan, sends it through bytes and decodes
// it, checking the text is unchanged.
func roundTripPlan(t *testing.T, sp *physical.StagePlan) (*physical.StagePlan, *emberpb.StagePlan) {
	t.Helper()
	m, err := codec.EncodeStagePlan(sp)
	if err != nil {
		t.Fatal(err)
	}
	m = roundTripBytes(t, m)
	got, err := codec.DecodeStagePlan(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != sp.String() {
		t.Fatalf("decoded plan\n%s\nwant\n%s", got, sp)
	}
	return got, m
}

// extraQueries reach the plan nodes and expressions TPC-H does not:
// windows, unions, values, nested-loop joins, single-row checks, memory
// and range tables, LIKE, IN lists, CASE, casts, intervals.
var extraQueries = []string{
	`select k, s, row_number() over (partition by k order by s nulls first) as rn,
	        sum(k) over (order by s rows between 2 preceding and current row) as w,
	        lag(s, 1, 'none') over (partition by k order by s) as prev from m`,
	`select k from m union all select id from r where id < 10`,
	`select * from (values (1, 'a'), (2, null), (3, 'c')) as v(x, y) where y is not null or x = 2`,
	`select count(*) from m a, m b where a.k < b.k`,
	`select id, (select max(k) from m) as mk from r where id < 5`,
	`select n_name, case when n_regionkey in (1, 2) then 'x' when n_name like 'A%' then 'a' else null end as c,
	        cast(n_nationkey as decimal(10,2)) * 1.5 as d, date '1995-01-01' + interval '1' month as dt
	 from nation where n_name not like '%Z%' and n_comment ilike '%the%'`,
	`select s, count(distinct k) from m group by s having count(*) > 0`,
	`select id from r where id between 100 and 110 order by id desc limit 3 offset 1`,
}

// TestStagePlanRoundTrip plans the 22 TPC-H queries and the extra
// queries, checks the decoded plans format the same, and runs both to
// compare their rows.
func TestStagePlanRoundTrip(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	// A cleanup, not a defer: it must run after the catalog's.
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	cat := tpchCatalog(t, mem)
	type query struct {
		name, text string
		ordered    bool
	}
	var queries []query
	for n := 1; n <= 22; n++ {
		text, err := tpch.Query(n)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, query{tpch.QueryName(n), text, true})
	}
	for i, text := range extraQueries {
		queries = append(queries, query{fmt.Sprintf("extra%d", i), text, false})
	}
	kinds := map[string]bool{}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			sp := planSQL(t, cat, q.text)
			got, m := roundTripPlan(t, sp)
			for _, st := range got.Stages {
				nodeKinds(st.Root, kinds)
			}
			if len(m.Tables) > 10 {
				t.Errorf("%d table specs: tables are not shared", len(m.Tables))
			}
			want := runPlan(t, sp, mem)
			rows := runPlan(t, got, mem)
			cmp := tpch.CompareUnordered
			if q.ordered {
				cmp = tpch.Compare
			}
			if err := cmp(rows, want); err != nil {
				t.Fatal(err)
			}
			if len(want.Rows) == 0 {
				t.Fatal("the query returned no rows: the comparison proves little")
			}
		})
	}
	// Every kind of node a stage holds was sent (Exchange nodes are cut
	// away by SplitStages; TestNodeRoundTrip sends those).
	for _, k := range []string{"Scan", "Values", "Filter", "Project", "HashAggregate", "HashJoin", "NestedLoopJoin",
		"Sort", "Limit", "Window", "EnforceSingleRow", "Union", "StageInput"} {
		if !kinds[k] {
			t.Errorf("no plan held a %s node", k)
		}
	}
}

// nodeKinds records the kinds of the nodes of a tree.
func nodeKinds(n physical.Node, kinds map[string]bool) {
	kinds[strings.TrimPrefix(fmt.Sprintf("%T", n), "*physical.")] = true
	for _, c := range n.Children() {
		nodeKinds(c, kinds)
	}
}

// TestNodeRoundTrip round-trips a single tree (a stage's root) with
// EncodeNode and DecodeNode, and checks that a table read twice is sent
// once and opened once.
func TestNodeRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	// A cleanup, not a defer: it must run after the catalog's.
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	cat := tpchCatalog(t, mem)
	sp := planSQL(t, cat, `select a.k, b.s from m a join m b on a.k = b.k where a.s like 's1%'`)
	exchanges := 0
	for _, st := range sp.Stages {
		root := st.Root
		if st.Output != nil {
			// Send the stage with the exchange that ends it.
			root = &physical.Exchange{Input: st.Root, To: *st.Output}
			exchanges++
		}
		m, err := codec.EncodeNode(root)
		if err != nil {
			t.Fatal(err)
		}
		got, err := codec.DecodeNode(context.Background(), roundTripBytes(t, m))
		if err != nil {
			t.Fatal(err)
		}
		if physical.Format(got) != physical.Format(root) {
			t.Fatalf("decoded\n%s\nwant\n%s", physical.Format(got), physical.Format(root))
		}
		var scans []*physical.Scan
		var walk func(n physical.Node)
		walk = func(n physical.Node) {
			if s, ok := n.(*physical.Scan); ok {
				scans = append(scans, s)
			}
			for _, c := range n.Children() {
				walk(c)
			}
		}
		walk(got)
		if len(scans) > 1 && len(m.Tables) != 1 {
			t.Fatalf("%d scans of one table sent %d specs", len(scans), len(m.Tables))
		}
		if len(scans) == 2 && scans[0].Table != scans[1].Table {
			t.Fatal("the decoded scans of one table opened it twice")
		}
	}
	if exchanges == 0 {
		t.Fatalf("the plan has no exchange: the test proves less than it says\n%s", sp)
	}
}

// unsendable is a table only this process knows.
type unsendable struct{ catalog.Table }

func (unsendable) String() string { return "local-only" }

func TestPlanErrors(t *testing.T) {
	ctx := context.Background()
	rt, err := catalog.NewRangeTable(0, 10, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	scan := &physical.Scan{TableName: "mine", Table: unsendable{rt}, Columns: []int{0}, Limit: -1, Out: rt.Schema(),
		Partitions: [][]catalog.Split{{{Index: 0}}}}
	_, err = codec.EncodeStagePlan(physical.SplitStages(scan))
	if err == nil || !strings.Contains(err.Error(), "scan of mine") || !strings.Contains(err.Error(), "cannot be sent to the cluster") {
		t.Fatalf("got %v, want a not-sendable error", err)
	}
	if _, err := codec.EncodeStagePlan(&physical.StagePlan{}); err == nil {
		t.Fatal("empty stage plan encoded")
	}

	good := *scan
	good.Table = rt
	m, err := codec.EncodeStagePlan(physical.SplitStages(&physical.Filter{Input: &good,
		Predicate: &planner.Binary{Op: planner.OpGt, Left: &planner.Column{Index: 0, Name: "id", DataType: planner.TypeBigInt},
			Right: lit(int64(3), planner.TypeBigInt), DataType: planner.TypeBoolean}}))
	if err != nil {
		t.Fatal(err)
	}
	schema := m.Stages[0].Root.GetFilter().Input.GetScan().Schema
	for _, c := range []struct {
		name   string
		mutate func(m *emberpb.StagePlan)
		want   string
	}{
		{"bad column", func(m *emberpb.StagePlan) {
			m.Stages[0].Root.GetFilter().Predicate.GetBinary().Left.GetColumn().Index = 5
		}, "refers to column 5 of 1"},
		{"bad table index", func(m *emberpb.StagePlan) { m.Stages[0].Root.GetFilter().Input.GetScan().Table = 3 }, "no table 3"},
		{"bad scan column", func(m *emberpb.StagePlan) { m.Stages[0].Root.GetFilter().Input.GetScan().Columns = []int32{9} }, "column 9"},
		{"no tables", func(m *emberpb.StagePlan) { m.Tables = nil }, "no table 0"},
		{"missing node", func(m *emberpb.StagePlan) { m.Stages[0].Root = nil }, "missing plan node"},
		{"final with output", func(m *emberpb.StagePlan) { m.Stages[0].Output = &emberpb.Partitioning{} }, "final stage 0 has a shuffle output"},
		{"stage id", func(m *emberpb.StagePlan) { m.Stages[0].Id = 2 }, "listed at position 0"},
		{"unknown input", func(m *emberpb.StagePlan) {
			m.Stages[0].Root = &emberpb.PlanNode{Node: &emberpb.PlanNode_StageInput{StageInput: &emberpb.StageInputNode{
				Stage: 0, Partitioning: &emberpb.Partitioning{Kind: emberpb.PartitionKind_PARTITION_KIND_SINGLE, N: 1}, Schema: schema}}}
		}, "not one of its inputs"},
		{"bad join type", func(m *emberpb.StagePlan) {
			m.Stages[0].Root = &emberpb.PlanNode{Node: &emberpb.PlanNode_HashJoin{HashJoin: &emberpb.HashJoinNode{Type: 42}}}
		}, "unknown join type 42"},
		{"bad table spec", func(m *emberpb.StagePlan) { m.Tables[0].Kind = 0 }, "unknown table kind 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := roundTripBytes(t, m) // a copy
			c.mutate(bad)
			if _, err := codec.DecodeStagePlan(ctx, bad); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	if _, err := codec.DecodeStagePlan(ctx, m); err != nil {
		t.Fatalf("the unmodified plan: %v", err)
	}
}
