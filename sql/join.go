package sql

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

var joinTypes = map[pg.JoinType]planner.JoinType{
	pg.JoinType_JOIN_INNER: planner.JoinInner,
	pg.JoinType_JOIN_LEFT:  planner.JoinLeft,
	pg.JoinType_JOIN_RIGHT: planner.JoinRight,
	pg.JoinType_JOIN_FULL:  planner.JoinFull,
}

// bindJoin binds an explicit join: [INNER|LEFT|RIGHT|FULL] JOIN ... ON,
// USING (...), NATURAL, and CROSS JOIN.
func (b *binder) bindJoin(j *pg.JoinExpr, env *cteEnv, outer *scope) (*relation, error) {
	l, err := b.bindFromItem(j.Larg, env, outer)
	if err != nil {
		return nil, err
	}
	r, err := b.bindFromItem(j.Rarg, env, outer)
	if err != nil {
		return nil, err
	}
	typ, ok := joinTypes[j.Jointype]
	if !ok {
		return nil, b.errAt(-1, "join type %s is not supported", j.Jointype)
	}
	if j.JoinUsingAlias != nil {
		return nil, b.errAt(-1, "an alias for the USING columns is not supported")
	}
	var using []string
	// USING names carry no position; point at the right side.
	usingLoc := nodeLoc(j.Rarg)
	for _, u := range j.UsingClause {
		using = append(using, u.GetString_().GetSval())
	}
	if j.IsNatural {
		using = naturalColumns(l, r)
	}
	var rel *relation
	switch {
	case len(using) > 0:
		rel, err = b.bindUsingJoin(l, r, typ, using, usingLoc, env, outer)
	case j.Quals != nil:
		rel, err = b.bindOnJoin(l, r, typ, j.Quals, env, outer)
	default:
		// CROSS JOIN, or NATURAL JOIN without common columns.
		join := planner.NewJoin(l.node, r.node, planner.JoinInner, nil)
		rel = &relation{node: join, cols: joinCols(l, r, join)}
	}
	if err != nil {
		return nil, err
	}
	if j.Alias != nil {
		return b.aliased(rel, j.Alias, "", -1)
	}
	return rel, nil
}

// joinCols are the scope columns of a join's output: left then right, with
// the nullability the join type gives them.
func joinCols(l, r *relation, join *planner.Join) []column {
	cols := append(append([]column(nil), l.cols...), r.cols...)
	for i, f := range join.Schema().Fields() {
		if i < len(cols) {
			cols[i].null = f.Nullable
		}
	}
	return cols
}

func (b *binder) bindOnJoin(l, r *relation, typ planner.JoinType, quals *pg.Node, env *cteEnv, outer *scope) (*relation, error) {
	sc := &scope{cols: append(append([]column(nil), l.cols...), r.cols...), outer: outer}
	ctx := &exprCtx{b: b, env: env, scope: sc, clause: "JOIN condition"}
	cond, err := ctx.bind(quals)
	if err != nil {
		return nil, err
	}
	if cond, err = ctx.requireBool(cond, exprStart(quals), "JOIN condition"); err != nil {
		return nil, err
	}
	// Subqueries are rewritten into joins only from filters and
	// projections; the conjuncts of an inner join's condition that hold one
	// filter the join's output instead, which means the same.
	var above []planner.Expr
	if typ == planner.JoinInner && planner.HasSubquery(cond) {
		var keep []planner.Expr
		for _, c := range planner.SplitConjunction(cond) {
			if planner.HasSubquery(c) {
				above = append(above, c)
			} else {
				keep = append(keep, c)
			}
		}
		cond = planner.Conjoin(keep)
	}
	join := planner.NewJoin(l.node, r.node, typ, cond)
	rel := &relation{node: join, cols: joinCols(l, r, join)}
	if len(above) > 0 {
		rel.node = &planner.Filter{Input: join, Predicate: planner.Conjoin(above)}
	}
	return rel, nil
}

// naturalColumns lists the visible column names both sides have, in the
// left side's order.
func naturalColumns(l, r *relation) []string {
	var out []string
	for _, lc := range l.cols {
		if lc.hidden {
			continue
		}
		for _, rc := range r.cols {
			if !rc.hidden && strings.EqualFold(lc.name, rc.name) {
				out = append(out, lc.name)
				break
			}
		}
	}
	return out
}

// bindUsingJoin binds JOIN ... USING (k, ...). As in Spark, the output is
// each USING column once (for a FULL join coalesce(l.k, r.k); for a RIGHT
// join the right side's), then the other left columns, then the other right
// columns. Both sides' own k stay reachable as l.k and r.k, as hidden
// columns at the end.
func (b *binder) bindUsingJoin(l, r *relation, typ planner.JoinType, using []string, loc int32, env *cteEnv, outer *scope) (*relation, error) {
	ls, rs := &scope{cols: l.cols}, &scope{cols: r.cols}
	nl := len(l.cols)
	sc := &scope{cols: append(append([]column(nil), l.cols...), r.cols...), outer: outer}
	ctx := &exprCtx{b: b, env: env, scope: sc, clause: "JOIN condition"}
	li := make([]int, len(using))
	ri := make([]int, len(using))
	var cond planner.Expr
	for k, name := range using {
		for side, s := range []*scope{ls, rs} {
			i, ferr := s.find("", name)
			if ferr != nil {
				return nil, b.errAt(loc, "USING column %q is ambiguous on the %s side", name, []string{"left", "right"}[side])
			}
			if i < 0 {
				return nil, b.errAt(loc, "USING column %q not found on the %s side; available: %s", name, []string{"left", "right"}[side], s.available())
			}
			if side == 0 {
				li[k] = i
			} else {
				ri[k] = i
			}
		}
		eq, err := ctx.compare(planner.OpEq, colRef(li[k], l.cols[li[k]]), colRef(nl+ri[k], r.cols[ri[k]]), loc)
		if err != nil {
			return nil, err
		}
		if cond == nil {
			cond = eq
		} else {
			cond = &planner.Binary{Op: planner.OpAnd, Left: cond, Right: eq, DataType: planner.TypeBoolean}
		}
	}
	join := planner.NewJoin(l.node, r.node, typ, cond)
	jcols := joinCols(l, r, join)
	var exprs []planner.Expr
	var cols []column
	add := func(e planner.Expr, c column) {
		exprs = append(exprs, e)
		cols = append(cols, c)
	}
	for k := range using {
		lc, rc := jcols[li[k]], jcols[nl+ri[k]]
		var e planner.Expr
		switch typ {
		case planner.JoinRight:
			e = colRef(nl+ri[k], rc)
		case planner.JoinFull:
			ce, err := ctx.callFunction("coalesce", []planner.Expr{colRef(li[k], lc), colRef(nl+ri[k], rc)}, loc)
			if err != nil {
				return nil, err
			}
			e = ce
		default:
			e = colRef(li[k], lc)
		}
		add(e, column{name: lc.name, typ: e.Type(), null: e.Nullable()})
	}
	isUsing := func(i int, idx []int) bool {
		for _, x := range idx {
			if x == i {
				return true
			}
		}
		return false
	}
	var hidden []int
	for i, c := range jcols {
		side, own := li, i
		if i >= nl {
			side, own = ri, i-nl
		}
		if isUsing(own, side) || c.hidden {
			hidden = append(hidden, i)
			continue
		}
		add(colRef(i, c), c)
	}
	for _, i := range hidden {
		c := jcols[i]
		c.hidden = true
		add(colRef(i, c), c)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return &relation{node: planner.NewProject(join, exprs, names), cols: cols}, nil
}
