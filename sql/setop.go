package sql

import (
	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// bindSetOp binds UNION [ALL], INTERSECT and EXCEPT. The inputs' column
// types meet in their common type (casts go below the union); the output
// takes the first input's names.
//
//	UNION ALL  → Union
//	UNION      → Aggregate(distinct) over Union
//	INTERSECT  → Aggregate(distinct) over a Semi join on l.c IS NOT DISTINCT FROM r.c, for every c
//	EXCEPT     → the same with an Anti join
func (b *binder) bindSetOp(s *pg.SelectStmt, env *cteEnv, outer *scope) (*relation, error) {
	opName := map[pg.SetOperation]string{
		pg.SetOperation_SETOP_UNION: "UNION", pg.SetOperation_SETOP_INTERSECT: "INTERSECT", pg.SetOperation_SETOP_EXCEPT: "EXCEPT",
	}[s.Op]
	if s.All && s.Op != pg.SetOperation_SETOP_UNION {
		tok := pg.Token_INTERSECT
		if s.Op == pg.SetOperation_SETOP_EXCEPT {
			tok = pg.Token_EXCEPT
		}
		return nil, b.errAt(b.tokenLoc(tok), "%s ALL is not supported", opName)
	}
	var leaves []*pg.SelectStmt
	if s.Op == pg.SetOperation_SETOP_UNION {
		leaves = unionLeaves(s, s.All, true)
	} else {
		leaves = []*pg.SelectStmt{s.Larg, s.Rarg}
	}
	rels := make([]*relation, len(leaves))
	for i, leaf := range leaves {
		rel, err := b.bindQuery(leaf, env, outer)
		if err != nil {
			return nil, err
		}
		if i > 0 && len(rel.cols) != len(rels[0].cols) {
			return nil, b.errAt(firstTargetLoc(leaf), "each %s query must have the same number of columns: %d and %d", opName, len(rels[0].cols), len(rel.cols))
		}
		rels[i] = rel
	}
	n := len(rels[0].cols)
	types := make([]arrow.DataType, n)
	for c := range n {
		ts := make([]arrow.DataType, len(rels))
		for i, r := range rels {
			ts[i] = r.cols[c].typ
		}
		t, err := planner.CommonType(ts...)
		if err != nil {
			return nil, b.errAt(firstTargetLoc(leaves[0]), "%s column %d: %v", opName, c+1, err)
		}
		types[c] = t
	}
	inputs := make([]planner.Node, len(rels))
	for i, r := range rels {
		inputs[i] = castColumns(r, types)
	}
	names := make([]string, n)
	for c := range n {
		names[c] = rels[0].cols[c].name
	}
	inputs[0] = renameColumns(inputs[0], names)
	var node planner.Node
	switch s.Op {
	case pg.SetOperation_SETOP_UNION:
		node = planner.NewUnion(inputs)
		if !s.All {
			node = distinct(node)
		}
	default:
		fs := inputs[0].Schema().Fields()
		rf := inputs[1].Schema().Fields()
		var cond planner.Expr
		for c := range n {
			eq := &planner.Binary{
				Op:       planner.OpIsNotDistinctFrom,
				Left:     &planner.Column{Index: c, Name: fs[c].Name, DataType: fs[c].Type, Null: fs[c].Nullable},
				Right:    &planner.Column{Index: n + c, Name: rf[c].Name, DataType: rf[c].Type, Null: rf[c].Nullable},
				DataType: planner.TypeBoolean,
			}
			if cond == nil {
				cond = eq
			} else {
				cond = &planner.Binary{Op: planner.OpAnd, Left: cond, Right: eq, DataType: planner.TypeBoolean}
			}
		}
		typ := planner.JoinSemi
		if s.Op == pg.SetOperation_SETOP_EXCEPT {
			typ = planner.JoinAnti
		}
		node = distinct(planner.NewJoin(inputs[0], inputs[1], typ, cond))
	}
	return newRelation(node, ""), nil
}

// tokenLoc is where the first token of kind tok stands in the statement
// (set operations carry no position of their own), or -1.
func (b *binder) tokenLoc(tok pg.Token) int32 {
	scan, err := pg.Scan(b.text.parsed)
	if err != nil {
		return -1
	}
	for _, t := range scan.Tokens {
		if t.Token == tok {
			return t.Start
		}
	}
	return -1
}

// unionLeaves flattens a chain of UNIONs of the same kind into its inputs,
// so that a UNION ALL b UNION ALL c is one Union of three.
func unionLeaves(s *pg.SelectStmt, all, top bool) []*pg.SelectStmt {
	if s.Op != pg.SetOperation_SETOP_UNION || s.All != all ||
		!top && (len(s.SortClause) > 0 || s.LimitCount != nil || s.LimitOffset != nil || s.WithClause != nil) {
		return []*pg.SelectStmt{s}
	}
	return append(unionLeaves(s.Larg, all, false), unionLeaves(s.Rarg, all, false)...)
}

// castColumns casts the columns of r that differ from types.
func castColumns(r *relation, types []arrow.DataType) planner.Node {
	same := true
	for i, c := range r.cols {
		if !arrow.TypeEqual(c.typ, types[i]) {
			same = false
		}
	}
	if same {
		return r.node
	}
	exprs := make([]planner.Expr, len(r.cols))
	names := make([]string, len(r.cols))
	for i, c := range r.cols {
		e, err := castTo(colRef(i, c), types[i])
		if err != nil {
			e = &planner.Cast{X: colRef(i, c), To: types[i]}
		}
		exprs[i], names[i] = e, c.name
	}
	return planner.NewProject(r.node, exprs, names)
}

// renameColumns gives node's output the names, projecting when they differ.
func renameColumns(node planner.Node, names []string) planner.Node {
	fs := node.Schema().Fields()
	same := true
	for i, f := range fs {
		if f.Name != names[i] {
			same = false
		}
	}
	if same {
		return node
	}
	exprs := make([]planner.Expr, len(fs))
	for i, f := range fs {
		exprs[i] = &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
	}
	return planner.NewProject(node, exprs, names)
}

// firstTargetLoc points at the first select item of a query, for errors
// about the query as a whole.
func firstTargetLoc(s *pg.SelectStmt) int32 {
	if s == nil {
		return -1
	}
	if len(s.TargetList) > 0 {
		return nodeLoc(s.TargetList[0])
	}
	if len(s.ValuesLists) > 0 {
		if items := s.ValuesLists[0].GetList().GetItems(); len(items) > 0 {
			return exprStart(items[0])
		}
	}
	if s.Larg != nil {
		return firstTargetLoc(s.Larg)
	}
	return -1
}
