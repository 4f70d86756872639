package codec

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
	emberpb "github.com/ember-sql/ember/proto"
)

// EncodeNode encodes a physical plan tree with the specs of the tables
// its scans read.
func EncodeNode(n physical.Node) (*emberpb.PhysicalPlan, error) {
	e := newEncoder()
	root, err := e.node(n)
	if err != nil {
		return nil, err
	}
	return &emberpb.PhysicalPlan{Tables: e.tables, Root: root}, nil
}

// DecodeNode decodes a plan written by EncodeNode, opening each table it
// reads once (see catalog.OpenSpec).
func DecodeNode(ctx context.Context, m *emberpb.PhysicalPlan) (physical.Node, error) {
	if m == nil {
		return nil, errors.New("missing physical plan")
	}
	d := newDecoder(ctx, m.Tables)
	return d.node(m.Root)
}

// encoder encodes plan nodes, collecting the tables of their scans.
type encoder struct {
	tables []*emberpb.TableSpec
	// index maps a table already listed to its position, so that a table
	// read by several scans (a self-join) travels once.
	index map[catalog.Table]int32
}

func newEncoder() *encoder { return &encoder{index: map[catalog.Table]int32{}} }

func (e *encoder) table(name string, t catalog.Table) (int32, error) {
	if t == nil {
		return 0, fmt.Errorf("scan of %s has no table", name)
	}
	// Only comparable tables can be map keys; others are listed each time.
	comparable := reflect.TypeOf(t).Comparable()
	if comparable {
		if i, ok := e.index[t]; ok {
			return i, nil
		}
	}
	spec, err := catalog.SpecOf(t)
	if err != nil {
		return 0, fmt.Errorf("scan of %s: %w", name, err)
	}
	m, err := EncodeTableSpec(spec)
	if err != nil {
		return 0, fmt.Errorf("scan of %s: %w", name, err)
	}
	i := int32(len(e.tables))
	e.tables = append(e.tables, m)
	if comparable {
		e.index[t] = i
	}
	return i, nil
}

func (e *encoder) node(n physical.Node) (*emberpb.PlanNode, error) {
	switch n := n.(type) {
	case nil:
		return nil, errors.New("missing plan node")
	case *physical.Scan:
		return e.scan(n)
	case *physical.Values:
		rows := make([]*emberpb.ExprList, len(n.Rows))
		for i, r := range n.Rows {
			exprs, err := encodeExprs(r)
			if err != nil {
				return nil, err
			}
			rows[i] = &emberpb.ExprList{Exprs: exprs}
		}
		s, err := EncodeSchema(n.Out)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Values{Values: &emberpb.ValuesNode{Rows: rows, Schema: s}}}, nil
	case *physical.Filter:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		p, err := EncodeExpr(n.Predicate)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Filter{Filter: &emberpb.FilterNode{Input: in, Predicate: p}}}, nil
	case *physical.Project:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		exprs, err := encodeExprs(n.Exprs)
		if err != nil {
			return nil, err
		}
		s, err := EncodeSchema(n.Out)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Project{Project: &emberpb.ProjectNode{
			Input: in, Exprs: exprs, Names: n.Names, Schema: s}}}, nil
	case *physical.HashAggregate:
		return e.aggregate(n)
	case *physical.HashJoin:
		return e.hashJoin(n)
	case *physical.NestedLoopJoin:
		l, r, err := e.node2(n.Left, n.Right)
		if err != nil {
			return nil, err
		}
		m := &emberpb.NestedLoopJoinNode{Left: l, Right: r, Type: emberpb.JoinType(n.Type), Distribution: emberpb.JoinDistribution(n.Distribution)}
		if n.Condition != nil {
			if m.Condition, err = EncodeExpr(n.Condition); err != nil {
				return nil, err
			}
		}
		if m.Schema, err = EncodeSchema(n.Out); err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_NestedLoopJoin{NestedLoopJoin: m}}, nil
	case *physical.Sort:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		keys, err := encodeSortKeys(n.Keys)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Sort{Sort: &emberpb.SortNode{Input: in, Keys: keys, Fetch: n.Fetch}}}, nil
	case *physical.Limit:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Limit{Limit: &emberpb.LimitNode{Input: in, Offset: n.Offset, Count: n.Count}}}, nil
	case *physical.Window:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		m := &emberpb.WindowNode{Input: in, Names: n.Names, Funcs: make([]*emberpb.WindowCall, len(n.Funcs))}
		for i, f := range n.Funcs {
			if m.Funcs[i], err = encodeWindow(f); err != nil {
				return nil, err
			}
		}
		if m.Schema, err = EncodeSchema(n.Out); err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Window{Window: m}}, nil
	case *physical.EnforceSingleRow:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		s, err := EncodeSchema(n.Out)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_EnforceSingleRow{EnforceSingleRow: &emberpb.EnforceSingleRowNode{Input: in, Schema: s}}}, nil
	case *physical.Union:
		m := &emberpb.UnionNode{Inputs: make([]*emberpb.PlanNode, len(n.Inputs))}
		var err error
		for i, in := range n.Inputs {
			if m.Inputs[i], err = e.node(in); err != nil {
				return nil, err
			}
		}
		if m.Schema, err = EncodeSchema(n.Out); err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Union{Union: m}}, nil
	case *physical.Exchange:
		in, err := e.node(n.Input)
		if err != nil {
			return nil, err
		}
		to, err := encodePartitioning(n.To)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_Exchange{Exchange: &emberpb.ExchangeNode{Input: in, To: to}}}, nil
	case *physical.StageInput:
		p, err := encodePartitioning(n.Part)
		if err != nil {
			return nil, err
		}
		s, err := EncodeSchema(n.Out)
		if err != nil {
			return nil, err
		}
		return &emberpb.PlanNode{Node: &emberpb.PlanNode_StageInput{StageInput: &emberpb.StageInputNode{
			Stage: int32(n.Stage), Partitioning: p, Schema: s}}}, nil
	}
	return nil, fmt.Errorf("plan node %T cannot be sent to the cluster", n)
}

func (e *encoder) node2(a, b physical.Node) (*emberpb.PlanNode, *emberpb.PlanNode, error) {
	x, err := e.node(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := e.node(b)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

func (e *encoder) scan(n *physical.Scan) (*emberpb.PlanNode, error) {
	ti, err := e.table(n.TableName, n.Table)
	if err != nil {
		return nil, err
	}
	m := &emberpb.ScanNode{TableName: n.TableName, Table: ti, Limit: n.Limit}
	m.Columns = make([]int32, len(n.Columns))
	for i, c := range n.Columns {
		m.Columns[i] = int32(c)
	}
	for _, p := range n.Predicates {
		v, err := encodeValue(p.Value)
		if err != nil {
			return nil, fmt.Errorf("scan of %s: predicate: %w", n.TableName, err)
		}
		m.Predicates = append(m.Predicates, &emberpb.ColumnPredicate{Column: int32(p.Column), Op: emberpb.CompareOp(p.Op), Value: v})
	}
	if m.Filters, err = encodeExprs(n.Filters); err != nil {
		return nil, err
	}
	m.Partitions = make([]*emberpb.SplitList, len(n.Partitions))
	for i, part := range n.Partitions {
		list := &emberpb.SplitList{Splits: make([]*emberpb.Split, len(part))}
		for j, s := range part {
			list.Splits[j] = encodeSplit(s)
		}
		m.Partitions[i] = list
	}
	if m.Schema, err = EncodeSchema(n.Out); err != nil {
		return nil, err
	}
	return &emberpb.PlanNode{Node: &emberpb.PlanNode_Scan{Scan: m}}, nil
}

func encodeSplit(s catalog.Split) *emberpb.Split {
	m := &emberpb.Split{Path: s.Path, Offset: s.Offset, Length: s.Length, Index: int32(s.Index), Rows: s.Rows, Bytes: s.Bytes}
	if len(s.RowGroups) > 0 {
		m.RowGroups = make([]int32, len(s.RowGroups))
		for i, g := range s.RowGroups {
			m.RowGroups[i] = int32(g)
		}
	}
	return m
}

func decodeSplit(m *emberpb.Split) catalog.Split {
	s := catalog.Split{Path: m.GetPath(), Offset: m.GetOffset(), Length: m.GetLength(), Index: int(m.GetIndex()), Rows: m.GetRows(), Bytes: m.GetBytes()}
	if len(m.GetRowGroups()) > 0 {
		s.RowGroups = make([]int, len(m.RowGroups))
		for i, g := range m.RowGroups {
			s.RowGroups[i] = int(g)
		}
	}
	return s
}

func (e *encoder) aggregate(n *physical.HashAggregate) (*emberpb.PlanNode, error) {
	in, err := e.node(n.Input)
	if err != nil {
		return nil, err
	}
	m := &emberpb.HashAggregateNode{Input: in, Mode: emberpb.AggregateMode(n.Mode), Names: n.Names,
		Aggs: make([]*emberpb.AggregateCall, len(n.Aggs))}
	if m.GroupBy, err = encodeExprs(n.GroupBy); err != nil {
		return nil, err
	}
	for i, a := range n.Aggs {
		if m.Aggs[i], err = encodeAggregate(a); err != nil {
			return nil, err
		}
	}
	if m.Schema, err = EncodeSchema(n.Out); err != nil {
		return nil, err
	}
	return &emberpb.PlanNode{Node: &emberpb.PlanNode_HashAggregate{HashAggregate: m}}, nil
}

func (e *encoder) hashJoin(n *physical.HashJoin) (*emberpb.PlanNode, error) {
	l, r, err := e.node2(n.Left, n.Right)
	if err != nil {
		return nil, err
	}
	m := &emberpb.HashJoinNode{Left: l, Right: r, Type: emberpb.JoinType(n.Type), NullSafe: n.NullSafe,
		Distribution: emberpb.JoinDistribution(n.Distribution)}
	if m.LeftKeys, err = encodeExprs(n.LeftKeys); err != nil {
		return nil, err
	}
	if m.RightKeys, err = encodeExprs(n.RightKeys); err != nil {
		return nil, err
	}
	if n.Filter != nil {
		if m.Filter, err = EncodeExpr(n.Filter); err != nil {
			return nil, err
		}
	}
	if m.Schema, err = EncodeSchema(n.Out); err != nil {
		return nil, err
	}
	return &emberpb.PlanNode{Node: &emberpb.PlanNode_HashJoin{HashJoin: m}}, nil
}

func encodePartitioning(p physical.Partitioning) (*emberpb.Partitioning, error) {
	keys, err := encodeExprs(p.Keys)
	if err != nil {
		return nil, err
	}
	return &emberpb.Partitioning{Kind: emberpb.PartitionKind(p.Kind), N: int32(p.N), Keys: keys}, nil
}

func decodePartitioning(m *emberpb.Partitioning) (physical.Partitioning, error) {
	if m == nil {
		return physical.Partitioning{}, errors.New("missing partitioning")
	}
	if m.Kind < emberpb.PartitionKind_PARTITION_KIND_UNKNOWN || m.Kind > emberpb.PartitionKind_PARTITION_KIND_ROUND_ROBIN {
		return physical.Partitioning{}, fmt.Errorf("unknown partitioning kind %d", m.Kind)
	}
	if m.N < 0 {
		return physical.Partitioning{}, fmt.Errorf("partitioning into %d partitions", m.N)
	}
	keys, err := decodeExprs(m.Keys)
	if err != nil {
		return physical.Partitioning{}, err
	}
	return physical.Partitioning{Kind: physical.PartitionKind(m.Kind), N: int(m.N), Keys: keys}, nil
}

// decoder rebuilds plan nodes, opening the tables of their scans once.
type decoder struct {
	ctx    context.Context
	specs  []*emberpb.TableSpec
	tables []catalog.Table
}

func newDecoder(ctx context.Context, specs []*emberpb.TableSpec) *decoder {
	return &decoder{ctx: ctx, specs: specs, tables: make([]catalog.Table, len(specs))}
}

func (d *decoder) table(name string, i int32) (catalog.Table, error) {
	if i < 0 || int(i) >= len(d.specs) {
		return nil, fmt.Errorf("scan of %s: no table %d (the plan lists %d)", name, i, len(d.specs))
	}
	if d.tables[i] == nil {
		spec, err := DecodeTableSpec(d.specs[i])
		if err != nil {
			return nil, fmt.Errorf("scan of %s: %w", name, err)
		}
		t, err := catalog.OpenSpec(d.ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("scan of %s: %w", name, err)
		}
		d.tables[i] = t
	}
	return d.tables[i], nil
}

func (d *decoder) node(m *emberpb.PlanNode) (physical.Node, error) {
	switch x := m.GetNode().(type) {
	case nil:
		return nil, errors.New("missing plan node")
	case *emberpb.PlanNode_Scan:
		return d.scan(x.Scan)
	case *emberpb.PlanNode_Values:
		v := &physical.Values{Rows: make([][]planner.Expr, len(x.Values.Rows))}
		out, err := DecodeSchema(x.Values.Schema)
		if err != nil {
			return nil, err
		}
		v.Out = out
		for i, r := range x.Values.Rows {
			if v.Rows[i], err = decodeExprs(r.GetExprs()); err != nil {
				return nil, err
			}
			if len(v.Rows[i]) != out.NumFields() {
				return nil, fmt.Errorf("values row %d has %d values for %d columns", i, len(v.Rows[i]), out.NumFields())
			}
		}
		return v, nil
	case *emberpb.PlanNode_Filter:
		in, err := d.node(x.Filter.Input)
		if err != nil {
			return nil, err
		}
		p, err := DecodeExpr(x.Filter.Predicate)
		if err != nil {
			return nil, err
		}
		if err := checkRefs(in.Schema(), p); err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		return &physical.Filter{Input: in, Predicate: p}, nil
	case *emberpb.PlanNode_Project:
		return d.project(x.Project)
	case *emberpb.PlanNode_HashAggregate:
		return d.aggregate(x.HashAggregate)
	case *emberpb.PlanNode_HashJoin:
		return d.hashJoin(x.HashJoin)
	case *emberpb.PlanNode_NestedLoopJoin:
		return d.nestedLoopJoin(x.NestedLoopJoin)
	case *emberpb.PlanNode_Sort:
		in, err := d.node(x.Sort.Input)
		if err != nil {
			return nil, err
		}
		keys, err := decodeSortKeys(x.Sort.Keys)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if err := checkRefs(in.Schema(), k.Expr); err != nil {
				return nil, fmt.Errorf("sort: %w", err)
			}
		}
		return &physical.Sort{Input: in, Keys: keys, Fetch: x.Sort.Fetch}, nil
	case *emberpb.PlanNode_Limit:
		in, err := d.node(x.Limit.Input)
		if err != nil {
			return nil, err
		}
		return &physical.Limit{Input: in, Offset: x.Limit.Offset, Count: x.Limit.Count}, nil
	case *emberpb.PlanNode_Window:
		return d.window(x.Window)
	case *emberpb.PlanNode_EnforceSingleRow:
		in, err := d.node(x.EnforceSingleRow.Input)
		if err != nil {
			return nil, err
		}
		out, err := DecodeSchema(x.EnforceSingleRow.Schema)
		if err != nil {
			return nil, err
		}
		return &physical.EnforceSingleRow{Input: in, Out: out}, nil
	case *emberpb.PlanNode_Union:
		if len(x.Union.Inputs) == 0 {
			return nil, errors.New("union without inputs")
		}
		u := &physical.Union{Inputs: make([]physical.Node, len(x.Union.Inputs))}
		var err error
		for i, in := range x.Union.Inputs {
			if u.Inputs[i], err = d.node(in); err != nil {
				return nil, err
			}
		}
		if u.Out, err = DecodeSchema(x.Union.Schema); err != nil {
			return nil, err
		}
		return u, nil
	case *emberpb.PlanNode_Exchange:
		in, err := d.node(x.Exchange.Input)
		if err != nil {
			return nil, err
		}
		to, err := decodePartitioning(x.Exchange.To)
		if err != nil {
			return nil, err
		}
		if err := checkRefs(in.Schema(), to.Keys...); err != nil {
			return nil, fmt.Errorf("exchange: %w", err)
		}
		return &physical.Exchange{Input: in, To: to}, nil
	case *emberpb.PlanNode_StageInput:
		p, err := decodePartitioning(x.StageInput.Partitioning)
		if err != nil {
			return nil, err
		}
		out, err := DecodeSchema(x.StageInput.Schema)
		if err != nil {
			return nil, err
		}
		if x.StageInput.Stage < 0 {
			return nil, fmt.Errorf("stage input reads stage %d", x.StageInput.Stage)
		}
		return &physical.StageInput{Stage: int(x.StageInput.Stage), Part: p, Out: out}, nil
	}
	return nil, fmt.Errorf("unknown plan node case %T", m.GetNode())
}

func (d *decoder) scan(m *emberpb.ScanNode) (physical.Node, error) {
	t, err := d.table(m.TableName, m.Table)
	if err != nil {
		return nil, err
	}
	s := &physical.Scan{TableName: m.TableName, Table: t, Limit: m.Limit, Columns: make([]int, len(m.Columns))}
	width := t.Schema().NumFields()
	for i, c := range m.Columns {
		if c < 0 || int(c) >= width {
			return nil, fmt.Errorf("scan of %s: column %d, the table has %d", m.TableName, c, width)
		}
		s.Columns[i] = int(c)
	}
	for _, p := range m.Predicates {
		if p.Op < emberpb.CompareOp_COMPARE_OP_EQ || p.Op > emberpb.CompareOp_COMPARE_OP_IS_NOT_NULL {
			return nil, fmt.Errorf("scan of %s: unknown comparison %d", m.TableName, p.Op)
		}
		if p.Column < 0 || int(p.Column) >= width {
			return nil, fmt.Errorf("scan of %s: predicate on column %d, the table has %d", m.TableName, p.Column, width)
		}
		v, err := decodeValue(p.Value)
		if err != nil {
			return nil, fmt.Errorf("scan of %s: predicate: %w", m.TableName, err)
		}
		s.Predicates = append(s.Predicates, catalog.ColumnPredicate{Column: int(p.Column), Op: catalog.CompareOp(p.Op), Value: v})
	}
	if s.Filters, err = decodeExprs(m.Filters); err != nil {
		return nil, err
	}
	if len(m.Partitions) > 0 {
		s.Partitions = make([][]catalog.Split, len(m.Partitions))
		for i, list := range m.Partitions {
			part := make([]catalog.Split, len(list.GetSplits()))
			for j, sp := range list.GetSplits() {
				part[j] = decodeSplit(sp)
			}
			s.Partitions[i] = part
		}
	}
	if s.Out, err = DecodeSchema(m.Schema); err != nil {
		return nil, fmt.Errorf("scan of %s: %w", m.TableName, err)
	}
	return s, nil
}

func (d *decoder) project(m *emberpb.ProjectNode) (physical.Node, error) {
	in, err := d.node(m.Input)
	if err != nil {
		return nil, err
	}
	exprs, err := decodeExprs(m.Exprs)
	if err != nil {
		return nil, err
	}
	out, err := DecodeSchema(m.Schema)
	if err != nil {
		return nil, err
	}
	if len(m.Names) != len(exprs) || out.NumFields() != len(exprs) {
		return nil, fmt.Errorf("project has %d expressions, %d names and %d columns", len(exprs), len(m.Names), out.NumFields())
	}
	if err := checkRefs(in.Schema(), exprs...); err != nil {
		return nil, fmt.Errorf("project: %w", err)
	}
	return &physical.Project{Input: in, Exprs: exprs, Names: m.Names, Out: out}, nil
}

func (d *decoder) aggregate(m *emberpb.HashAggregateNode) (physical.Node, error) {
	if m.Mode < emberpb.AggregateMode_AGGREGATE_MODE_SINGLE || m.Mode > emberpb.AggregateMode_AGGREGATE_MODE_FINAL {
		return nil, fmt.Errorf("unknown aggregate mode %d", m.Mode)
	}
	in, err := d.node(m.Input)
	if err != nil {
		return nil, err
	}
	a := &physical.HashAggregate{Input: in, Mode: physical.AggregateMode(m.Mode), Names: m.Names,
		Aggs: make([]*planner.AggregateCall, len(m.Aggs))}
	if a.GroupBy, err = decodeExprs(m.GroupBy); err != nil {
		return nil, err
	}
	for i, x := range m.Aggs {
		if a.Aggs[i], err = decodeAggregate(x); err != nil {
			return nil, err
		}
	}
	if a.Out, err = DecodeSchema(m.Schema); err != nil {
		return nil, err
	}
	if a.Out.NumFields() < len(a.GroupBy) {
		return nil, fmt.Errorf("aggregate has %d group keys and %d columns", len(a.GroupBy), a.Out.NumFields())
	}
	if a.Mode != physical.AggFinal {
		// A final aggregate's expressions are those of its partial
		// aggregate; only the raw phases refer to their input directly.
		if err := checkRefs(in.Schema(), a.GroupBy...); err != nil {
			return nil, fmt.Errorf("aggregate: %w", err)
		}
		for _, x := range a.Aggs {
			if err := checkRefs(in.Schema(), x.Args...); err != nil {
				return nil, fmt.Errorf("aggregate: %w", err)
			}
		}
	}
	return a, nil
}

func checkJoin(t emberpb.JoinType, dist emberpb.JoinDistribution) error {
	if t < emberpb.JoinType_JOIN_TYPE_INNER || t > emberpb.JoinType_JOIN_TYPE_RIGHT_ANTI {
		return fmt.Errorf("unknown join type %d", t)
	}
	if dist < emberpb.JoinDistribution_JOIN_DISTRIBUTION_PARTITIONED || dist > emberpb.JoinDistribution_JOIN_DISTRIBUTION_SINGLE_PARTITION {
		return fmt.Errorf("unknown join distribution %d", dist)
	}
	return nil
}

func (d *decoder) hashJoin(m *emberpb.HashJoinNode) (physical.Node, error) {
	if err := checkJoin(m.Type, m.Distribution); err != nil {
		return nil, err
	}
	l, r, err := d.node2(m.Left, m.Right)
	if err != nil {
		return nil, err
	}
	j := &physical.HashJoin{Left: l, Right: r, Type: planner.JoinType(m.Type), Distribution: physical.JoinDistribution(m.Distribution)}
	if len(m.NullSafe) > 0 {
		j.NullSafe = m.NullSafe
	}
	if j.LeftKeys, err = decodeExprs(m.LeftKeys); err != nil {
		return nil, err
	}
	if j.RightKeys, err = decodeExprs(m.RightKeys); err != nil {
		return nil, err
	}
	if len(j.LeftKeys) != len(j.RightKeys) || len(j.NullSafe) > len(j.LeftKeys) {
		return nil, fmt.Errorf("hash join has %d left keys, %d right keys and %d null-safe flags", len(j.LeftKeys), len(j.RightKeys), len(j.NullSafe))
	}
	if err := checkRefs(l.Schema(), j.LeftKeys...); err != nil {
		return nil, fmt.Errorf("hash join left keys: %w", err)
	}
	if err := checkRefs(r.Schema(), j.RightKeys...); err != nil {
		return nil, fmt.Errorf("hash join right keys: %w", err)
	}
	if m.Filter != nil {
		if j.Filter, err = DecodeExpr(m.Filter); err != nil {
			return nil, err
		}
	}
	if j.Out, err = DecodeSchema(m.Schema); err != nil {
		return nil, err
	}
	return j, nil
}

func (d *decoder) nestedLoopJoin(m *emberpb.NestedLoopJoinNode) (physical.Node, error) {
	if err := checkJoin(m.Type, m.Distribution); err != nil {
		return nil, err
	}
	l, r, err := d.node2(m.Left, m.Right)
	if err != nil {
		return nil, err
	}
	j := &physical.NestedLoopJoin{Left: l, Right: r, Type: planner.JoinType(m.Type), Distribution: physical.JoinDistribution(m.Distribution)}
	if m.Condition != nil {
		if j.Condition, err = DecodeExpr(m.Condition); err != nil {
			return nil, err
		}
	}
	if j.Out, err = DecodeSchema(m.Schema); err != nil {
		return nil, err
	}
	return j, nil
}

func (d *decoder) window(m *emberpb.WindowNode) (physical.Node, error) {
	in, err := d.node(m.Input)
	if err != nil {
		return nil, err
	}
	w := &physical.Window{Input: in, Names: m.Names, Funcs: make([]*planner.WindowCall, len(m.Funcs))}
	for i, f := range m.Funcs {
		if w.Funcs[i], err = decodeWindow(f); err != nil {
			return nil, err
		}
		if err := checkRefs(in.Schema(), w.Funcs[i]); err != nil {
			return nil, fmt.Errorf("window: %w", err)
		}
	}
	if w.Out, err = DecodeSchema(m.Schema); err != nil {
		return nil, err
	}
	return w, nil
}

func (d *decoder) node2(a, b *emberpb.PlanNode) (physical.Node, physical.Node, error) {
	x, err := d.node(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := d.node(b)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

// checkRefs checks that the column references of es are columns of
// schema, so that a decoded plan never indexes past its input's columns.
func checkRefs(schema *arrow.Schema, es ...planner.Expr) error {
	for _, e := range es {
		if c, ok := e.(*planner.Column); ok && c.Index >= schema.NumFields() {
			return fmt.Errorf("column %s refers to column %d of %d", c, c.Index, schema.NumFields())
		}
		if err := checkRefs(schema, e.Children()...); err != nil {
			return err
		}
	}
	return nil
}
