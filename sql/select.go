package sql

import (
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// selectItem is one output column of a SELECT, after * is expanded.
type selectItem struct {
	ast *pg.Node // nil for a column expanded from *
	col int      // the input column of a * item
	// from is the input column a * item or a plain column reference
	// passes through, whose qualifiers the output keeps (nil otherwise).
	from  *column
	name  string
	alias bool // name given with AS
	expr  planner.Expr
}

// bindSelect binds a plain SELECT. The plan is built in SQL's logical
// order:
//
//	FROM → WHERE (Filter) → GROUP BY and aggregates (Aggregate) →
//	HAVING (Filter) → window functions (Window) → select list (Project) →
//	DISTINCT (Aggregate) → ORDER BY (Sort) → LIMIT (Limit)
//
// Expressions are first bound against the FROM columns, with placeholders
// for aggregate and window calls; once the Aggregate and Window nodes exist
// they are rewritten to refer to those nodes' outputs. ORDER BY may use
// expressions the select list does not output: they are projected as extra
// columns, sorted on, then projected away.
func (b *binder) bindSelect(s *pg.SelectStmt, env *cteEnv, outer *scope) (*relation, error) {
	from, err := b.bindFromClause(s.FromClause, env, outer)
	if err != nil {
		return nil, err
	}
	fromScope := &scope{cols: from.cols, outer: outer}
	node := from.node
	windowDefs, err := b.windowDefs(s.WindowClause)
	if err != nil {
		return nil, err
	}
	if s.WhereClause != nil {
		ctx := &exprCtx{b: b, env: env, scope: fromScope, clause: "WHERE"}
		pred, err := ctx.bind(s.WhereClause)
		if err != nil {
			return nil, err
		}
		if pred, err = ctx.requireBool(pred, exprStart(s.WhereClause), "WHERE condition"); err != nil {
			return nil, err
		}
		node = &planner.Filter{Input: node, Predicate: pred}
	}

	items, err := b.expandTargets(s.TargetList, fromScope)
	if err != nil {
		return nil, err
	}
	distinctRows := len(s.DistinctClause) > 0
	for _, d := range s.DistinctClause {
		if d != nil && d.Node != nil {
			return nil, b.errAt(exprStart(d), "SELECT DISTINCT ON is not supported")
		}
	}
	aliases := selectAliases(items)

	scan := []*pg.Node{s.HavingClause}
	for _, it := range items {
		scan = append(scan, it.ast)
	}
	for _, o := range s.SortClause {
		scan = append(scan, o)
	}
	aggregating := len(s.GroupClause) > 0 || s.HavingClause != nil || containsAggregate(scan...)
	agg := &aggState{}
	subOuter := fromScope
	if aggregating {
		if err := b.bindGroupBy(s.GroupClause, items, aliases, fromScope, env, agg); err != nil {
			return nil, err
		}
		subOuter = agg.outputScope(fromScope, outer)
	}
	wins := &winState{}
	ctx := &exprCtx{b: b, env: env, scope: fromScope, subOuter: subOuter, wins: wins, windowDefs: windowDefs, clause: "SELECT"}
	if aggregating {
		ctx.aggs = agg
	}
	for i := range items {
		it := &items[i]
		if it.ast == nil {
			it.expr = b.columnRef(it.col, fromScope.cols[it.col], -1)
			continue
		}
		if it.expr, err = ctx.bind(it.ast); err != nil {
			return nil, err
		}
		if c, ok := it.expr.(*planner.Column); ok && it.ast.GetColumnRef() != nil {
			if !it.alias {
				it.name = c.Name
			}
			if c.Index < len(fromScope.cols) {
				it.from = &fromScope.cols[c.Index]
			}
		}
	}

	var having planner.Expr
	if s.HavingClause != nil {
		hctx := *ctx
		hctx.wins, hctx.clause, hctx.aliases = nil, "HAVING", aliases
		if having, err = hctx.bind(s.HavingClause); err != nil {
			return nil, err
		}
		if having, err = hctx.requireBool(having, exprStart(s.HavingClause), "HAVING condition"); err != nil {
			return nil, err
		}
	}

	// ORDER BY, except after DISTINCT, where only output columns can be
	// sorted on and the output-only binder applies.
	type orderItem struct {
		sb  *pg.SortBy
		idx int // index into the projection (items, then hidden)
	}
	var orders []orderItem
	var hidden []planner.Expr
	if !distinctRows {
		octx := *ctx
		// A key that is not a bare output name may still use the select
		// aliases (ORDER BY total * -1), as in Spark; an input column of
		// the same name wins, as in GROUP BY and HAVING.
		octx.clause, octx.aliases = "ORDER BY", aliases
		for _, o := range s.SortClause {
			sb := o.GetSortBy()
			idx, err := b.outputOrdinal(sb.Node, len(items))
			if err != nil {
				return nil, err
			}
			if idx < 0 {
				if idx, err = b.matchOutputName(sb.Node, items); err != nil {
					return nil, err
				}
			}
			if idx < 0 {
				e, err := octx.bind(sb.Node)
				if err != nil {
					return nil, err
				}
				all := make([]planner.Expr, 0, len(items)+len(hidden))
				for _, it := range items {
					all = append(all, it.expr)
				}
				all = append(all, hidden...)
				if idx = indexOfExpr(all, e); idx < 0 {
					idx = len(all)
					hidden = append(hidden, e)
				}
			}
			orders = append(orders, orderItem{sb: sb, idx: idx})
		}
	}

	if aggregating {
		node = planner.NewAggregate(agg.projectArgSubqueries(node), agg.groups, agg.calls, agg.names())
		rewrite := func(e planner.Expr) (planner.Expr, error) { return agg.rewrite(b, e) }
		for i := range items {
			if items[i].expr, err = rewrite(items[i].expr); err != nil {
				return nil, err
			}
		}
		for i := range hidden {
			if hidden[i], err = rewrite(hidden[i]); err != nil {
				return nil, err
			}
		}
		if err := wins.rewriteCalls(rewrite); err != nil {
			return nil, err
		}
		if having != nil {
			if having, err = rewrite(having); err != nil {
				return nil, err
			}
			node = &planner.Filter{Input: node, Predicate: having}
		}
	}
	if len(wins.calls) > 0 {
		node = planner.NewWindow(wins.projectSubqueries(node), wins.calls, wins.names)
		base := node.Schema().NumFields() - len(wins.calls)
		for i := range items {
			items[i].expr = wins.resolve(items[i].expr, base)
		}
		for i := range hidden {
			hidden[i] = wins.resolve(hidden[i], base)
		}
	}

	exprs := make([]planner.Expr, 0, len(items)+len(hidden))
	names := make([]string, 0, len(items)+len(hidden))
	outCols := make([]column, len(items))
	for i, it := range items {
		exprs = append(exprs, it.expr)
		names = append(names, it.name)
		outCols[i] = column{name: it.name, typ: it.expr.Type(), null: it.expr.Nullable()}
		if it.from != nil {
			// The column passes through unchanged: it keeps answering to
			// its qualifiers (consumers that alias the output reset them).
			outCols[i].qual, outCols[i].extra = it.from.qual, it.from.extra
		}
	}
	for i, h := range hidden {
		exprs = append(exprs, h)
		names = append(names, "__sort"+strconv.Itoa(len(items)+i))
	}
	node = planner.NewProject(node, exprs, names)
	if distinctRows {
		return b.bindOrderLimitOutput(&relation{node: distinct(node), cols: outCols}, s, env, outer)
	}
	if len(orders) > 0 {
		keys := make([]planner.SortKey, len(orders))
		for i, o := range orders {
			ref := &planner.Column{Index: o.idx, Name: names[o.idx], DataType: exprs[o.idx].Type(), Null: exprs[o.idx].Nullable()}
			if keys[i], err = b.sortKey(o.sb, ref); err != nil {
				return nil, err
			}
		}
		node = &planner.Sort{Input: node, Keys: keys, Fetch: -1}
		if len(hidden) > 0 {
			refs := make([]planner.Expr, len(items))
			for i := range items {
				refs[i] = &planner.Column{Index: i, Name: names[i], DataType: exprs[i].Type(), Null: exprs[i].Nullable()}
			}
			node = planner.NewProject(node, refs, names[:len(items)])
		}
	}
	if node, err = b.bindLimit(s, node); err != nil {
		return nil, err
	}
	return &relation{node: node, cols: outCols}, nil
}

// expandTargets lists the select items, expanding * and t.* into the input
// columns.
func (b *binder) expandTargets(targets []*pg.Node, sc *scope) ([]selectItem, error) {
	var items []selectItem
	for _, t := range targets {
		rt := t.GetResTarget()
		if rt == nil || rt.Val == nil {
			return nil, b.errAt(-1, "unexpected select item")
		}
		if cr := rt.Val.GetColumnRef(); cr != nil && len(cr.Fields) > 0 && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			if len(cr.Fields) == 1 {
				n := 0
				for i, c := range sc.cols {
					if !c.hidden {
						items = append(items, selectItem{col: i, name: c.name, from: &sc.cols[i]})
						n++
					}
				}
				if n == 0 {
					return nil, b.errAt(cr.Location, "SELECT * with no columns in FROM")
				}
				continue
			}
			qual := cr.Fields[len(cr.Fields)-2].GetString_().GetSval()
			if !sc.hasQualifier(qual) {
				return nil, b.errAt(cr.Location, "%s.* does not name a table in FROM; available: %s", qual, sc.qualifiers())
			}
			for i, c := range sc.cols {
				if c.hasQual(strings.ToLower(qual)) {
					items = append(items, selectItem{col: i, name: c.name, from: &sc.cols[i]})
				}
			}
			continue
		}
		it := selectItem{ast: rt.Val, name: rt.Name, alias: rt.Name != ""}
		if !it.alias {
			it.name = exprName(rt.Val)
		}
		items = append(items, it)
	}
	return items, nil
}

// selectAliases maps the select list's aliases (lower case) to their
// expressions, for GROUP BY and HAVING, which may use them as Spark allows.
// An alias given twice maps to nil: it cannot be used.
func selectAliases(items []selectItem) map[string]*pg.Node {
	m := map[string]*pg.Node{}
	for _, it := range items {
		if !it.alias {
			continue
		}
		k := strings.ToLower(it.name)
		if _, dup := m[k]; dup {
			m[k] = nil
			continue
		}
		m[k] = it.ast
	}
	return m
}

// matchOutputName resolves ORDER BY name against the select list's output
// names (aliases first, as Spark does); -1 when none matches.
func (b *binder) matchOutputName(n *pg.Node, items []selectItem) (int, error) {
	cr := n.GetColumnRef()
	if cr == nil || len(cr.Fields) != 1 || cr.Fields[0].GetString_() == nil {
		return -1, nil
	}
	name := cr.Fields[0].GetString_().Sval
	found := -1
	for i, it := range items {
		if !strings.EqualFold(it.name, name) {
			continue
		}
		if found >= 0 && !exprEqual(items[found].expr, it.expr) {
			return 0, b.errAt(cr.Location, "ORDER BY %q is ambiguous: several select items have that name", name)
		}
		if found < 0 {
			found = i
		}
	}
	return found, nil
}

// bindGroupBy binds the GROUP BY keys into agg: expressions over the input,
// select-list ordinals (GROUP BY 1), or select aliases.
func (b *binder) bindGroupBy(groups []*pg.Node, items []selectItem, aliases map[string]*pg.Node, sc *scope, env *cteEnv, agg *aggState) error {
	ctx := &exprCtx{b: b, env: env, scope: sc, clause: "GROUP BY", aliases: aliases}
	for _, g := range groups {
		if g.GetGroupingSet() != nil {
			return b.errAt(g.GetGroupingSet().Location, "GROUPING SETS, ROLLUP and CUBE are not supported")
		}
		var e planner.Expr
		var name string
		if c := g.GetAConst(); c != nil && c.GetIval() != nil {
			k := int(c.GetIval().Ival)
			if k < 1 || k > len(items) {
				return b.errAt(c.Location, "GROUP BY position %d is not in the select list (1..%d)", k, len(items))
			}
			it := items[k-1]
			name = it.name
			switch {
			case it.ast == nil:
				e = b.columnRef(it.col, sc.cols[it.col], c.Location)
			case containsAggregate(it.ast):
				return b.errAt(c.Location, "GROUP BY position %d refers to an aggregate function", k)
			default:
				var err error
				if e, err = (&exprCtx{b: b, env: env, scope: sc, clause: "GROUP BY"}).bind(it.ast); err != nil {
					return err
				}
			}
		} else {
			var err error
			if e, err = ctx.bind(g); err != nil {
				return err
			}
			name = exprName(g)
		}
		if c, ok := e.(*planner.Column); ok {
			name = c.Name
		}
		if agg.groupIndex(e) >= 0 {
			continue
		}
		agg.groups = append(agg.groups, e)
		agg.groupNames = append(agg.groupNames, name)
	}
	return nil
}

// indexOfExpr is the index of the first expression of list equal to e, or -1.
func indexOfExpr(list []planner.Expr, e planner.Expr) int {
	for i, x := range list {
		if exprEqual(x, e) {
			return i
		}
	}
	return -1
}
