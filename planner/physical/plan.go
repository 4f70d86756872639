package physical

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// Node is a physical plan node: plain data describing an operator, its
// inputs and how its output is partitioned. exec builds operators from
// nodes; the stage splitter cuts the tree at Exchange nodes.
type Node interface {
	// Schema is the node's output schema.
	Schema() *arrow.Schema
	// Children returns the inputs, in order.
	Children() []Node
	// WithChildren returns a copy with the inputs replaced.
	WithChildren(children []Node) Node
	// Partitioning describes how the output is split into partitions.
	Partitioning() Partitioning
	// String describes the node alone, on one line, for EXPLAIN.
	String() string
}

// PartitionKind tells how rows are spread over partitions.
type PartitionKind int

// The partitioning kinds. Unknown means N partitions with no promise about
// which rows are where (a file scan). Hash puts equal Keys in the same
// partition. Single is one partition. Broadcast means every consumer reads
// all of it (one logical partition, replicated).
const (
	Unknown PartitionKind = iota
	Hash
	Single
	Broadcast
	RoundRobin
)

// Partitioning is a node's output distribution.
type Partitioning struct {
	Kind PartitionKind
	N    int
	Keys []planner.Expr // Hash only: over the node's output schema
}

func (p Partitioning) String() string {
	switch p.Kind {
	case Hash:
		return fmt.Sprintf("hash(%s, %d)", exprList(p.Keys), p.N)
	case Single:
		return "single"
	case Broadcast:
		return "broadcast"
	case RoundRobin:
		return fmt.Sprintf("roundrobin(%d)", p.N)
	}
	return fmt.Sprintf("unknown(%d)", p.N)
}

func exprList(es []planner.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// Scan reads a table. Partitions[i] lists the splits partition i reads.
// Filters are shown for EXPLAIN; Predicates are what the source uses to
// skip splits and row groups (already applied to choose Partitions).
type Scan struct {
	TableName  string
	Table      catalog.Table
	Columns    []int
	Predicates []catalog.ColumnPredicate
	Filters    []planner.Expr
	Partitions [][]catalog.Split
	Limit      int64
	Out        *arrow.Schema
}

// Schema implements Node.
func (s *Scan) Schema() *arrow.Schema { return s.Out }

// Children implements Node.
func (s *Scan) Children() []Node { return nil }

// WithChildren implements Node.
func (s *Scan) WithChildren([]Node) Node { return s }

// Partitioning implements Node.
func (s *Scan) Partitioning() Partitioning {
	return Partitioning{Kind: Unknown, N: max(1, len(s.Partitions))}
}

func (s *Scan) String() string {
	names := make([]string, s.Out.NumFields())
	for i, f := range s.Out.Fields() {
		names[i] = f.Name
	}
	splits := 0
	for _, p := range s.Partitions {
		splits += len(p)
	}
	out := fmt.Sprintf("Scan: %s [%s] partitions=%d splits=%d", s.TableName, strings.Join(names, ", "), len(s.Partitions), splits)
	if len(s.Filters) > 0 {
		out += fmt.Sprintf(" filters=[%s]", exprList(s.Filters))
	}
	if s.Limit >= 0 {
		out += fmt.Sprintf(" limit=%d", s.Limit)
	}
	return out
}

// Values produces constant rows in one partition.
type Values struct {
	Rows [][]planner.Expr
	Out  *arrow.Schema
}

// Schema implements Node.
func (v *Values) Schema() *arrow.Schema { return v.Out }

// Children implements Node.
func (v *Values) Children() []Node { return nil }

// WithChildren implements Node.
func (v *Values) WithChildren([]Node) Node { return v }

// Partitioning implements Node.
func (v *Values) Partitioning() Partitioning { return Partitioning{Kind: Single, N: 1} }

func (v *Values) String() string { return fmt.Sprintf("Values: %d rows", len(v.Rows)) }

// Filter keeps rows where Predicate is TRUE.
type Filter struct {
	Input     Node
	Predicate planner.Expr
}

// Schema implements Node.
func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }

// Children implements Node.
func (f *Filter) Children() []Node { return []Node{f.Input} }

// WithChildren implements Node.
func (f *Filter) WithChildren(c []Node) Node { return &Filter{Input: c[0], Predicate: f.Predicate} }

// Partitioning implements Node.
func (f *Filter) Partitioning() Partitioning { return f.Input.Partitioning() }

func (f *Filter) String() string { return fmt.Sprintf("Filter: %s", f.Predicate) }

// Project computes expressions.
type Project struct {
	Input Node
	Exprs []planner.Expr
	Names []string
	Out   *arrow.Schema
}

// Schema implements Node.
func (p *Project) Schema() *arrow.Schema { return p.Out }

// Children implements Node.
func (p *Project) Children() []Node { return []Node{p.Input} }

// WithChildren implements Node.
func (p *Project) WithChildren(c []Node) Node {
	n := *p
	n.Input = c[0]
	return &n
}

// Partitioning implements Node. Hash keys that the projection passes
// through unchanged keep the hash partitioning; otherwise it is lost.
func (p *Project) Partitioning() Partitioning {
	in := p.Input.Partitioning()
	if in.Kind != Hash {
		return in
	}
	keys := make([]planner.Expr, len(in.Keys))
	for i, k := range in.Keys {
		c, ok := k.(*planner.Column)
		if !ok {
			return Partitioning{Kind: Unknown, N: in.N}
		}
		found := false
		for j, e := range p.Exprs {
			if pc, ok := e.(*planner.Column); ok && pc.Index == c.Index {
				keys[i] = &planner.Column{Index: j, Name: p.Names[j], DataType: c.DataType, Null: c.Null}
				found = true
				break
			}
		}
		if !found {
			return Partitioning{Kind: Unknown, N: in.N}
		}
	}
	return Partitioning{Kind: Hash, N: in.N, Keys: keys}
}

func (p *Project) String() string {
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = fmt.Sprintf("%s AS %s", e, p.Names[i])
	}
	return "Project: " + strings.Join(parts, ", ")
}

// AggregateMode is the phase of a hash aggregation.
type AggregateMode int

// The phases: Single aggregates raw rows to final values in one step;
// Partial turns raw rows into partial states per input partition; Final
// merges the states after an exchange on the group keys.
const (
	AggSingle AggregateMode = iota
	AggPartial
	AggFinal
)

var aggModeText = [...]string{"single", "partial", "final"}

func (m AggregateMode) String() string { return aggModeText[m] }

// HashAggregate groups rows. In Final mode the input is the Partial output.
type HashAggregate struct {
	Input   Node
	Mode    AggregateMode
	GroupBy []planner.Expr
	Aggs    []*planner.AggregateCall
	Names   []string
	Out     *arrow.Schema
}

// Schema implements Node.
func (a *HashAggregate) Schema() *arrow.Schema { return a.Out }

// Children implements Node.
func (a *HashAggregate) Children() []Node { return []Node{a.Input} }

// WithChildren implements Node.
func (a *HashAggregate) WithChildren(c []Node) Node {
	n := *a
	n.Input = c[0]
	return &n
}

// Partitioning implements Node: the group keys are the first output
// columns, so a hash-partitioned input on them stays hash-partitioned.
func (a *HashAggregate) Partitioning() Partitioning {
	in := a.Input.Partitioning()
	if in.Kind == Hash && a.Mode != AggPartial {
		keys := make([]planner.Expr, len(a.GroupBy))
		for i := range a.GroupBy {
			f := a.Out.Field(i)
			keys[i] = &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
		}
		return Partitioning{Kind: Hash, N: in.N, Keys: keys}
	}
	if in.Kind == Hash {
		return Partitioning{Kind: Unknown, N: in.N}
	}
	return in
}

func (a *HashAggregate) String() string {
	aggs := make([]planner.Expr, len(a.Aggs))
	for i, x := range a.Aggs {
		aggs[i] = x
	}
	return fmt.Sprintf("HashAggregate(%s): groupBy=[%s], aggs=[%s]", a.Mode, exprList(a.GroupBy), exprList(aggs))
}

// JoinDistribution tells how a join's inputs meet.
type JoinDistribution int

// Partitioned joins read both sides hash-partitioned on the keys;
// broadcast joins read the whole right side in every task of the left.
const (
	JoinPartitioned JoinDistribution = iota
	JoinBroadcast
	JoinSinglePartition
)

var joinDistText = [...]string{"partitioned", "broadcast", "single"}

func (d JoinDistribution) String() string { return joinDistText[d] }

// HashJoin joins on equal keys; the right side is the build side.
type HashJoin struct {
	Left, Right         Node
	Type                planner.JoinType
	LeftKeys, RightKeys []planner.Expr
	NullSafe            []bool
	Filter              planner.Expr
	Distribution        JoinDistribution
	Out                 *arrow.Schema
}

// Schema implements Node.
func (j *HashJoin) Schema() *arrow.Schema { return j.Out }

// Children implements Node.
func (j *HashJoin) Children() []Node { return []Node{j.Left, j.Right} }

// WithChildren implements Node.
func (j *HashJoin) WithChildren(c []Node) Node {
	n := *j
	n.Left, n.Right = c[0], c[1]
	return &n
}

// Partitioning implements Node: the left side's.
func (j *HashJoin) Partitioning() Partitioning {
	p := j.Left.Partitioning()
	if p.Kind == Hash && (j.Type == planner.JoinRight || j.Type == planner.JoinFull) {
		// Keys of the outer side's rows may be NULL-extended: no promise.
		return Partitioning{Kind: Unknown, N: p.N}
	}
	return p
}

func (j *HashJoin) String() string {
	pairs := make([]string, len(j.LeftKeys))
	for i := range j.LeftKeys {
		op := "="
		if len(j.NullSafe) > i && j.NullSafe[i] {
			op = "<=>"
		}
		pairs[i] = fmt.Sprintf("%s %s %s", j.LeftKeys[i], op, j.RightKeys[i])
	}
	out := fmt.Sprintf("HashJoin(%s, %s): on [%s]", j.Type, j.Distribution, strings.Join(pairs, ", "))
	if j.Filter != nil {
		out += fmt.Sprintf(" filter=%s", j.Filter)
	}
	return out
}

// NestedLoopJoin joins on an arbitrary condition (or none); the right side
// is materialized and, unless Distribution is single, broadcast.
type NestedLoopJoin struct {
	Left, Right  Node
	Type         planner.JoinType
	Condition    planner.Expr
	Distribution JoinDistribution
	Out          *arrow.Schema
}

// Schema implements Node.
func (j *NestedLoopJoin) Schema() *arrow.Schema { return j.Out }

// Children implements Node.
func (j *NestedLoopJoin) Children() []Node { return []Node{j.Left, j.Right} }

// WithChildren implements Node.
func (j *NestedLoopJoin) WithChildren(c []Node) Node {
	n := *j
	n.Left, n.Right = c[0], c[1]
	return &n
}

// Partitioning implements Node.
func (j *NestedLoopJoin) Partitioning() Partitioning { return j.Left.Partitioning() }

func (j *NestedLoopJoin) String() string {
	if j.Condition == nil {
		return fmt.Sprintf("NestedLoopJoin(%s, %s)", j.Type, j.Distribution)
	}
	return fmt.Sprintf("NestedLoopJoin(%s, %s): %s", j.Type, j.Distribution, j.Condition)
}

// Sort sorts each partition (Fetch >= 0: keeps the first Fetch rows).
type Sort struct {
	Input Node
	Keys  []planner.SortKey
	Fetch int64
}

// Schema implements Node.
func (s *Sort) Schema() *arrow.Schema { return s.Input.Schema() }

// Children implements Node.
func (s *Sort) Children() []Node { return []Node{s.Input} }

// WithChildren implements Node.
func (s *Sort) WithChildren(c []Node) Node { return &Sort{Input: c[0], Keys: s.Keys, Fetch: s.Fetch} }

// Partitioning implements Node.
func (s *Sort) Partitioning() Partitioning { return s.Input.Partitioning() }

func (s *Sort) String() string {
	keys := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		keys[i] = k.String()
	}
	out := "Sort: " + strings.Join(keys, ", ")
	if s.Fetch >= 0 {
		out += fmt.Sprintf(" fetch=%d", s.Fetch)
	}
	return out
}

// Limit skips Offset rows of each partition and passes Count (< 0: all).
type Limit struct {
	Input  Node
	Offset int64
	Count  int64
}

// Schema implements Node.
func (l *Limit) Schema() *arrow.Schema { return l.Input.Schema() }

// Children implements Node.
func (l *Limit) Children() []Node { return []Node{l.Input} }

// WithChildren implements Node.
func (l *Limit) WithChildren(c []Node) Node {
	return &Limit{Input: c[0], Offset: l.Offset, Count: l.Count}
}

// Partitioning implements Node.
func (l *Limit) Partitioning() Partitioning { return l.Input.Partitioning() }

func (l *Limit) String() string { return fmt.Sprintf("Limit: offset=%d count=%d", l.Offset, l.Count) }

// Window computes window functions over each partition's rows.
type Window struct {
	Input Node
	Funcs []*planner.WindowCall
	Names []string
	Out   *arrow.Schema
}

// Schema implements Node.
func (w *Window) Schema() *arrow.Schema { return w.Out }

// Children implements Node.
func (w *Window) Children() []Node { return []Node{w.Input} }

// WithChildren implements Node.
func (w *Window) WithChildren(c []Node) Node {
	n := *w
	n.Input = c[0]
	return &n
}

// Partitioning implements Node.
func (w *Window) Partitioning() Partitioning { return w.Input.Partitioning() }

func (w *Window) String() string {
	fs := make([]planner.Expr, len(w.Funcs))
	for i, f := range w.Funcs {
		fs[i] = f
	}
	return "Window: " + exprList(fs)
}

// EnforceSingleRow checks that its single-partition input has at most one
// row.
type EnforceSingleRow struct {
	Input Node
	Out   *arrow.Schema
}

// Schema implements Node.
func (e *EnforceSingleRow) Schema() *arrow.Schema { return e.Out }

// Children implements Node.
func (e *EnforceSingleRow) Children() []Node { return []Node{e.Input} }

// WithChildren implements Node.
func (e *EnforceSingleRow) WithChildren(c []Node) Node {
	return &EnforceSingleRow{Input: c[0], Out: e.Out}
}

// Partitioning implements Node.
func (e *EnforceSingleRow) Partitioning() Partitioning { return Partitioning{Kind: Single, N: 1} }

func (e *EnforceSingleRow) String() string { return "EnforceSingleRow" }

// Union concatenates the partitions of its inputs: its partition i is
// partition i-k of the input that holds it.
type Union struct {
	Inputs []Node
	Out    *arrow.Schema
}

// Schema implements Node.
func (u *Union) Schema() *arrow.Schema { return u.Out }

// Children implements Node.
func (u *Union) Children() []Node { return u.Inputs }

// WithChildren implements Node.
func (u *Union) WithChildren(c []Node) Node { return &Union{Inputs: c, Out: u.Out} }

// Partitioning implements Node.
func (u *Union) Partitioning() Partitioning {
	n := 0
	for _, in := range u.Inputs {
		n += in.Partitioning().N
	}
	return Partitioning{Kind: Unknown, N: n}
}

// InputFor maps output partition p to (input index, input partition).
func (u *Union) InputFor(p int) (int, int) {
	for i, in := range u.Inputs {
		n := in.Partitioning().N
		if p < n {
			return i, p
		}
		p -= n
	}
	return -1, -1
}

func (u *Union) String() string { return "Union" }

// Exchange redistributes its input into To. It is where the stage splitter
// cuts the plan: the input ends one stage with a shuffle write, and the
// Exchange's consumers read the shuffle in the next.
type Exchange struct {
	Input Node
	To    Partitioning
}

// Schema implements Node.
func (e *Exchange) Schema() *arrow.Schema { return e.Input.Schema() }

// Children implements Node.
func (e *Exchange) Children() []Node { return []Node{e.Input} }

// WithChildren implements Node.
func (e *Exchange) WithChildren(c []Node) Node { return &Exchange{Input: c[0], To: e.To} }

// Partitioning implements Node.
func (e *Exchange) Partitioning() Partitioning { return e.To }

func (e *Exchange) String() string { return fmt.Sprintf("Exchange: %s", e.To) }

// StageInput is the leaf of a stage that reads the shuffle output of stage
// Stage (which ended in an Exchange to Partitioning).
type StageInput struct {
	Stage int
	Part  Partitioning
	Out   *arrow.Schema
}

// Schema implements Node.
func (s *StageInput) Schema() *arrow.Schema { return s.Out }

// Children implements Node.
func (s *StageInput) Children() []Node { return nil }

// WithChildren implements Node.
func (s *StageInput) WithChildren([]Node) Node { return s }

// Partitioning implements Node.
func (s *StageInput) Partitioning() Partitioning { return s.Part }

func (s *StageInput) String() string { return fmt.Sprintf("StageInput: stage=%d %s", s.Stage, s.Part) }

var (
	_ Node = (*Scan)(nil)
	_ Node = (*Values)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*HashAggregate)(nil)
	_ Node = (*HashJoin)(nil)
	_ Node = (*NestedLoopJoin)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*Limit)(nil)
	_ Node = (*Window)(nil)
	_ Node = (*EnforceSingleRow)(nil)
	_ Node = (*Union)(nil)
	_ Node = (*Exchange)(nil)
	_ Node = (*StageInput)(nil)
)

// Format renders a physical plan as an indented tree with each node's
// partitioning.
func Format(n Node) string { return FormatAnnotated(n, nil) }

// FormatAnnotated renders a plan like Format, appending annotate(node) to
// each node's line when annotate is set.
func FormatAnnotated(n Node, annotate func(Node) string) string {
	var sb strings.Builder
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		extra := ""
		if annotate != nil {
			extra = annotate(n)
		}
		fmt.Fprintf(&sb, "%s%s%s\n", strings.Repeat("  ", depth), n.String(), extra)
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return sb.String()
}
