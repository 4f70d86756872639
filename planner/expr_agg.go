package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// AggFunc names an aggregate function.
type AggFunc string

// The aggregate functions. CountStar counts rows; Count counts non-NULL
// values of its argument. Sum of an empty or all-NULL group is NULL, as are
// Avg, Min, Max and First; the counts are 0.
const (
	AggCountStar AggFunc = "count_star"
	AggCount     AggFunc = "count"
	AggSum       AggFunc = "sum"
	AggAvg       AggFunc = "avg"
	AggMin       AggFunc = "min"
	AggMax       AggFunc = "max"
	AggFirst     AggFunc = "first"
)

// AggregateCall is an aggregate function applied to Args over a group. It
// appears only in Aggregate.Aggs. DataType follows Spark: count → BIGINT,
// sum(int) → BIGINT, sum(decimal(p,s)) → decimal(min(38,p+10),s),
// avg(decimal(p,s)) → decimal(min(38,p+4),min(38,s+4)), avg(other) → DOUBLE,
// min/max/first → the argument's type.
type AggregateCall struct {
	Func     AggFunc
	Args     []Expr
	Distinct bool
	DataType arrow.DataType
}

// Type implements Expr.
func (a *AggregateCall) Type() arrow.DataType { return a.DataType }

// Nullable implements Expr.
func (a *AggregateCall) Nullable() bool { return a.Func != AggCount && a.Func != AggCountStar }

// Children implements Expr.
func (a *AggregateCall) Children() []Expr { return a.Args }

// WithChildren implements Expr.
func (a *AggregateCall) WithChildren(c []Expr) Expr {
	n := *a
	n.Args = append([]Expr(nil), c...)
	return &n
}

func (a *AggregateCall) String() string {
	if a.Func == AggCountStar {
		return "count(*)"
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	return fmt.Sprintf("%s(%s%s)", a.Func, d, joinExprs(a.Args))
}

// SortKey orders by Expr. NullsFirst is explicit after binding: Spark's
// default puts NULLs first for ASC and last for DESC.
type SortKey struct {
	Expr       Expr
	Descending bool
	NullsFirst bool
}

func (k SortKey) String() string {
	dir, nulls := "ASC", "NULLS LAST"
	if k.Descending {
		dir = "DESC"
	}
	if k.NullsFirst {
		nulls = "NULLS FIRST"
	}
	return fmt.Sprintf("%s %s %s", k.Expr, dir, nulls)
}

// WindowFunc names a window function: a ranking or offset function, or an
// aggregate evaluated over a frame.
type WindowFunc string

// The window functions beyond the aggregates (which use their AggFunc name).
const (
	WinRowNumber  WindowFunc = "row_number"
	WinRank       WindowFunc = "rank"
	WinDenseRank  WindowFunc = "dense_rank"
	WinLag        WindowFunc = "lag"
	WinLead       WindowFunc = "lead"
	WinFirstValue WindowFunc = "first_value"
	WinLastValue  WindowFunc = "last_value"
)

// FrameBound is one end of a ROWS frame. Offset counts rows from the current
// one; Unbounded overrides it.
type FrameBound struct {
	Unbounded bool
	Offset    int64 // negative = PRECEDING, 0 = CURRENT ROW, positive = FOLLOWING
}

// Frame is a window frame. Rows is false for the default RANGE frame, which
// (with an ORDER BY) runs from the partition start to the last peer of the
// current row, and (without one) covers the whole partition.
type Frame struct {
	Rows       bool
	Start, End FrameBound
}

// WindowCall is a window function evaluated over partitions of its input.
// It appears only in Window.Funcs.
type WindowCall struct {
	Func        WindowFunc // or an AggFunc's name for aggregates
	Args        []Expr
	PartitionBy []Expr
	OrderBy     []SortKey
	Frame       *Frame // nil: the default frame
	DataType    arrow.DataType
}

// Type implements Expr.
func (w *WindowCall) Type() arrow.DataType { return w.DataType }

// Nullable implements Expr.
func (w *WindowCall) Nullable() bool {
	switch w.Func {
	case WinRowNumber, WinRank, WinDenseRank, WindowFunc(AggCount), WindowFunc(AggCountStar):
		return false
	}
	return true
}

// Children implements Expr: args, then partition keys, then order keys.
func (w *WindowCall) Children() []Expr {
	out := append([]Expr(nil), w.Args...)
	out = append(out, w.PartitionBy...)
	for _, k := range w.OrderBy {
		out = append(out, k.Expr)
	}
	return out
}

// WithChildren implements Expr.
func (w *WindowCall) WithChildren(c []Expr) Expr {
	n := *w
	na, np := len(w.Args), len(w.PartitionBy)
	n.Args = append([]Expr(nil), c[:na]...)
	n.PartitionBy = append([]Expr(nil), c[na:na+np]...)
	n.OrderBy = make([]SortKey, len(w.OrderBy))
	for i, k := range w.OrderBy {
		k.Expr = c[na+np+i]
		n.OrderBy[i] = k
	}
	return &n
}

func (w *WindowCall) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s(%s) OVER (", w.Func, joinExprs(w.Args))
	if len(w.PartitionBy) > 0 {
		fmt.Fprintf(&sb, "PARTITION BY %s", joinExprs(w.PartitionBy))
	}
	if len(w.OrderBy) > 0 {
		if len(w.PartitionBy) > 0 {
			sb.WriteString(" ")
		}
		keys := make([]string, len(w.OrderBy))
		for i, k := range w.OrderBy {
			keys[i] = k.String()
		}
		fmt.Fprintf(&sb, "ORDER BY %s", strings.Join(keys, ", "))
	}
	if f := w.Frame; f != nil {
		kind := "RANGE"
		if f.Rows {
			kind = "ROWS"
		}
		fmt.Fprintf(&sb, " %s BETWEEN %s AND %s", kind, f.Start, f.End)
	}
	sb.WriteString(")")
	return sb.String()
}

func (b FrameBound) String() string {
	switch {
	case b.Unbounded && b.Offset <= 0:
		return "UNBOUNDED PRECEDING"
	case b.Unbounded:
		return "UNBOUNDED FOLLOWING"
	case b.Offset == 0:
		return "CURRENT ROW"
	case b.Offset < 0:
		return fmt.Sprintf("%d PRECEDING", -b.Offset)
	default:
		return fmt.Sprintf("%d FOLLOWING", b.Offset)
	}
}
