package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/catalog"
)

// Node is a logical plan node. Nodes are immutable plain data: each knows
// its output schema, computed once by its constructor; rewrites build new
// nodes with WithChildren. Expressions inside a node refer to columns of the
// node's input by index (for two-input nodes, of the left schema followed by
// the right one).
type Node interface {
	// Schema is the node's output schema.
	Schema() *arrow.Schema
	// Children returns the inputs, in order.
	Children() []Node
	// WithChildren returns a copy with the inputs replaced.
	WithChildren(children []Node) Node
	// String describes the node alone, on one line, for EXPLAIN.
	String() string
}

// Scan reads a table. Projection lists the table columns read (indexes into
// the table's schema, in output order); Filters are predicates over the
// output columns that the scan may use to skip data (a Filter above still
// applies them, except where noted by the physical planner). Limit, when not
// negative, lets the scan stop after that many rows.
type Scan struct {
	TableName  string
	Table      catalog.Table
	Projection []int
	Filters    []Expr
	Limit      int64
	schema     *arrow.Schema
}

// NewScan reads the columns projection (nil for all) of table.
func NewScan(name string, table catalog.Table, projection []int) *Scan {
	full := table.Schema()
	if projection == nil {
		projection = make([]int, full.NumFields())
		for i := range projection {
			projection[i] = i
		}
	}
	fields := make([]arrow.Field, len(projection))
	for i, p := range projection {
		fields[i] = full.Field(p)
	}
	return &Scan{TableName: name, Table: table, Projection: projection, Limit: -1, schema: arrow.NewSchema(fields, nil)}
}

// Schema implements Node.
func (s *Scan) Schema() *arrow.Schema { return s.schema }

// Children implements Node.
func (s *Scan) Children() []Node { return nil }

// WithChildren implements Node.
func (s *Scan) WithChildren([]Node) Node { return s }

func (s *Scan) String() string {
	names := make([]string, s.schema.NumFields())
	for i, f := range s.schema.Fields() {
		names[i] = f.Name
	}
	out := fmt.Sprintf("Scan: %s [%s]", s.TableName, strings.Join(names, ", "))
	if len(s.Filters) > 0 {
		out += fmt.Sprintf(" filters=[%s]", joinExprs(s.Filters))
	}
	if s.Limit >= 0 {
		out += fmt.Sprintf(" limit=%d", s.Limit)
	}
	return out
}

// Values produces literal rows. A Values with one row and no columns is the
// input of a SELECT without FROM.
type Values struct {
	Rows   [][]Expr // each expression is constant (no column references)
	schema *arrow.Schema
}

// NewValues builds a Values node; every row must have one expression per
// field of schema, of the field's type.
func NewValues(schema *arrow.Schema, rows [][]Expr) *Values {
	return &Values{Rows: rows, schema: schema}
}

// Schema implements Node.
func (v *Values) Schema() *arrow.Schema { return v.schema }

// Children implements Node.
func (v *Values) Children() []Node { return nil }

// WithChildren implements Node.
func (v *Values) WithChildren([]Node) Node { return v }

func (v *Values) String() string { return fmt.Sprintf("Values: %d rows", len(v.Rows)) }

// Filter keeps the rows for which Predicate is TRUE (not FALSE, not NULL).
type Filter struct {
	Input     Node
	Predicate Expr
}

// Schema implements Node.
func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }

// Children implements Node.
func (f *Filter) Children() []Node { return []Node{f.Input} }

// WithChildren implements Node.
func (f *Filter) WithChildren(c []Node) Node { return &Filter{Input: c[0], Predicate: f.Predicate} }

func (f *Filter) String() string { return fmt.Sprintf("Filter: %s", f.Predicate) }

// Project computes one output column per expression, named by Names.
type Project struct {
	Input  Node
	Exprs  []Expr
	Names  []string
	schema *arrow.Schema
}

// NewProject builds a Project; names must have one entry per expression.
func NewProject(input Node, exprs []Expr, names []string) *Project {
	fields := make([]arrow.Field, len(exprs))
	for i, e := range exprs {
		fields[i] = arrow.Field{Name: names[i], Type: e.Type(), Nullable: e.Nullable()}
	}
	return &Project{Input: input, Exprs: exprs, Names: names, schema: arrow.NewSchema(fields, nil)}
}

// Schema implements Node.
func (p *Project) Schema() *arrow.Schema { return p.schema }

// Children implements Node.
func (p *Project) Children() []Node { return []Node{p.Input} }

// WithChildren implements Node.
func (p *Project) WithChildren(c []Node) Node { return NewProject(c[0], p.Exprs, p.Names) }

func (p *Project) String() string {
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = fmt.Sprintf("%s AS %s", e, p.Names[i])
	}
	return fmt.Sprintf("Project: %s", strings.Join(parts, ", "))
}

// Aggregate groups its input by GroupBy and computes Aggs per group. Its
// output is the group columns followed by one column per aggregate. With no
// GroupBy it yields exactly one row, even over an empty input.
type Aggregate struct {
	Input   Node
	GroupBy []Expr
	Aggs    []*AggregateCall
	Names   []string // len(GroupBy)+len(Aggs) output names
	schema  *arrow.Schema
}

// NewAggregate builds an Aggregate node.
func NewAggregate(input Node, groupBy []Expr, aggs []*AggregateCall, names []string) *Aggregate {
	fields := make([]arrow.Field, 0, len(groupBy)+len(aggs))
	for i, g := range groupBy {
		fields = append(fields, arrow.Field{Name: names[i], Type: g.Type(), Nullable: g.Nullable()})
	}
	for i, a := range aggs {
		fields = append(fields, arrow.Field{Name: names[len(groupBy)+i], Type: a.Type(), Nullable: a.Nullable()})
	}
	return &Aggregate{Input: input, GroupBy: groupBy, Aggs: aggs, Names: names, schema: arrow.NewSchema(fields, nil)}
}

// Schema implements Node.
func (a *Aggregate) Schema() *arrow.Schema { return a.schema }

// Children implements Node.
func (a *Aggregate) Children() []Node { return []Node{a.Input} }

// WithChildren implements Node.
func (a *Aggregate) WithChildren(c []Node) Node {
	return NewAggregate(c[0], a.GroupBy, a.Aggs, a.Names)
}

func (a *Aggregate) String() string {
	aggs := make([]Expr, len(a.Aggs))
	for i, x := range a.Aggs {
		aggs[i] = x
	}
	return fmt.Sprintf("Aggregate: groupBy=[%s], aggs=[%s]", joinExprs(a.GroupBy), joinExprs(aggs))
}

// JoinType is the kind of a join.
type JoinType int

// The join types. Semi and Anti output only the left columns. NullAwareAnti
// is NOT IN's anti join: no row survives when the right side has a NULL key,
// and a left row with a NULL key survives only when the right side is empty.
// Single is a left outer join whose right side must match at most once per
// left row (a scalar subquery); a second match is an error. Mark outputs the
// left columns and one BOOLEAN column telling whether the row matched (NULL
// where SQL's IN would be unknown).
const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi
	JoinAnti
	JoinNullAwareAnti
	JoinSingle
	JoinMark
	// JoinRightSemi and JoinRightAnti exist only in physical plans: a semi
	// or anti join with its inputs exchanged, so that the hash table is
	// built on the smaller side. They output the right input's rows that
	// match (or do not match) some left row.
	JoinRightSemi
	JoinRightAnti
)

var joinTypeText = [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti", "NullAwareAnti", "Single", "Mark", "RightSemi", "RightAnti"}

func (t JoinType) String() string { return joinTypeText[t] }

// Join combines Left and Right. Condition (nil for none: an Inner join with
// no condition is a cross product) refers to the left
// columns followed by the right ones. The output is left ++ right, except
// that Semi, Anti and NullAwareAnti output the left columns only and Mark
// adds one BOOLEAN column named "mark" to them. Outer joins make the
// columns of the side that may be missing nullable.
type Join struct {
	Left, Right Node
	Type        JoinType
	Condition   Expr
	schema      *arrow.Schema
}

// NewJoin builds a Join.
func NewJoin(left, right Node, typ JoinType, cond Expr) *Join {
	return &Join{Left: left, Right: right, Type: typ, Condition: cond, schema: JoinSchema(left.Schema(), right.Schema(), typ)}
}

// JoinSchema is the output schema of a join of the given type.
func JoinSchema(left, right *arrow.Schema, typ JoinType) *arrow.Schema {
	nullable := func(fs []arrow.Field) []arrow.Field {
		out := make([]arrow.Field, len(fs))
		for i, f := range fs {
			f.Nullable = true
			out[i] = f
		}
		return out
	}
	lf, rf := left.Fields(), right.Fields()
	switch typ {
	case JoinSemi, JoinAnti, JoinNullAwareAnti:
		return arrow.NewSchema(lf, nil)
	case JoinRightSemi, JoinRightAnti:
		return arrow.NewSchema(rf, nil)
	case JoinMark:
		return arrow.NewSchema(append(lf, arrow.Field{Name: "mark", Type: arrow.FixedWidthTypes.Boolean, Nullable: true}), nil)
	case JoinLeft, JoinSingle:
		rf = nullable(rf)
	case JoinRight:
		lf = nullable(lf)
	case JoinFull:
		lf, rf = nullable(lf), nullable(rf)
	}
	return arrow.NewSchema(append(append([]arrow.Field(nil), lf...), rf...), nil)
}

// Schema implements Node.
func (j *Join) Schema() *arrow.Schema { return j.schema }

// Children implements Node.
func (j *Join) Children() []Node { return []Node{j.Left, j.Right} }

// WithChildren implements Node.
func (j *Join) WithChildren(c []Node) Node { return NewJoin(c[0], c[1], j.Type, j.Condition) }

func (j *Join) String() string {
	if j.Condition == nil {
		return fmt.Sprintf("Join: %s", j.Type)
	}
	return fmt.Sprintf("Join: %s on %s", j.Type, j.Condition)
}

// Sort orders its input by Keys. Fetch, when not negative, keeps only the
// first Fetch rows (a top-N).
type Sort struct {
	Input Node
	Keys  []SortKey
	Fetch int64
}

// Schema implements Node.
func (s *Sort) Schema() *arrow.Schema { return s.Input.Schema() }

// Children implements Node.
func (s *Sort) Children() []Node { return []Node{s.Input} }

// WithChildren implements Node.
func (s *Sort) WithChildren(c []Node) Node { return &Sort{Input: c[0], Keys: s.Keys, Fetch: s.Fetch} }

func (s *Sort) String() string {
	keys := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		keys[i] = k.String()
	}
	out := fmt.Sprintf("Sort: %s", strings.Join(keys, ", "))
	if s.Fetch >= 0 {
		out += fmt.Sprintf(" fetch=%d", s.Fetch)
	}
	return out
}

// Limit skips Offset rows, then passes at most Count rows (Count < 0: all).
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

func (l *Limit) String() string { return fmt.Sprintf("Limit: offset=%d count=%d", l.Offset, l.Count) }

// Union concatenates its inputs (UNION ALL). The inputs have the same column
// types; the output takes the first input's names. UNION without ALL is an
// Aggregate (DISTINCT) over a Union.
type Union struct {
	Inputs []Node
	schema *arrow.Schema
}

// NewUnion builds a Union; nullability is the OR of the inputs'.
func NewUnion(inputs []Node) *Union {
	fields := append([]arrow.Field(nil), inputs[0].Schema().Fields()...)
	for _, in := range inputs[1:] {
		for i, f := range in.Schema().Fields() {
			fields[i].Nullable = fields[i].Nullable || f.Nullable
		}
	}
	return &Union{Inputs: inputs, schema: arrow.NewSchema(fields, nil)}
}

// Schema implements Node.
func (u *Union) Schema() *arrow.Schema { return u.schema }

// Children implements Node.
func (u *Union) Children() []Node { return u.Inputs }

// WithChildren implements Node.
func (u *Union) WithChildren(c []Node) Node { return NewUnion(c) }

func (u *Union) String() string { return "Union" }

// Window appends one column per window function to its input's columns.
type Window struct {
	Input  Node
	Funcs  []*WindowCall
	Names  []string
	schema *arrow.Schema
}

// NewWindow builds a Window node; names has one entry per function.
func NewWindow(input Node, funcs []*WindowCall, names []string) *Window {
	fields := append([]arrow.Field(nil), input.Schema().Fields()...)
	for i, f := range funcs {
		fields = append(fields, arrow.Field{Name: names[i], Type: f.Type(), Nullable: f.Nullable()})
	}
	return &Window{Input: input, Funcs: funcs, Names: names, schema: arrow.NewSchema(fields, nil)}
}

// Schema implements Node.
func (w *Window) Schema() *arrow.Schema { return w.schema }

// Children implements Node.
func (w *Window) Children() []Node { return []Node{w.Input} }

// WithChildren implements Node.
func (w *Window) WithChildren(c []Node) Node { return NewWindow(c[0], w.Funcs, w.Names) }

func (w *Window) String() string {
	fs := make([]Expr, len(w.Funcs))
	for i, f := range w.Funcs {
		fs[i] = f
	}
	return fmt.Sprintf("Window: %s", joinExprs(fs))
}

// EnforceSingleRow passes its input through when it has at most one row,
// produces one row of NULLs when it has none, and fails the query when it
// has more ("scalar subquery returned more than one row").
type EnforceSingleRow struct {
	Input Node
}

// Schema implements Node.
func (e *EnforceSingleRow) Schema() *arrow.Schema {
	fs := append([]arrow.Field(nil), e.Input.Schema().Fields()...)
	for i := range fs {
		fs[i].Nullable = true
	}
	return arrow.NewSchema(fs, nil)
}

// Children implements Node.
func (e *EnforceSingleRow) Children() []Node { return []Node{e.Input} }

// WithChildren implements Node.
func (e *EnforceSingleRow) WithChildren(c []Node) Node { return &EnforceSingleRow{Input: c[0]} }

func (e *EnforceSingleRow) String() string { return "EnforceSingleRow" }

// Repartition asks for Partitions output partitions, hashed on Keys (or
// spread round-robin when Keys is empty). It changes no rows; the physical
// planner turns it into an exchange.
type Repartition struct {
	Input      Node
	Keys       []Expr
	Partitions int
}

// Schema implements Node.
func (r *Repartition) Schema() *arrow.Schema { return r.Input.Schema() }

// Children implements Node.
func (r *Repartition) Children() []Node { return []Node{r.Input} }

// WithChildren implements Node.
func (r *Repartition) WithChildren(c []Node) Node {
	return &Repartition{Input: c[0], Keys: r.Keys, Partitions: r.Partitions}
}

func (r *Repartition) String() string {
	return fmt.Sprintf("Repartition: %d [%s]", r.Partitions, joinExprs(r.Keys))
}

var (
	_ Node = (*Scan)(nil)
	_ Node = (*Values)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Aggregate)(nil)
	_ Node = (*Join)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*Limit)(nil)
	_ Node = (*Union)(nil)
	_ Node = (*Window)(nil)
	_ Node = (*EnforceSingleRow)(nil)
	_ Node = (*Repartition)(nil)
)
