package exec

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner/physical"
)

// StageInputs gives a task the shuffle output of the stages its stage reads.
type StageInputs interface {
	// Open returns an operator over partition partition of the output of
	// stage stage (for a broadcast output: all of it).
	Open(ctx context.Context, stage, partition int, schema *arrow.Schema) (Operator, error)
}

// Builder makes operator trees from physical plans for one task.
type Builder struct {
	TC      *TaskContext
	Inputs  StageInputs
	Metrics *Metrics // nil: no instrumentation
	ctx     context.Context
}

// Build returns the operator that computes partition partition of node.
func (b *Builder) Build(ctx context.Context, node physical.Node, partition int) (Operator, error) {
	b.ctx = ctx
	return b.build(node, partition)
}

func (b *Builder) build(node physical.Node, partition int) (op Operator, err error) {
	tc := b.TC
	var alloc *countingAllocator
	if b.Metrics != nil {
		alloc = &countingAllocator{parent: b.TC.Mem}
		c := *b.TC
		c.Mem = alloc
		tc = &c
	}
	if tc.Partition != partition {
		c := *tc
		c.Partition = partition
		tc = &c
	}
	op, err = b.buildNode(tc, node, partition)
	if err != nil {
		return nil, err
	}
	if b.Metrics != nil {
		m := b.Metrics.For(node)
		m.Tasks.Add(1)
		op = &instrumented{Operator: op, m: m, alloc: alloc}
	}
	return op, nil
}

// children builds the inputs of node for the same partition, closing what
// was built if one fails.
func (b *Builder) children(node physical.Node, partitions ...int) ([]Operator, error) {
	var ops []Operator
	for i, c := range node.Children() {
		p := partitions[0]
		if i < len(partitions) {
			p = partitions[i]
		}
		op, err := b.build(c, p)
		if err != nil {
			for _, o := range ops {
				_ = o.Close()
			}
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func (b *Builder) buildNode(tc *TaskContext, node physical.Node, partition int) (Operator, error) {
	switch n := node.(type) {
	case *physical.Scan:
		var splits []catalog.Split
		if partition < len(n.Partitions) {
			splits = n.Partitions[partition]
		}
		req := catalog.ScanRequest{Columns: n.Columns, Predicates: n.Predicates}
		return NewScan(tc, n.Table, splits, req, n.Out, n.Limit), nil
	case *physical.Values:
		return NewValues(tc, n.Out, n.Rows)
	case *physical.StageInput:
		p := partition
		if n.Part.Kind == physical.Broadcast || n.Part.Kind == physical.Single {
			p = 0
		}
		return b.Inputs.Open(b.ctx, n.Stage, p, n.Out)
	}

	// Nodes whose inputs are built for other partitions than their own.
	switch n := node.(type) {
	case *physical.Union:
		i, p := n.InputFor(partition)
		if i < 0 {
			return nil, fmt.Errorf("union has no partition %d", partition)
		}
		return b.build(n.Inputs[i], p)
	case *physical.HashJoin:
		ins, err := b.children(n, partition, buildPartition(n.Distribution, n.Right, partition))
		if err != nil {
			return nil, err
		}
		return closeOnError(ins, func() (Operator, error) {
			spec := HashJoinSpec{Type: n.Type, LeftKeys: n.LeftKeys,
				RightKeys: n.RightKeys, NullSafe: n.NullSafe, Filter: n.Filter}
			if n.Distribution == physical.JoinBroadcast {
				spec.ShareBuild = n
			}
			return NewHashJoin(tc, ins[0], ins[1], spec)
		})
	case *physical.NestedLoopJoin:
		ins, err := b.children(n, partition, buildPartition(n.Distribution, n.Right, partition))
		if err != nil {
			return nil, err
		}
		return closeOnError(ins, func() (Operator, error) {
			return NewNestedLoopJoin(tc, ins[0], ins[1], n.Type, n.Condition)
		})
	}

	ins, err := b.children(node, partition)
	if err != nil {
		return nil, err
	}
	return closeOnError(ins, func() (Operator, error) {
		in := ins[0]
		switch n := node.(type) {
		case *physical.Filter:
			return NewFilter(tc, in, n.Predicate)
		case *physical.Project:
			return NewProject(tc, in, n.Exprs, n.Names)
		case *physical.HashAggregate:
			mode := map[physical.AggregateMode]AggregateMode{
				physical.AggSingle: AggSingle, physical.AggPartial: AggPartial, physical.AggFinal: AggFinal,
			}[n.Mode]
			return NewHashAggregate(tc, in, mode, n.GroupBy, n.Aggs, n.Names)
		case *physical.Sort:
			return NewSort(tc, in, n.Keys, n.Fetch)
		case *physical.Limit:
			return NewLimit(in, n.Offset, n.Count)
		case *physical.Window:
			return NewWindow(tc, in, n.Funcs, n.Names)
		case *physical.EnforceSingleRow:
			return NewEnforceSingleRow(tc, in)
		}
		return nil, fmt.Errorf("exec: cannot build %T", node)
	})
}

// closeOnError runs mk and closes the already built inputs if it fails.
func closeOnError(ins []Operator, mk func() (Operator, error)) (Operator, error) {
	op, err := mk()
	if err != nil {
		for _, in := range ins {
			_ = in.Close()
		}
		return nil, err
	}
	return op, nil
}

// buildPartition is the partition of a join's right side that its task
// reads: for a broadcast join whose right side has one partition (a
// broadcast stage input, or a tiny input computed in the stage), that one,
// whatever partition of the left side the task probes with.
func buildPartition(dist physical.JoinDistribution, right physical.Node, partition int) int {
	if dist == physical.JoinBroadcast && right.Partitioning().N == 1 {
		return 0
	}
	return partition
}
