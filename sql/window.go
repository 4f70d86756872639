package sql

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// winState collects the window function calls of one SELECT, which become
// one Window node between the aggregation and the final projection.
type winState struct {
	calls []*planner.WindowCall
	names []string
}

// projectSubqueries computes the window calls' arguments, partition keys
// and order keys that hold a subquery in a Project under the Window, which
// then reads them as columns (as aggState.projectArgSubqueries does for
// aggregates). The Project keeps input's columns where they were.
func (w *winState) projectSubqueries(input planner.Node) planner.Node {
	n := input.Schema().NumFields()
	var extra []planner.Expr
	ref := func(e planner.Expr) planner.Expr {
		if !planner.HasSubquery(e) {
			return e
		}
		extra = append(extra, e)
		return &planner.Column{Index: n + len(extra) - 1, Name: fmt.Sprintf("__win_arg%d", len(extra)-1), DataType: e.Type(), Null: e.Nullable()}
	}
	for _, c := range w.calls {
		for i := range c.Args {
			c.Args[i] = ref(c.Args[i])
		}
		for i := range c.PartitionBy {
			c.PartitionBy[i] = ref(c.PartitionBy[i])
		}
		for i := range c.OrderBy {
			c.OrderBy[i].Expr = ref(c.OrderBy[i].Expr)
		}
	}
	if len(extra) == 0 {
		return input
	}
	exprs := make([]planner.Expr, 0, n+len(extra))
	names := make([]string, 0, n+len(extra))
	for i := 0; i < n; i++ {
		exprs = append(exprs, planner.ColumnRef(input, i))
		names = append(names, input.Schema().Field(i).Name)
	}
	for i, e := range extra {
		exprs = append(exprs, e)
		names = append(names, fmt.Sprintf("__win_arg%d", i))
	}
	return planner.NewProject(input, exprs, names)
}

// add registers a window call (once, however often it is written) and
// returns the placeholder for its result.
func (w *winState) add(call *planner.WindowCall, name string) planner.Expr {
	key := call.String() + "|" + call.DataType.String()
	for i, c := range w.calls {
		if c.String()+"|"+c.DataType.String() == key {
			return &winRef{idx: i, call: c}
		}
	}
	w.calls = append(w.calls, call)
	w.names = append(w.names, name)
	return &winRef{idx: len(w.calls) - 1, call: call}
}

// rewriteCalls applies the aggregation rewrite to the calls' arguments and
// keys, which are evaluated over the Aggregate's output.
func (w *winState) rewriteCalls(rewrite func(planner.Expr) (planner.Expr, error)) error {
	for i, c := range w.calls {
		children := c.Children()
		out := make([]planner.Expr, len(children))
		for j, ch := range children {
			r, err := rewrite(ch)
			if err != nil {
				return err
			}
			out[j] = r
		}
		w.calls[i] = c.WithChildren(out).(*planner.WindowCall)
	}
	return nil
}

// resolve replaces the window placeholders in e by references to the Window
// node's output columns, which start at base.
func (w *winState) resolve(e planner.Expr, base int) planner.Expr {
	if r, ok := e.(*winRef); ok {
		c := w.calls[r.idx]
		return &planner.Column{Index: base + r.idx, Name: w.names[r.idx], DataType: c.Type(), Null: c.Nullable()}
	}
	switch e.(type) {
	case *planner.ScalarSubquery, *planner.Exists:
		return e
	}
	children := e.Children()
	if len(children) == 0 {
		return e
	}
	out := make([]planner.Expr, len(children))
	for i, c := range children {
		out[i] = w.resolve(c, base)
	}
	return e.WithChildren(out)
}

// winRef stands for the result of window call idx until the Window node
// exists. No plan ever holds one.
type winRef struct {
	idx  int
	call *planner.WindowCall
}

func (r *winRef) Type() arrow.DataType                     { return r.call.Type() }
func (r *winRef) Nullable() bool                           { return r.call.Nullable() }
func (r *winRef) Children() []planner.Expr                 { return nil }
func (r *winRef) WithChildren([]planner.Expr) planner.Expr { return r }
func (r *winRef) String() string                           { return fmt.Sprintf("win%d(%s)", r.idx, r.call) }

// windowDefs reads the WINDOW clause of a SELECT (WINDOW w AS (...)).
func (b *binder) windowDefs(clause []*pg.Node) (map[string]*pg.WindowDef, error) {
	if len(clause) == 0 {
		return nil, nil
	}
	defs := map[string]*pg.WindowDef{}
	for _, n := range clause {
		d := n.GetWindowDef()
		if d == nil {
			continue
		}
		name := strings.ToLower(d.Name)
		if _, dup := defs[name]; dup {
			return nil, b.errAt(d.Location, "window %q is defined twice", d.Name)
		}
		defs[name] = d
	}
	return defs, nil
}

// The frame option bits PostgreSQL sets in WindowDef.FrameOptions
// (FRAMEOPTION_* in its parsenodes.h).
const (
	frameNonDefault        = 0x00001
	frameRange             = 0x00002
	frameRows              = 0x00004
	frameGroups            = 0x00008
	frameBetween           = 0x00010
	frameStartUnbPreceding = 0x00020
	frameEndUnbPreceding   = 0x00040
	frameStartUnbFollowing = 0x00080
	frameEndUnbFollowing   = 0x00100
	frameStartCurrentRow   = 0x00200
	frameEndCurrentRow     = 0x00400
	frameStartPreceding    = 0x00800
	frameEndPreceding      = 0x01000
	frameStartFollowing    = 0x02000
	frameEndFollowing      = 0x04000
	frameExclusion         = 0x08000 | 0x10000 | 0x20000
)

// resolveWindow merges a call's OVER with the named window it refers to.
func (ctx *exprCtx) resolveWindow(over *pg.WindowDef) (*pg.WindowDef, error) {
	ref := over.Refname
	if ref == "" && over.Name != "" {
		ref = over.Name // OVER w
	}
	if ref == "" {
		return over, nil
	}
	base, ok := ctx.windowDefs[strings.ToLower(ref)]
	if !ok {
		return nil, ctx.b.errAt(over.Location, "window %q is not defined", ref)
	}
	if over.Refname == "" {
		return base, nil
	}
	if len(over.PartitionClause) > 0 {
		return nil, ctx.b.errAt(over.Location, "cannot override PARTITION BY of window %q", ref)
	}
	merged := &pg.WindowDef{
		PartitionClause: base.PartitionClause,
		OrderClause:     base.OrderClause,
		FrameOptions:    base.FrameOptions,
		StartOffset:     base.StartOffset,
		EndOffset:       base.EndOffset,
		Location:        over.Location,
	}
	if len(over.OrderClause) > 0 {
		merged.OrderClause = over.OrderClause
	}
	if over.FrameOptions&frameNonDefault != 0 {
		merged.FrameOptions, merged.StartOffset, merged.EndOffset = over.FrameOptions, over.StartOffset, over.EndOffset
	}
	return merged, nil
}

// bindWindowCall binds fn(args) OVER (...) into a WindowCall registered in
// ctx.wins. Arguments and keys are bound like select-list expressions
// (aggregates allowed in an aggregating query), but may not nest windows.
func (ctx *exprCtx) bindWindowCall(fc *pg.FuncCall, name string) (planner.Expr, error) {
	b := ctx.b
	if ctx.wins == nil {
		return nil, b.errAt(fc.Location, "window functions are not allowed in %s", ctx.clause)
	}
	if fc.AggDistinct {
		return nil, b.errAt(fc.Location, "DISTINCT is not supported in window functions")
	}
	if fc.AggFilter != nil || len(fc.AggOrder) > 0 || fc.AggWithinGroup {
		return nil, b.errAt(fc.Location, "FILTER, WITHIN GROUP and ORDER BY inside a window function call are not supported")
	}
	over, err := ctx.resolveWindow(fc.Over)
	if err != nil {
		return nil, err
	}
	inner := *ctx
	inner.wins = nil
	inner.clause = "window function arguments"
	call := &planner.WindowCall{}
	for _, p := range over.PartitionClause {
		e, err := inner.bind(p)
		if err != nil {
			return nil, err
		}
		call.PartitionBy = append(call.PartitionBy, e)
	}
	for _, o := range over.OrderClause {
		sb := o.GetSortBy()
		e, err := inner.bind(sb.Node)
		if err != nil {
			return nil, err
		}
		key, err := b.sortKey(sb, e)
		if err != nil {
			return nil, err
		}
		call.OrderBy = append(call.OrderBy, key)
	}
	args := make([]planner.Expr, len(fc.Args))
	for i, a := range fc.Args {
		if args[i], err = inner.bind(a); err != nil {
			return nil, err
		}
	}
	nargs := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			return b.errAt(fc.Location, "window function %s takes %s, got %d", name, argCountText(lo, hi), len(args))
		}
		return nil
	}
	needOrder := func() error {
		if len(call.OrderBy) == 0 {
			return b.errAt(fc.Location, "window function %s requires ORDER BY in its window", name)
		}
		return nil
	}
	framed := true
	switch name {
	case "row_number", "rank", "dense_rank":
		if err := nargs(0, 0); err != nil {
			return nil, err
		}
		if err := needOrder(); err != nil {
			return nil, err
		}
		call.Func, call.DataType, framed = planner.WindowFunc(name), planner.TypeInt, false
	case "lag", "lead":
		if err := nargs(1, 3); err != nil {
			return nil, err
		}
		if err := needOrder(); err != nil {
			return nil, err
		}
		if err := ctx.offsetArgs(fc, name, args, &call.Args); err != nil {
			return nil, err
		}
		call.Func, call.DataType, framed = planner.WindowFunc(name), call.Args[0].Type(), false
	case "first_value", "last_value":
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		call.Func, call.Args, call.DataType = planner.WindowFunc(name), args, args[0].Type()
	case "count", "sum", "avg", "min", "max":
		if fc.AggStar {
			if name != "count" {
				return nil, b.errAt(fc.Location, "%s(*) is not valid", name)
			}
			call.Func, call.DataType = planner.WindowFunc(planner.AggCountStar), planner.TypeBigInt
			break
		}
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		typ, arg, err := aggregateType(planner.AggFunc(name), args[0])
		if err != nil {
			return nil, b.errAt(fc.Location, "%v", err)
		}
		call.Func, call.Args, call.DataType = planner.WindowFunc(name), []planner.Expr{arg}, typ
	case "ntile", "percent_rank", "cume_dist", "nth_value":
		return nil, b.errAt(fc.Location, "window function %s is not supported", name)
	default:
		return nil, b.errAt(fc.Location, "function %s is not a window function", name)
	}
	if framed {
		if call.Frame, err = b.bindFrame(over); err != nil {
			return nil, err
		}
	}
	return ctx.wins.add(call, exprName(&pg.Node{Node: &pg.Node_FuncCall{FuncCall: fc}})), nil
}

// offsetArgs normalizes lag/lead arguments to (value, offset, default): the
// offset an INT constant (1 when absent), the default of the value's type
// (NULL when absent).
func (ctx *exprCtx) offsetArgs(fc *pg.FuncCall, name string, args []planner.Expr, out *[]planner.Expr) error {
	b := ctx.b
	x := args[0]
	offset := planner.Expr(&planner.Literal{Value: int32(1), DataType: planner.TypeInt})
	if len(args) > 1 {
		lit, ok := args[1].(*planner.Literal)
		if !ok || !planner.IsInteger(lit.DataType) || lit.Value == nil {
			return b.errAt(exprStart(fc.Args[1]), "the offset of %s must be an integer constant", name)
		}
		o, err := foldCastLit(lit, planner.TypeInt)
		if err != nil {
			return b.errAt(exprStart(fc.Args[1]), "%v", err)
		}
		offset = o
	}
	def := planner.Expr(&planner.Literal{DataType: x.Type()})
	if len(args) > 2 {
		typ, err := planner.CommonType(x.Type(), args[2].Type())
		if err != nil {
			return b.errAt(exprStart(fc.Args[2]), "the default of %s: %v", name, err)
		}
		if x, err = castTo(x, typ); err != nil {
			return b.errAt(exprStart(fc.Args[0]), "%v", err)
		}
		if def, err = castTo(args[2], typ); err != nil {
			return b.errAt(exprStart(fc.Args[2]), "%v", err)
		}
	}
	*out = []planner.Expr{x, offset, def}
	return nil
}

// bindFrame reads a window's ROWS or RANGE frame; nil for the default.
func (b *binder) bindFrame(over *pg.WindowDef) (*planner.Frame, error) {
	opts := over.FrameOptions
	if opts&frameNonDefault == 0 {
		return nil, nil
	}
	if opts&frameGroups != 0 {
		return nil, b.errAt(over.Location, "GROUPS frames are not supported")
	}
	if opts&frameExclusion != 0 {
		return nil, b.errAt(over.Location, "frame EXCLUDE is not supported")
	}
	f := &planner.Frame{Rows: opts&frameRows != 0}
	offset := func(n *pg.Node) (int64, error) {
		c := n.GetAConst()
		if c == nil || c.GetIval() == nil || c.GetIval().Ival < 0 {
			return 0, b.errAt(exprStart(n), "a frame offset must be a non-negative integer constant")
		}
		return int64(c.GetIval().Ival), nil
	}
	var err error
	switch {
	case opts&frameStartUnbPreceding != 0:
		f.Start = planner.FrameBound{Unbounded: true, Offset: -1}
	case opts&frameStartCurrentRow != 0:
	case opts&frameStartPreceding != 0:
		f.Start.Offset, err = offset(over.StartOffset)
		f.Start.Offset = -f.Start.Offset
	case opts&frameStartFollowing != 0:
		f.Start.Offset, err = offset(over.StartOffset)
	default:
		return nil, b.errAt(over.Location, "a frame cannot start at UNBOUNDED FOLLOWING")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case opts&frameBetween == 0, opts&frameEndCurrentRow != 0:
	case opts&frameEndUnbFollowing != 0:
		f.End = planner.FrameBound{Unbounded: true, Offset: 1}
	case opts&frameEndPreceding != 0:
		f.End.Offset, err = offset(over.EndOffset)
		f.End.Offset = -f.End.Offset
	case opts&frameEndFollowing != 0:
		f.End.Offset, err = offset(over.EndOffset)
	default:
		return nil, b.errAt(over.Location, "a frame cannot end at UNBOUNDED PRECEDING")
	}
	if err != nil {
		return nil, err
	}
	if !f.Rows && (opts&(frameStartPreceding|frameStartFollowing|frameEndPreceding|frameEndFollowing) != 0) {
		return nil, b.errAt(over.Location, "RANGE frames with offsets are not supported; use ROWS")
	}
	if !f.Start.Unbounded && !f.End.Unbounded && f.Start.Offset > f.End.Offset {
		return nil, b.errAt(over.Location, "the frame starts after it ends")
	}
	return f, nil
}

func argCountText(lo, hi int) string {
	switch {
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	case hi < 0:
		return fmt.Sprintf("at least %d arguments", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}
