package ember

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// Join joins df (left) with other (right).
//
// on is the join condition: a BOOLEAN Column (both sides' columns stay in
// the result; refer to them with DataFrame.Col or an Alias when names
// repeat), a column name or a []string of names present on both sides
// (an equi-join whose key columns appear once, first, as SQL's USING), or
// nil for a cross join.
//
// how is "inner" (also ""), "left" ("left_outer", "leftouter"), "right"
// ("right_outer", "rightouter"), "full" ("outer", "full_outer",
// "fullouter"), "semi" ("left_semi", "leftsemi"), "anti" ("left_anti",
// "leftanti") or "cross". Semi and anti joins keep only df's columns.
func (df *DataFrame) Join(other *DataFrame, on any, how string) *DataFrame {
	if df.err != nil {
		return df
	}
	if other == nil {
		return df.s.errDataFrame(fmt.Errorf("Join: nil DataFrame"))
	}
	if other.err != nil {
		return other
	}
	kind, ok := joinKinds[strings.ToLower(strings.TrimSpace(how))]
	if !ok {
		return df.s.errDataFrame(fmt.Errorf("Join: unknown join type %q; use inner, left, right, full, semi, anti or cross", how))
	}
	var cond Column
	var using []string
	switch x := on.(type) {
	case nil:
		if kind != "cross" {
			return df.s.errDataFrame(fmt.Errorf("Join: a %s join needs a condition (on); use how \"cross\" for a cross join", kind))
		}
	case string:
		using = []string{x}
	case []string:
		if len(x) == 0 {
			return df.s.errDataFrame(fmt.Errorf("Join: empty list of join columns"))
		}
		using = x
	case Column:
		cond = x
	default:
		return df.s.errDataFrame(fmt.Errorf("Join: on must be a Column, a column name or a []string, not a %T", on))
	}
	if kind == "cross" && on != nil {
		kind = "inner"
	}
	sides := []struct {
		name string
		df   *DataFrame
	}{{"left", df}, {"right", other}}
	for _, u := range using {
		for _, side := range sides {
			if !containsFold(side.df.Columns(), u) {
				return df.s.errDataFrame(fmt.Errorf("Join: column %q not found on the %s side; it has: %s", u, side.name, strings.Join(side.df.Columns(), ", ")))
			}
		}
	}
	if kind == "semi" || kind == "anti" {
		return df.semiJoin(other, cond, using, kind == "anti")
	}
	var cols []Column
	if on != nil && using == nil {
		cols = []Column{cond}
	}
	return df.transform([]*DataFrame{other}, cols, func(from []*pg.Node) *pg.SelectStmt {
		je := &pg.JoinExpr{Jointype: sqlJoinTypes[kind], Larg: from[0], Rarg: from[1]}
		switch {
		case using != nil:
			for _, u := range using {
				je.UsingClause = append(je.UsingClause, pg.MakeStrNode(u))
			}
		case on != nil:
			je.Quals = cond.node
		}
		sel := selectFrom(nil, star())
		if kind == "cross" {
			sel.FromClause = []*pg.Node{from[0], from[1]}
		} else {
			sel.FromClause = []*pg.Node{{Node: &pg.Node_JoinExpr{JoinExpr: je}}}
		}
		return sel
	})
}

// semiJoin keeps df's rows with (or, anti, without) a match in other,
// written as [NOT] EXISTS over a correlated subquery, which the optimizer
// turns into a semi or anti join.
func (df *DataFrame) semiJoin(other *DataFrame, cond Column, using []string, anti bool) *DataFrame {
	var cols []Column
	if using == nil {
		cols = []Column{cond}
	}
	return df.transform([]*DataFrame{other}, cols, func(from []*pg.Node) *pg.SelectStmt {
		var where *pg.Node
		if using != nil {
			var eqs []*pg.Node
			for _, u := range using {
				l := pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(df.name), pg.MakeStrNode(u)}, -1)
				r := pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(other.name), pg.MakeStrNode(u)}, -1)
				eqs = append(eqs, pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode("=")}, l, r, -1))
			}
			where = eqs[0]
			if len(eqs) > 1 {
				where = pg.MakeBoolExprNode(pg.BoolExprType_AND_EXPR, eqs, -1)
			}
		} else {
			where = cond.node
		}
		sub := selectFrom(from[1], pg.MakeResTargetNodeWithVal(pg.MakeAConstIntNode(1, -1), -1))
		sub.WhereClause = where
		exists := &pg.Node{Node: &pg.Node_SubLink{SubLink: &pg.SubLink{SubLinkType: pg.SubLinkType_EXISTS_SUBLINK,
			Subselect: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: sub}}, Location: -1}}}
		if anti {
			exists = pg.MakeBoolExprNode(pg.BoolExprType_NOT_EXPR, []*pg.Node{exists}, -1)
		}
		sel := selectFrom(from[0], star())
		sel.WhereClause = exists
		return sel
	})
}

// joinKinds maps Spark's join type names to Ember's.
var joinKinds = map[string]string{
	"": "inner", "inner": "inner",
	"left": "left", "left_outer": "left", "leftouter": "left",
	"right": "right", "right_outer": "right", "rightouter": "right",
	"full": "full", "outer": "full", "full_outer": "full", "fullouter": "full",
	"semi": "semi", "left_semi": "semi", "leftsemi": "semi",
	"anti": "anti", "left_anti": "anti", "leftanti": "anti",
	"cross": "cross",
}

var sqlJoinTypes = map[string]pg.JoinType{
	"inner": pg.JoinType_JOIN_INNER, "left": pg.JoinType_JOIN_LEFT,
	"right": pg.JoinType_JOIN_RIGHT, "full": pg.JoinType_JOIN_FULL,
}
