package ember

import (
	"fmt"
	"math"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/ember-sql/ember/sql"
)

// Frame bounds for WindowSpec.RowsBetween, as in Spark's Window object.
const (
	UnboundedPreceding int64 = math.MinInt64
	UnboundedFollowing int64 = math.MaxInt64
	CurrentRow         int64 = 0
)

// WindowSpec says which rows a window function sees: the partition
// (PartitionBy), their order (OrderBy) and a frame of rows around the
// current one (RowsBetween). Start one with Window; apply it with
// Column.Over.
type WindowSpec struct {
	partition []Column
	order     []Column
	frame     *pg.WindowDef // FrameOptions and offsets, nil for the default frame
	err       error
}

// Window starts an empty window specification: one partition, no order.
func Window() WindowSpec { return WindowSpec{} }

// PartitionBy splits the rows into partitions by cols (Columns or names).
func (w WindowSpec) PartitionBy(cols ...any) WindowSpec {
	w.partition = append(append([]Column{}, w.partition...), columnsOf(cols)...)
	return w
}

// OrderBy orders each partition's rows by cols (Columns, possibly with
// Asc/Desc, or names).
func (w WindowSpec) OrderBy(cols ...any) WindowSpec {
	w.order = append(append([]Column{}, w.order...), columnsOf(cols)...)
	return w
}

// RowsBetween sets a frame of rows relative to the current one: negative
// offsets are before it, positive after; UnboundedPreceding,
// UnboundedFollowing and CurrentRow as in Spark.
func (w WindowSpec) RowsBetween(start, end int64) WindowSpec {
	if start > end {
		w.err = fmt.Errorf("RowsBetween: the frame starts (%d) after it ends (%d)", start, end)
		return w
	}
	text := fmt.Sprintf("count(*) OVER (ROWS BETWEEN %s AND %s)", frameBound(start), frameBound(end))
	rt, err := sql.ParseSelectItem(text)
	if err != nil {
		w.err = err
		return w
	}
	w.frame = rt.Val.GetFuncCall().Over
	return w
}

func frameBound(v int64) string {
	switch {
	case v == UnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case v == UnboundedFollowing:
		return "UNBOUNDED FOLLOWING"
	case v == 0:
		return "CURRENT ROW"
	case v < 0:
		return fmt.Sprintf("%d PRECEDING", -v)
	}
	return fmt.Sprintf("%d FOLLOWING", v)
}

// columnsOf turns arguments that are Columns or names into Columns.
func columnsOf(args []any) []Column {
	out := make([]Column, len(args))
	for i, a := range args {
		out[i] = toColumn(a, true)
	}
	return out
}

// Over applies a window function or an aggregate to a window:
// RowNumber().Over(w), Sum("x").Over(w).
func (c Column) Over(w WindowSpec) Column {
	if c.err != nil {
		return c
	}
	if w.err != nil {
		return Column{err: w.err}
	}
	if err := firstErr(append(append([]Column{}, w.partition...), w.order...)...); err != nil {
		return Column{err: err}
	}
	fc := c.node.GetFuncCall()
	if fc == nil {
		return Column{err: fmt.Errorf("Over applies to a window function or an aggregate, not to %s", c)}
	}
	def := &pg.WindowDef{FrameOptions: frameDefaults, Location: -1}
	if w.frame != nil {
		def.FrameOptions, def.StartOffset, def.EndOffset = w.frame.FrameOptions, w.frame.StartOffset, w.frame.EndOffset
	}
	for _, p := range w.partition {
		def.PartitionClause = append(def.PartitionClause, p.node)
	}
	for _, o := range w.order {
		def.OrderClause = append(def.OrderClause, o.sortKey())
	}
	out := proto.Clone(fc).(*pg.FuncCall)
	out.Over = def
	c.node = &pg.Node{Node: &pg.Node_FuncCall{FuncCall: out}}
	return c
}

// frameDefaults is what PostgreSQL's parser sets for a window without a
// frame clause (FRAMEOPTION_DEFAULTS), read once from the parser itself.
var frameDefaults = func() int32 {
	rt, err := sql.ParseSelectItem("count(*) OVER ()")
	if err != nil {
		panic(err)
	}
	return rt.Val.GetFuncCall().Over.FrameOptions
}()

// RowNumber numbers the rows of each window partition from 1.
func RowNumber() Column { return call("row_number") }

// Rank ranks the rows of each partition, with gaps after ties.
func Rank() Column { return call("rank") }

// DenseRank ranks the rows of each partition, without gaps.
func DenseRank() Column { return call("dense_rank") }

// Lag is col's value offset rows before the current one in the partition,
// or def (NULL when not given) where there is none.
func Lag(col any, offset int, def ...any) Column { return offsetCall("lag", col, offset, def) }

// Lead is col's value offset rows after the current one in the partition,
// or def (NULL when not given) where there is none.
func Lead(col any, offset int, def ...any) Column { return offsetCall("lead", col, offset, def) }

func offsetCall(name string, col any, offset int, def []any) Column {
	switch len(def) {
	case 0:
		return call(name, toColumn(col, true), offset)
	case 1:
		return call(name, toColumn(col, true), offset, toColumn(def[0], false))
	}
	return Column{err: fmt.Errorf("%s takes one default value, got %d", name, len(def))}
}
