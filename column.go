package ember

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/sql"
)

// Column is an expression over the columns of a DataFrame: a column by name
// (Col), a constant (Lit), SQL text (Expr), or anything built from those
// with the methods below and the package's functions. A Column is an
// immutable value; every method returns a new one.
//
// A Column is resolved when a transformation uses it, against that
// transformation's input, by the same binder as SQL: the same names, types,
// coercions and error messages. A mistake in building a Column (SQL text
// that does not parse, a value Lit cannot represent) is kept in the Column
// and reported by the transformation that uses it.
type Column struct {
	node  *pg.Node // the expression's syntax tree
	alias string   // the output name given with Alias/As
	// sort is set by Asc, Desc and their NULLS variants.
	sort *pg.SortBy
	err  error
}

// Col refers to a column by name. "name" finds the column in the input;
// "t.name" finds it under the qualifier t (a table name or a DataFrame's
// Alias); "*" is every column. Backticks quote a name with dots in it:
// "`a.b`".
func Col(name string) Column {
	parts, err := splitColumnName(name)
	if err != nil {
		return Column{err: err}
	}
	fields := make([]*pg.Node, len(parts))
	for i, p := range parts {
		if p == "*" && i == len(parts)-1 {
			fields[i] = pg.MakeAStarNode()
			continue
		}
		fields[i] = pg.MakeStrNode(p)
	}
	return Column{node: pg.MakeColumnRefNode(fields, -1)}
}

// splitColumnName splits "a.b" at dots outside backticks.
func splitColumnName(name string) ([]string, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf("empty column name")
	}
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '`' && quoted && i+1 < len(name) && name[i+1] == '`':
			cur.WriteByte('`')
			i++
		case c == '`':
			quoted = !quoted
		case c == '.' && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, fmt.Errorf("column name %q has an unclosed backtick", name)
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("column name %q has an empty part", name)
		}
	}
	return parts, nil
}

// Expr parses a SQL expression, as SelectExpr and Spark's expr() do:
// Expr("l_extendedprice * (1 - l_discount)"), Expr("count(*) AS n").
// An alias written in the text names the column.
func Expr(text string) Column {
	rt, err := sql.ParseSelectItem(text)
	if err != nil {
		return Column{err: err}
	}
	return Column{node: rt.Val, alias: rt.Name}
}

// Err reports a mistake made while building the column, if any.
func (c Column) Err() error { return c.err }

// String renders the column the way it is named in a result when it has
// no alias: sum(x), (a + 1).
func (c Column) String() string {
	if c.err != nil {
		return "<invalid column: " + c.err.Error() + ">"
	}
	if c.alias != "" {
		return c.alias
	}
	return sql.ExprName(c.node)
}

// Alias names the column in a result: Sum(Col("x")).Alias("total").
func (c Column) Alias(name string) Column {
	c.alias = name
	return c
}

// As is Alias.
func (c Column) As(name string) Column { return c.Alias(name) }

// toColumn turns an argument into a Column: a Column as is, a string as a
// column name when asName is set (as Spark's functions that take names do),
// and any other Go value as a literal.
func toColumn(v any, asName bool) Column {
	switch x := v.(type) {
	case Column:
		return x
	case *Column:
		if x == nil {
			return Lit(nil)
		}
		return *x
	case string:
		if asName {
			return Col(x)
		}
	}
	return Lit(v)
}

// firstErr returns the first building mistake among cols.
func firstErr(cols ...Column) error {
	for _, c := range cols {
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// derive builds a new Column from the nodes of cols, carrying the first
// error of any of them.
func derive(build func(nodes []*pg.Node) *pg.Node, cols ...Column) Column {
	if err := firstErr(cols...); err != nil {
		return Column{err: err}
	}
	nodes := make([]*pg.Node, len(cols))
	for i, c := range cols {
		nodes[i] = c.node
	}
	return Column{node: build(nodes)}
}

// binaryOp builds "c op other"; other is a Column or a Go value (a literal).
func (c Column) binaryOp(op string, other any) Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode(op)}, n[0], n[1], -1)
	}, c, toColumn(other, false))
}

// Add is c + other.
func (c Column) Add(other any) Column { return c.binaryOp("+", other) }

// Sub is c - other.
func (c Column) Sub(other any) Column { return c.binaryOp("-", other) }

// Mul is c * other.
func (c Column) Mul(other any) Column { return c.binaryOp("*", other) }

// Div is c / other (integer / integer is a DOUBLE, as in Spark; dividing
// by zero is an error).
func (c Column) Div(other any) Column { return c.binaryOp("/", other) }

// Mod is c % other.
func (c Column) Mod(other any) Column { return c.binaryOp("%", other) }

// Eq is c = other (NULL when either side is NULL).
func (c Column) Eq(other any) Column { return c.binaryOp("=", other) }

// Neq is c <> other.
func (c Column) Neq(other any) Column { return c.binaryOp("<>", other) }

// Lt is c < other.
func (c Column) Lt(other any) Column { return c.binaryOp("<", other) }

// Le is c <= other.
func (c Column) Le(other any) Column { return c.binaryOp("<=", other) }

// Gt is c > other.
func (c Column) Gt(other any) Column { return c.binaryOp(">", other) }

// Ge is c >= other.
func (c Column) Ge(other any) Column { return c.binaryOp(">=", other) }

// boolOp builds AND/OR over c and others.
func (c Column) boolOp(op pg.BoolExprType, others ...any) Column {
	cols := []Column{c}
	for _, o := range others {
		cols = append(cols, toColumn(o, false))
	}
	return derive(func(n []*pg.Node) *pg.Node { return pg.MakeBoolExprNode(op, n, -1) }, cols...)
}

// And is c AND other AND ... (SQL's three-valued logic).
func (c Column) And(other any, more ...any) Column {
	return c.boolOp(pg.BoolExprType_AND_EXPR, append([]any{other}, more...)...)
}

// Or is c OR other OR ....
func (c Column) Or(other any, more ...any) Column {
	return c.boolOp(pg.BoolExprType_OR_EXPR, append([]any{other}, more...)...)
}

// Not is NOT c.
func (c Column) Not() Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeBoolExprNode(pg.BoolExprType_NOT_EXPR, n, -1)
	}, c)
}

// Not is NOT c, as a function: Not(Col("flag")).
func Not(c Column) Column { return c.Not() }

// Negate is -c.
func (c Column) Negate() Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_OP, []*pg.Node{pg.MakeStrNode("-")}, nil, n[0], -1)
	}, c)
}

func (c Column) nullTest(t pg.NullTestType) Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return &pg.Node{Node: &pg.Node_NullTest{NullTest: &pg.NullTest{Arg: n[0], Nulltesttype: t, Location: -1}}}
	}, c)
}

// IsNull is c IS NULL.
func (c Column) IsNull() Column { return c.nullTest(pg.NullTestType_IS_NULL) }

// IsNotNull is c IS NOT NULL.
func (c Column) IsNotNull() Column { return c.nullTest(pg.NullTestType_IS_NOT_NULL) }

// Like is c LIKE pattern (% and _ wildcards).
func (c Column) Like(pattern string) Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_LIKE, []*pg.Node{pg.MakeStrNode("~~")}, n[0], n[1], -1)
	}, c, Lit(pattern))
}

// IsIn is c IN (values...); each value is a Column or a Go value.
func (c Column) IsIn(values ...any) Column {
	if len(values) == 0 {
		return Column{err: fmt.Errorf("IsIn needs at least one value")}
	}
	cols := []Column{c}
	for _, v := range values {
		cols = append(cols, toColumn(v, false))
	}
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_IN, []*pg.Node{pg.MakeStrNode("=")}, n[0], pg.MakeListNode(n[1:]), -1)
	}, cols...)
}

// Between is c BETWEEN lo AND hi (both ends included).
func (c Column) Between(lo, hi any) Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeAExprNode(pg.A_Expr_Kind_AEXPR_BETWEEN, []*pg.Node{pg.MakeStrNode("BETWEEN")}, n[0], pg.MakeListNode(n[1:]), -1)
	}, c, toColumn(lo, false), toColumn(hi, false))
}

// Cast converts c to a SQL type given by name: "int", "bigint", "double",
// "decimal(15,2)", "string", "date", "timestamp", "boolean". Casts follow
// Spark's ANSI rules: a value that does not fit is an error.
func (c Column) Cast(typeName string) Column {
	if c.err != nil {
		return c
	}
	rt, err := sql.ParseSelectItem("CAST(NULL AS " + typeName + ")")
	if err != nil || rt.Val.GetTypeCast() == nil {
		return Column{err: fmt.Errorf("unknown type %q in Cast", typeName)}
	}
	tn := rt.Val.GetTypeCast().TypeName
	return derive(func(n []*pg.Node) *pg.Node {
		return &pg.Node{Node: &pg.Node_TypeCast{TypeCast: &pg.TypeCast{Arg: n[0], TypeName: tn, Location: -1}}}
	}, c)
}

// sorted returns c as a sort key.
func (c Column) sorted(dir pg.SortByDir, nulls pg.SortByNulls) Column {
	if c.err != nil {
		return c
	}
	c.sort = &pg.SortBy{Node: c.node, SortbyDir: dir, SortbyNulls: nulls, Location: -1}
	return c
}

// Asc sorts by c ascending, NULLs first (Spark's default).
func (c Column) Asc() Column {
	return c.sorted(pg.SortByDir_SORTBY_ASC, pg.SortByNulls_SORTBY_NULLS_DEFAULT)
}

// AscNullsLast sorts by c ascending with NULLs last.
func (c Column) AscNullsLast() Column {
	return c.sorted(pg.SortByDir_SORTBY_ASC, pg.SortByNulls_SORTBY_NULLS_LAST)
}

// Desc sorts by c descending, NULLs last (Spark's default).
func (c Column) Desc() Column {
	return c.sorted(pg.SortByDir_SORTBY_DESC, pg.SortByNulls_SORTBY_NULLS_DEFAULT)
}

// DescNullsFirst sorts by c descending with NULLs first.
func (c Column) DescNullsFirst() Column {
	return c.sorted(pg.SortByDir_SORTBY_DESC, pg.SortByNulls_SORTBY_NULLS_FIRST)
}

// target is the column as a select-list item.
func (c Column) target() *pg.Node {
	return pg.MakeResTargetNodeWithNameAndVal(c.alias, c.node, -1)
}

// sortKey is the column as an ORDER BY item (ascending unless Asc/Desc
// said otherwise).
func (c Column) sortKey() *pg.Node {
	if c.sort != nil {
		return &pg.Node{Node: &pg.Node_SortBy{SortBy: c.sort}}
	}
	return pg.MakeSortByNode(c.node, pg.SortByDir_SORTBY_DEFAULT, pg.SortByNulls_SORTBY_NULLS_DEFAULT, -1)
}
