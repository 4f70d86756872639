package sql

import (
	"math"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// bindQuery binds a query (SELECT, VALUES or a set operation, with its WITH,
// ORDER BY and LIMIT). env holds the WITH queries in reach; outer is the
// scope of the enclosing query for correlated subqueries (nil at the top).
// The output columns carry no qualifier.
func (b *binder) bindQuery(s *pg.SelectStmt, env *cteEnv, outer *scope) (*relation, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	if s.WithClause != nil {
		var err error
		if env, err = b.bindWith(s.WithClause, env); err != nil {
			return nil, err
		}
	}
	if s.IntoClause != nil {
		return nil, b.errAt(s.IntoClause.Rel.GetLocation(), "SELECT INTO is not supported; use CREATE TABLE ... AS SELECT")
	}
	if len(s.LockingClause) > 0 {
		return nil, b.errAt(-1, "FOR UPDATE/SHARE is not supported")
	}
	if len(s.WindowClause) > 0 && s.Op != pg.SetOperation_SETOP_NONE {
		return nil, b.errAt(-1, "WINDOW clause on a set operation is not supported")
	}
	var rel *relation
	var err error
	switch {
	case s.Op != pg.SetOperation_SETOP_NONE:
		rel, err = b.bindSetOp(s, env, outer)
	case len(s.ValuesLists) > 0:
		rel, err = b.bindValues(s, env, outer)
	default:
		// A SELECT binds its own ORDER BY and LIMIT: it may sort on
		// columns it does not output.
		return b.bindSelect(s, env, outer)
	}
	if err != nil {
		return nil, err
	}
	return b.bindOrderLimitOutput(rel, s, env, outer)
}

// bindWith adds the queries of a WITH clause to env. Each may use the ones
// before it.
func (b *binder) bindWith(w *pg.WithClause, env *cteEnv) (*cteEnv, error) {
	if w.Recursive {
		return nil, b.errAt(w.Location, "WITH RECURSIVE is not supported")
	}
	seen := map[string]bool{}
	for _, n := range w.Ctes {
		c := n.GetCommonTableExpr()
		if c == nil {
			return nil, b.errAt(w.Location, "unexpected WITH item")
		}
		name := strings.ToLower(c.Ctename)
		if seen[name] {
			return nil, b.errAt(c.Location, "WITH query name %q specified more than once", c.Ctename)
		}
		seen[name] = true
		q := c.Ctequery.GetSelectStmt()
		if q == nil {
			return nil, b.errAt(c.Location, "WITH query %s must be a SELECT", c.Ctename)
		}
		def := &cteDef{name: name, query: q, env: env}
		for _, cn := range c.Aliascolnames {
			def.colNames = append(def.colNames, cn.GetString_().GetSval())
		}
		env = &cteEnv{def: def, next: env}
	}
	return env, nil
}

// bindOrderLimitOutput applies ORDER BY and LIMIT to a relation whose output
// is all that can be sorted on (VALUES, a set operation, SELECT DISTINCT):
// keys are output names, ordinals, or expressions over the output columns.
func (b *binder) bindOrderLimitOutput(rel *relation, s *pg.SelectStmt, env *cteEnv, outer *scope) (*relation, error) {
	node := rel.node
	if len(s.SortClause) > 0 {
		sc := &scope{cols: rel.cols, outer: outer}
		ctx := &exprCtx{b: b, env: env, scope: sc, clause: "ORDER BY"}
		exprs := make([]planner.Expr, len(rel.cols))
		names := make([]string, len(rel.cols))
		for i, c := range rel.cols {
			exprs[i], names[i] = colRef(i, c), c.name
		}
		keys := make([]planner.SortKey, 0, len(s.SortClause))
		for _, item := range s.SortClause {
			sb := item.GetSortBy()
			idx, err := b.outputOrdinal(sb.Node, len(rel.cols))
			if err != nil {
				return nil, err
			}
			if idx < 0 {
				e, err := ctx.bind(sb.Node)
				if err != nil {
					return nil, err
				}
				idx = indexOfExpr(exprs, e)
				if idx < 0 {
					idx = len(exprs)
					exprs = append(exprs, e)
					names = append(names, "__sort"+strconv.Itoa(idx))
				}
			}
			key, err := b.sortKey(sb, &planner.Column{Index: idx, Name: names[idx], DataType: exprs[idx].Type(), Null: exprs[idx].Nullable()})
			if err != nil {
				return nil, err
			}
			keys = append(keys, key)
		}
		if len(exprs) > len(rel.cols) {
			node = planner.NewProject(node, exprs, names)
		}
		node = &planner.Sort{Input: node, Keys: keys, Fetch: -1}
		if len(exprs) > len(rel.cols) {
			// The first columns of the sorted input are the output itself.
			node = planner.NewProject(node, exprs[:len(rel.cols)], names[:len(rel.cols)])
		}
	}
	node, err := b.bindLimit(s, node)
	if err != nil {
		return nil, err
	}
	return &relation{node: node, cols: rel.cols}, nil
}

// outputOrdinal reads ORDER BY n (1-based) as an output column index; -1
// when the key is not an integer constant.
func (b *binder) outputOrdinal(n *pg.Node, count int) (int, error) {
	c := n.GetAConst()
	if c == nil || c.GetIval() == nil {
		return -1, nil
	}
	k := int(c.GetIval().Ival)
	if k < 1 || k > count {
		return 0, b.errAt(c.Location, "ORDER BY position %d is not in the select list (1..%d)", k, count)
	}
	return k - 1, nil
}

// sortKey makes the sort key for one ORDER BY item over column ref, making
// Spark's NULL order explicit: first for ASC, last for DESC.
func (b *binder) sortKey(sb *pg.SortBy, ref planner.Expr) (planner.SortKey, error) {
	key := planner.SortKey{Expr: ref}
	switch sb.SortbyDir {
	case pg.SortByDir_SORTBY_DESC:
		key.Descending = true
	case pg.SortByDir_SORTBY_USING:
		return key, b.errAt(sb.Location, "ORDER BY ... USING is not supported")
	}
	switch sb.SortbyNulls {
	case pg.SortByNulls_SORTBY_NULLS_FIRST:
		key.NullsFirst = true
	case pg.SortByNulls_SORTBY_NULLS_LAST:
		key.NullsFirst = false
	default:
		key.NullsFirst = !key.Descending
	}
	return key, nil
}

// bindLimit puts LIMIT/OFFSET above node, when the query has them.
func (b *binder) bindLimit(s *pg.SelectStmt, node planner.Node) (planner.Node, error) {
	if s.LimitOption == pg.LimitOption_LIMIT_OPTION_WITH_TIES {
		return nil, b.errAt(nodeLoc(s.LimitCount), "FETCH ... WITH TIES is not supported")
	}
	count, err := b.limitValue(s.LimitCount, "LIMIT")
	if err != nil {
		return nil, err
	}
	offset, err := b.limitValue(s.LimitOffset, "OFFSET")
	if err != nil {
		return nil, err
	}
	if count < 0 && offset <= 0 {
		return node, nil
	}
	return &planner.Limit{Input: node, Offset: max(offset, 0), Count: count}, nil
}

// limitValue reads a LIMIT or OFFSET operand: a non-negative integer
// constant; -1 when absent (or LIMIT ALL / LIMIT NULL).
func (b *binder) limitValue(n *pg.Node, what string) (int64, error) {
	if n == nil {
		return -1, nil
	}
	c := n.GetAConst()
	if c == nil {
		return 0, b.errAt(exprStart(n), "%s must be a non-negative integer constant", what)
	}
	if c.Isnull {
		return -1, nil
	}
	var v int64
	switch {
	case c.GetIval() != nil:
		v = int64(c.GetIval().Ival)
	case c.GetFval() != nil:
		f, err := strconv.ParseInt(c.GetFval().Fval, 10, 64)
		if err != nil {
			return 0, b.errAt(c.Location, "%s must be a non-negative integer constant, got %s", what, c.GetFval().Fval)
		}
		v = f
	default:
		return 0, b.errAt(c.Location, "%s must be a non-negative integer constant", what)
	}
	if v < 0 {
		return 0, b.errAt(c.Location, "%s must be a non-negative integer constant, got %d", what, v)
	}
	if v == math.MaxInt64 {
		// The largest int64 stays refused; the message says why.
		return 0, b.errAt(c.Location, "%s %d is too large; the largest is %d", what, v, int64(math.MaxInt64-1))
	}
	return v, nil
}
