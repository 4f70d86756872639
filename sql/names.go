package sql

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// exprName renders an unaliased select-list expression the way Spark names
// its output column: sum(l_quantity), (a + b), count(1), CAST(x AS INT).
func exprName(n *pg.Node) string {
	var sb strings.Builder
	writeName(&sb, n)
	return sb.String()
}

func writeName(sb *strings.Builder, n *pg.Node) {
	if n == nil || n.Node == nil {
		return
	}
	list := func(ns []*pg.Node) {
		for i, a := range ns {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeName(sb, a)
		}
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		f := x.ColumnRef.Fields
		if len(f) > 0 {
			if f[len(f)-1].GetAStar() != nil {
				sb.WriteString("*")
			} else {
				sb.WriteString(f[len(f)-1].GetString_().GetSval())
			}
		}
	case *pg.Node_AConst:
		c := x.AConst
		switch {
		case c.Isnull:
			sb.WriteString("NULL")
		case c.GetIval() != nil:
			sb.WriteString(planner.FormatLiteral(&planner.Literal{Value: c.GetIval().Ival, DataType: planner.TypeInt}))
		case c.GetFval() != nil:
			sb.WriteString(c.GetFval().Fval)
		case c.GetSval() != nil:
			sb.WriteString(c.GetSval().Sval)
		case c.GetBoolval() != nil:
			if c.GetBoolval().Boolval {
				sb.WriteString("true")
			} else {
				sb.WriteString("false")
			}
		}
	case *pg.Node_TypeCast:
		tn := x.TypeCast.TypeName
		typ := typeNameText(tn)
		if c := x.TypeCast.Arg.GetAConst(); c != nil && c.GetSval() != nil {
			switch strings.ToLower(lastName(tn.Names)) {
			case "date", "timestamp", "interval":
				sb.WriteString(typ + " '" + c.GetSval().Sval + "'")
				return
			}
		}
		if t, err := (&sqlText{}).bindType(tn); err == nil {
			typ = planner.TypeName(t)
		}
		sb.WriteString("CAST(")
		writeName(sb, x.TypeCast.Arg)
		sb.WriteString(" AS " + typ + ")")
	case *pg.Node_AExpr:
		a := x.AExpr
		op := lastName(a.Name)
		switch a.Kind {
		case pg.A_Expr_Kind_AEXPR_OP:
			if op == "||" {
				// Spark names a || b after the function it is.
				sb.WriteString("concat(")
				list([]*pg.Node{a.Lexpr, a.Rexpr})
				sb.WriteString(")")
				return
			}
			sb.WriteString("(")
			if a.Lexpr != nil {
				writeName(sb, a.Lexpr)
				sb.WriteString(" ")
			}
			sb.WriteString(op + " ")
			writeName(sb, a.Rexpr)
			sb.WriteString(")")
		case pg.A_Expr_Kind_AEXPR_IN:
			sb.WriteString("(")
			writeName(sb, a.Lexpr)
			if op == "<>" {
				sb.WriteString(" NOT")
			}
			sb.WriteString(" IN (")
			list(a.Rexpr.GetList().GetItems())
			sb.WriteString("))")
		case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE:
			writeName(sb, a.Lexpr)
			kw := " LIKE "
			if a.Kind == pg.A_Expr_Kind_AEXPR_ILIKE {
				kw = " ILIKE "
			}
			if strings.HasPrefix(op, "!") {
				kw = " NOT" + kw
			}
			sb.WriteString(kw)
			writeName(sb, a.Rexpr)
		case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
			sb.WriteString("(")
			writeName(sb, a.Lexpr)
			if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
				sb.WriteString(" NOT")
			}
			sb.WriteString(" BETWEEN ")
			if items := a.Rexpr.GetList().GetItems(); len(items) == 2 {
				writeName(sb, items[0])
				sb.WriteString(" AND ")
				writeName(sb, items[1])
			}
			sb.WriteString(")")
		case pg.A_Expr_Kind_AEXPR_NULLIF:
			sb.WriteString("nullif(")
			list([]*pg.Node{a.Lexpr, a.Rexpr})
			sb.WriteString(")")
		case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
			sb.WriteString("(")
			writeName(sb, a.Lexpr)
			if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_DISTINCT {
				sb.WriteString(" IS NOT DISTINCT FROM ")
			} else {
				sb.WriteString(" IS DISTINCT FROM ")
			}
			writeName(sb, a.Rexpr)
			sb.WriteString(")")
		default:
			sb.WriteString("expr")
		}
	case *pg.Node_BoolExpr:
		be := x.BoolExpr
		sb.WriteString("(")
		if be.Boolop == pg.BoolExprType_NOT_EXPR {
			sb.WriteString("NOT ")
			writeName(sb, be.Args[0])
		} else {
			op := " AND "
			if be.Boolop == pg.BoolExprType_OR_EXPR {
				op = " OR "
			}
			for i, a := range be.Args {
				if i > 0 {
					sb.WriteString(op)
				}
				writeName(sb, a)
			}
		}
		sb.WriteString(")")
	case *pg.Node_NullTest:
		sb.WriteString("(")
		writeName(sb, x.NullTest.Arg)
		if x.NullTest.Nulltesttype == pg.NullTestType_IS_NOT_NULL {
			sb.WriteString(" IS NOT NULL)")
		} else {
			sb.WriteString(" IS NULL)")
		}
	case *pg.Node_BooleanTest:
		sb.WriteString("(")
		writeName(sb, x.BooleanTest.Arg)
		sb.WriteString(" " + strings.ReplaceAll(x.BooleanTest.Booltesttype.String(), "_", " ") + ")")
	case *pg.Node_FuncCall:
		fc := x.FuncCall
		name := strings.ToLower(lastName(fc.Funcname))
		if alias, ok := functionAliases[name]; ok {
			name = alias
		}
		switch {
		case fc.AggStar:
			sb.WriteString(name + "(1)")
		case name == "extract" && len(fc.Args) == 2:
			sb.WriteString("extract(" + fc.Args[0].GetAConst().GetSval().GetSval() + " FROM ")
			writeName(sb, fc.Args[1])
			sb.WriteString(")")
		default:
			sb.WriteString(name + "(")
			if fc.AggDistinct {
				sb.WriteString("DISTINCT ")
			}
			list(fc.Args)
			sb.WriteString(")")
		}
		if w := fc.Over; w != nil {
			writeWindow(sb, w)
		}
	case *pg.Node_CaseExpr:
		c := x.CaseExpr
		sb.WriteString("CASE")
		if c.Arg != nil {
			sb.WriteString(" ")
			writeName(sb, c.Arg)
		}
		for _, w := range c.Args {
			cw := w.GetCaseWhen()
			sb.WriteString(" WHEN ")
			writeName(sb, cw.Expr)
			sb.WriteString(" THEN ")
			writeName(sb, cw.Result)
		}
		if c.Defresult != nil {
			sb.WriteString(" ELSE ")
			writeName(sb, c.Defresult)
		}
		sb.WriteString(" END")
	case *pg.Node_CoalesceExpr:
		sb.WriteString("coalesce(")
		list(x.CoalesceExpr.Args)
		sb.WriteString(")")
	case *pg.Node_SubLink:
		switch x.SubLink.SubLinkType {
		case pg.SubLinkType_EXISTS_SUBLINK:
			sb.WriteString("exists()")
		case pg.SubLinkType_EXPR_SUBLINK:
			sb.WriteString("scalarsubquery()")
		default:
			sb.WriteString("(")
			writeName(sb, x.SubLink.Testexpr)
			sb.WriteString(" IN (listquery()))")
		}
	default:
		sb.WriteString("expr")
	}
}

func writeWindow(sb *strings.Builder, w *pg.WindowDef) {
	sb.WriteString(" OVER (")
	sep := ""
	if w.Name != "" {
		sb.WriteString(w.Name)
		sep = " "
	}
	if w.Refname != "" {
		sb.WriteString(w.Refname)
		sep = " "
	}
	if len(w.PartitionClause) > 0 {
		sb.WriteString(sep + "PARTITION BY ")
		for i, p := range w.PartitionClause {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeName(sb, p)
		}
		sep = " "
	}
	if len(w.OrderClause) > 0 {
		sb.WriteString(sep + "ORDER BY ")
		for i, o := range w.OrderClause {
			if i > 0 {
				sb.WriteString(", ")
			}
			s := o.GetSortBy()
			writeName(sb, s.GetNode())
			if s.GetSortbyDir() == pg.SortByDir_SORTBY_DESC {
				sb.WriteString(" DESC")
			}
		}
	}
	sb.WriteString(")")
}

// nodeLoc is the location pg_query recorded for an expression node, or -1.
func nodeLoc(n *pg.Node) int32 {
	if n == nil {
		return -1
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return x.ColumnRef.Location
	case *pg.Node_AConst:
		return x.AConst.Location
	case *pg.Node_AExpr:
		return x.AExpr.Location
	case *pg.Node_TypeCast:
		return x.TypeCast.Location
	case *pg.Node_BoolExpr:
		return x.BoolExpr.Location
	case *pg.Node_NullTest:
		return x.NullTest.Location
	case *pg.Node_BooleanTest:
		return x.BooleanTest.Location
	case *pg.Node_FuncCall:
		return x.FuncCall.Location
	case *pg.Node_CaseExpr:
		return x.CaseExpr.Location
	case *pg.Node_CoalesceExpr:
		return x.CoalesceExpr.Location
	case *pg.Node_SubLink:
		return x.SubLink.Location
	case *pg.Node_MinMaxExpr:
		return x.MinMaxExpr.Location
	case *pg.Node_ParamRef:
		return x.ParamRef.Location
	case *pg.Node_RowExpr:
		return x.RowExpr.Location
	case *pg.Node_SortBy:
		return exprStart(x.SortBy.Node)
	case *pg.Node_ResTarget:
		return x.ResTarget.Location
	case *pg.Node_RangeVar:
		return x.RangeVar.Location
	case *pg.Node_NamedArgExpr:
		return x.NamedArgExpr.Location
	}
	return -1
}

// exprStart is where an expression's text begins: pg_query records an
// operator's position, so the leftmost operand is looked at too.
func exprStart(n *pg.Node) int32 {
	loc := nodeLoc(n)
	if n == nil {
		return loc
	}
	var first *pg.Node
	switch x := n.Node.(type) {
	case *pg.Node_AExpr:
		first = x.AExpr.Lexpr
	case *pg.Node_TypeCast:
		first = x.TypeCast.Arg
	case *pg.Node_BoolExpr:
		if len(x.BoolExpr.Args) > 0 {
			first = x.BoolExpr.Args[0]
		}
	case *pg.Node_NullTest:
		first = x.NullTest.Arg
	case *pg.Node_BooleanTest:
		first = x.BooleanTest.Arg
	case *pg.Node_SubLink:
		first = x.SubLink.Testexpr
	}
	if first != nil {
		if s := exprStart(first); s >= 0 && (loc < 0 || s < loc) {
			loc = s
		}
	}
	return loc
}

// ExprName is the name Spark gives an unaliased expression in a result
// (sum(l_quantity), (a + b)); the DataFrame API names its columns with it.
func ExprName(n *pg.Node) string { return exprName(n) }
