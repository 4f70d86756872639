package physical

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// Config holds the choices physical planning depends on.
type Config struct {
	// ShufflePartitions is the number of partitions of every hash exchange
	// (Spark's spark.sql.shuffle.partitions).
	ShufflePartitions int
	// MaxScanPartitions caps the partitions of a scan; splits beyond it are
	// grouped so that one task reads several.
	MaxScanPartitions int
	// BroadcastRows is the largest estimated row count of a join's build
	// side that is broadcast rather than shuffled.
	BroadcastRows float64
	// PartialSchema gives the output schema of a partial aggregation. The
	// layout of aggregate states belongs to exec, which provides it.
	PartialSchema func(groupBy []planner.Expr, aggs []*planner.AggregateCall) *arrow.Schema
}

// DefaultConfig suits a machine with the given number of cores.
func DefaultConfig(cores int) Config {
	cores = max(cores, 1)
	return Config{ShufflePartitions: cores, MaxScanPartitions: 4 * cores, BroadcastRows: 200_000}
}

// Planner turns an optimized logical plan into a physical plan, choosing
// algorithms (two-phase aggregation, broadcast or partitioned joins, top-N)
// and inserting Exchange nodes wherever an operator needs its input
// distributed differently than it is.
type Planner struct {
	cfg Config
	ctx context.Context
}

// Plan builds the physical plan of n.
func Plan(ctx context.Context, n planner.Node, cfg Config) (Node, error) {
	if cfg.ShufflePartitions <= 0 {
		cfg.ShufflePartitions = 1
	}
	if cfg.PartialSchema == nil {
		return nil, fmt.Errorf("physical planning: no partial aggregate schema function configured")
	}
	if cfg.MaxScanPartitions <= 0 {
		cfg.MaxScanPartitions = cfg.ShufflePartitions
	}
	p := &Planner{cfg: cfg, ctx: ctx}
	return p.plan(n)
}

func (p *Planner) plan(n planner.Node) (Node, error) {
	for _, e := range planner.NodeExprs(n) {
		if planner.HasSubquery(e) {
			return nil, fmt.Errorf("subquery could not be decorrelated: %s", e)
		}
	}
	switch n := n.(type) {
	case *planner.Scan:
		return p.scan(n)
	case *planner.Values:
		return &Values{Rows: n.Rows, Out: n.Schema()}, nil
	case *planner.Filter:
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		return &Filter{Input: in, Predicate: n.Predicate}, nil
	case *planner.Project:
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		return &Project{Input: in, Exprs: n.Exprs, Names: n.Names, Out: n.Schema()}, nil
	case *planner.Aggregate:
		return p.aggregate(n)
	case *planner.Join:
		return p.join(n)
	case *planner.Sort:
		return p.sort(n)
	case *planner.Limit:
		return p.limit(n)
	case *planner.Union:
		inputs := make([]Node, len(n.Inputs))
		for i, c := range n.Inputs {
			in, err := p.plan(c)
			if err != nil {
				return nil, err
			}
			inputs[i] = in
		}
		return &Union{Inputs: inputs, Out: n.Schema()}, nil
	case *planner.Window:
		return p.window(n)
	case *planner.EnforceSingleRow:
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		return &EnforceSingleRow{Input: p.toSingle(in), Out: n.Schema()}, nil
	case *planner.Repartition:
		in, err := p.plan(n.Input)
		if err != nil {
			return nil, err
		}
		parts := n.Partitions
		if parts <= 0 {
			parts = p.cfg.ShufflePartitions
		}
		if len(n.Keys) == 0 {
			return &Exchange{Input: in, To: Partitioning{Kind: RoundRobin, N: parts}}, nil
		}
		return &Exchange{Input: in, To: Partitioning{Kind: Hash, N: parts, Keys: n.Keys}}, nil
	}
	return nil, fmt.Errorf("physical planning: unsupported logical node %T", n)
}

func (p *Planner) scan(n *planner.Scan) (Node, error) {
	req := catalog.ScanRequest{Columns: n.Projection, Predicates: ScanPredicates(n)}
	splits, err := n.Table.Splits(p.ctx, req)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", n.TableName, err)
	}
	parts := len(splits)
	if parts > p.cfg.MaxScanPartitions {
		parts = p.cfg.MaxScanPartitions
	}
	partitions := make([][]catalog.Split, parts)
	for i, s := range splits {
		partitions[i%parts] = append(partitions[i%parts], s)
	}
	return &Scan{TableName: n.TableName, Table: n.Table, Columns: n.Projection, Predicates: req.Predicates,
		Filters: n.Filters, Partitions: partitions, Limit: n.Limit, Out: n.Schema()}, nil
}

// ScanPredicates turns a scan's filters into the column predicates data
// sources understand: a column compared with a literal of its own type.
func ScanPredicates(n *planner.Scan) []catalog.ColumnPredicate {
	var out []catalog.ColumnPredicate
	for _, f := range n.Filters {
		for _, c := range planner.SplitConjunction(f) {
			if pred, ok := columnPredicate(c, n.Projection); ok {
				out = append(out, pred)
			}
		}
	}
	return out
}

func columnPredicate(e planner.Expr, projection []int) (catalog.ColumnPredicate, bool) {
	switch e := e.(type) {
	case *planner.IsNull:
		if c, ok := e.X.(*planner.Column); ok {
			op := catalog.CmpIsNull
			if e.Negated {
				op = catalog.CmpIsNotNull
			}
			return catalog.ColumnPredicate{Column: projection[c.Index], Op: op}, true
		}
	case *planner.Binary:
		col, lit, flipped := columnAndLiteral(e.Left, e.Right)
		if col == nil || lit.Value == nil || !arrow.TypeEqual(col.DataType, lit.DataType) {
			return catalog.ColumnPredicate{}, false
		}
		ops := map[planner.BinaryOp]catalog.CompareOp{
			planner.OpEq: catalog.CmpEq, planner.OpLt: catalog.CmpLt, planner.OpLtEq: catalog.CmpLtEq,
			planner.OpGt: catalog.CmpGt, planner.OpGtEq: catalog.CmpGtEq,
		}
		op, ok := ops[e.Op]
		if !ok {
			return catalog.ColumnPredicate{}, false
		}
		if flipped {
			op = map[catalog.CompareOp]catalog.CompareOp{catalog.CmpEq: catalog.CmpEq, catalog.CmpLt: catalog.CmpGt,
				catalog.CmpLtEq: catalog.CmpGtEq, catalog.CmpGt: catalog.CmpLt, catalog.CmpGtEq: catalog.CmpLtEq}[op]
		}
		return catalog.ColumnPredicate{Column: projection[col.Index], Op: op, Value: lit.Value}, true
	}
	return catalog.ColumnPredicate{}, false
}

func columnAndLiteral(l, r planner.Expr) (*planner.Column, *planner.Literal, bool) {
	if c, ok := l.(*planner.Column); ok {
		if lit, ok := r.(*planner.Literal); ok {
			return c, lit, false
		}
	}
	if c, ok := r.(*planner.Column); ok {
		if lit, ok := l.(*planner.Literal); ok {
			return c, lit, true
		}
	}
	return nil, nil, false
}

func (p *Planner) aggregate(n *planner.Aggregate) (Node, error) {
	in, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	distinct := false
	for _, a := range n.Aggs {
		distinct = distinct || a.Distinct
	}
	single := func(input Node) Node {
		return &HashAggregate{Input: input, Mode: AggSingle, GroupBy: n.GroupBy, Aggs: n.Aggs, Names: n.Names, Out: n.Schema()}
	}
	if in.Partitioning().N == 1 || hashedOn(in.Partitioning(), n.GroupBy) {
		return single(in), nil
	}
	if distinct {
		if len(n.GroupBy) == 0 {
			return single(p.toSingle(in)), nil
		}
		return single(&Exchange{Input: in, To: Partitioning{Kind: Hash, N: p.cfg.ShufflePartitions, Keys: n.GroupBy}}), nil
	}
	partialNames := make([]string, 0, len(n.Names))
	partialNames = append(partialNames, n.Names...)
	partial := &HashAggregate{Input: in, Mode: AggPartial, GroupBy: n.GroupBy, Aggs: n.Aggs, Names: partialNames,
		Out: p.cfg.PartialSchema(n.GroupBy, n.Aggs)}
	var ex Node
	if len(n.GroupBy) == 0 {
		ex = &Exchange{Input: partial, To: Partitioning{Kind: Single, N: 1}}
	} else {
		keys := make([]planner.Expr, len(n.GroupBy))
		for i := range n.GroupBy {
			f := partial.Out.Field(i)
			keys[i] = &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
		}
		ex = &Exchange{Input: partial, To: Partitioning{Kind: Hash, N: p.cfg.ShufflePartitions, Keys: keys}}
	}
	return &HashAggregate{Input: ex, Mode: AggFinal, GroupBy: n.GroupBy, Aggs: n.Aggs, Names: n.Names, Out: n.Schema()}, nil
}

// hashedOn reports whether p already puts equal values of keys in one
// partition: it hashes on a subset of keys (same expressions).
func hashedOn(p Partitioning, keys []planner.Expr) bool {
	if p.Kind != Hash || len(p.Keys) == 0 {
		return false
	}
	for _, pk := range p.Keys {
		found := false
		for _, k := range keys {
			if pk.String() == k.String() {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (p *Planner) toSingle(in Node) Node {
	if in.Partitioning().N == 1 {
		return in
	}
	return &Exchange{Input: in, To: Partitioning{Kind: Single, N: 1}}
}

func (p *Planner) sort(n *planner.Sort) (Node, error) {
	in, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	if in.Partitioning().N == 1 {
		if n.Fetch > maxTopN {
			return p.limitAfterSort(in, n)
		}
		return &Sort{Input: in, Keys: n.Keys, Fetch: n.Fetch}, nil
	}
	if n.Fetch > maxTopN {
		// A top-N holds its rows in memory; a full sort can spill.
		return p.limitAfterSort(in, n)
	}
	if n.Fetch >= 0 {
		// Top-N: each partition keeps its best Fetch rows, one task merges.
		local := &Sort{Input: in, Keys: n.Keys, Fetch: n.Fetch}
		return &Sort{Input: p.toSingle(local), Keys: n.Keys, Fetch: n.Fetch}, nil
	}
	return &Sort{Input: p.toSingle(in), Keys: n.Keys, Fetch: -1}, nil
}

// maxTopN is the largest fetch a Sort keeps as an in-memory top-N; beyond
// it the sort is a full sort (which spills) followed by a limit.
const maxTopN = 100_000

// limitAfterSort sorts all of in and keeps the first n.Fetch rows.
func (p *Planner) limitAfterSort(in Node, n *planner.Sort) (Node, error) {
	sorted := &Sort{Input: p.toSingle(in), Keys: n.Keys, Fetch: -1}
	return &Limit{Input: sorted, Offset: 0, Count: n.Fetch}, nil
}

func (p *Planner) limit(n *planner.Limit) (Node, error) {
	in, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	if in.Partitioning().N == 1 {
		return &Limit{Input: in, Offset: n.Offset, Count: n.Count}, nil
	}
	if n.Count >= 0 && n.Offset <= math.MaxInt64-n.Count {
		in = &Limit{Input: in, Offset: 0, Count: n.Offset + n.Count}
	}
	return &Limit{Input: p.toSingle(in), Offset: n.Offset, Count: n.Count}, nil
}

func (p *Planner) window(n *planner.Window) (Node, error) {
	in, err := p.plan(n.Input)
	if err != nil {
		return nil, err
	}
	// All calls must share the partition keys to run hash-partitioned.
	keys := n.Funcs[0].PartitionBy
	same := len(keys) > 0
	for _, f := range n.Funcs[1:] {
		if len(f.PartitionBy) != len(keys) {
			same = false
			break
		}
		for i := range keys {
			if f.PartitionBy[i].String() != keys[i].String() {
				same = false
			}
		}
	}
	if same && in.Partitioning().N > 1 && !hashedOn(in.Partitioning(), keys) {
		in = &Exchange{Input: in, To: Partitioning{Kind: Hash, N: p.cfg.ShufflePartitions, Keys: keys}}
	} else if !same {
		in = p.toSingle(in)
	}
	return &Window{Input: in, Funcs: n.Funcs, Names: n.Names, Out: n.Schema()}, nil
}
