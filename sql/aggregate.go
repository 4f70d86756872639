package sql

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ember-sql/ember/planner"
)

// aggregateNames are the aggregate functions the binder knows.
var aggregateNames = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true, "first": true}

// isAggregateCall reports whether a function call is an aggregate (and not
// a window function: an aggregate with OVER is one).
func isAggregateCall(fc *pg.FuncCall) bool {
	return fc.Over == nil && aggregateNames[strings.ToLower(lastName(fc.Funcname))]
}

// containsAggregate reports whether any of the expressions calls an
// aggregate function, outside subqueries (which aggregate on their own).
func containsAggregate(nodes ...*pg.Node) bool {
	found := false
	var visit func(m protoreflect.Message)
	visit = func(m protoreflect.Message) {
		switch x := m.Interface().(type) {
		case *pg.SelectStmt:
			return
		case *pg.FuncCall:
			if isAggregateCall(x) {
				found = true
				return
			}
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Kind() != protoreflect.MessageKind {
				return true
			}
			if fd.IsList() {
				l := v.List()
				for i := 0; i < l.Len() && !found; i++ {
					visit(l.Get(i).Message())
				}
			} else if !fd.IsMap() {
				visit(v.Message())
			}
			return !found
		})
	}
	for _, n := range nodes {
		if n != nil && !found {
			visit(n.ProtoReflect())
		}
	}
	return found
}

// aggState collects the GROUP BY keys and the aggregate calls of one
// SELECT, which become one Aggregate node: the keys first, then the calls.
type aggState struct {
	groups     []planner.Expr
	groupNames []string
	calls      []*planner.AggregateCall
	callNames  []string
}

// projectArgSubqueries computes the aggregate arguments that hold a
// subquery (sum(CASE WHEN x IN (SELECT ...) THEN 1 END)) in a Project
// under the Aggregate, which then reads them as columns: subqueries are
// rewritten into joins from projections and filters only. The Project
// keeps input's columns where they were.
func (a *aggState) projectArgSubqueries(input planner.Node) planner.Node {
	n := input.Schema().NumFields()
	var extra []planner.Expr
	for _, c := range a.calls {
		for j, arg := range c.Args {
			if !planner.HasSubquery(arg) {
				continue
			}
			c.Args[j] = &planner.Column{Index: n + len(extra), Name: fmt.Sprintf("__agg_arg%d", len(extra)), DataType: arg.Type(), Null: arg.Nullable()}
			extra = append(extra, arg)
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
		names = append(names, fmt.Sprintf("__agg_arg%d", i))
	}
	return planner.NewProject(input, exprs, names)
}

// add registers an aggregate call (once, however often it is written) and
// returns the placeholder that stands for its result until the Aggregate
// node exists.
func (a *aggState) add(call *planner.AggregateCall, name string) planner.Expr {
	for i, c := range a.calls {
		if c.Func == call.Func && c.Distinct == call.Distinct && exprsEqual(c.Args, call.Args) {
			return &aggRef{idx: i, call: c}
		}
	}
	a.calls = append(a.calls, call)
	a.callNames = append(a.callNames, name)
	return &aggRef{idx: len(a.calls) - 1, call: call}
}

// names are the Aggregate node's output names.
func (a *aggState) names() []string {
	return append(append([]string(nil), a.groupNames...), a.callNames...)
}

func (a *aggState) groupIndex(e planner.Expr) int { return indexOfExpr(a.groups, e) }

// outputScope is what a subquery in the select list or HAVING sees of this
// query: the Aggregate's output, in which only the grouped columns have
// names. A column of the input that is not grouped is reported as such.
func (a *aggState) outputScope(from, outer *scope) *scope {
	cols := make([]column, len(a.groups)+len(a.calls))
	for i, g := range a.groups {
		if c, ok := g.(*planner.Column); ok {
			cols[i] = from.cols[c.Index]
		} else {
			cols[i] = column{name: a.groupNames[i], typ: g.Type(), null: g.Nullable(), hidden: true}
		}
	}
	for j, c := range a.calls {
		cols[len(a.groups)+j] = column{name: a.callNames[j], typ: c.Type(), null: c.Nullable(), hidden: true}
	}
	return &scope{cols: cols, outer: outer, ungrouped: from}
}

// rewrite turns an expression bound over the Aggregate's input into one
// over its output: group keys and aggregate placeholders become column
// references, and any other input column is an error (neither grouped nor
// aggregated).
func (a *aggState) rewrite(b *binder, e planner.Expr) (planner.Expr, error) {
	if i := a.groupIndex(e); i >= 0 {
		return &planner.Column{Index: i, Name: a.groupNames[i], DataType: e.Type(), Null: e.Nullable()}, nil
	}
	switch x := e.(type) {
	case *aggRef:
		i := len(a.groups) + x.idx
		return &planner.Column{Index: i, Name: a.callNames[x.idx], DataType: x.call.Type(), Null: x.call.Nullable()}, nil
	case *planner.Column:
		return nil, b.errAt(b.colLoc[x], "column %q must appear in GROUP BY or be used in an aggregate function", x.Name)
	case *winRef, *planner.Literal, *planner.OuterColumn, *planner.ScalarSubquery, *planner.Exists:
		return e, nil
	}
	children := e.Children()
	if len(children) == 0 {
		return e, nil
	}
	out := make([]planner.Expr, len(children))
	for i, c := range children {
		r, err := a.rewrite(b, c)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return e.WithChildren(out), nil
}

// aggRef stands for the result of aggregate call idx of the SELECT being
// bound, until the Aggregate node exists. No plan ever holds one.
type aggRef struct {
	idx  int
	call *planner.AggregateCall
}

func (r *aggRef) Type() arrow.DataType                     { return r.call.Type() }
func (r *aggRef) Nullable() bool                           { return r.call.Nullable() }
func (r *aggRef) Children() []planner.Expr                 { return nil }
func (r *aggRef) WithChildren([]planner.Expr) planner.Expr { return r }
func (r *aggRef) String() string                           { return fmt.Sprintf("agg%d(%s)", r.idx, r.call) }
