package ember

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/sql"
)

// Select keeps the given columns, in order: Columns (with Alias to name
// them) or column names ("*" for all).
func (df *DataFrame) Select(cols ...any) *DataFrame {
	cs := columnsOf(cols)
	if len(cs) == 0 {
		return df.s.errDataFrame(fmt.Errorf("Select needs at least one column"))
	}
	return df.transform(nil, cs, func(from []*pg.Node) *pg.SelectStmt {
		return selectFrom(from[0], targets(cs)...)
	})
}

// SelectExpr is Select over SQL expressions: SelectExpr("a", "b * 2 AS c").
func (df *DataFrame) SelectExpr(exprs ...string) *DataFrame {
	cols := make([]any, len(exprs))
	for i, e := range exprs {
		cols[i] = Expr(e)
	}
	return df.Select(cols...)
}

func targets(cols []Column) []*pg.Node {
	out := make([]*pg.Node, len(cols))
	for i, c := range cols {
		out[i] = c.target()
	}
	return out
}

// Filter keeps the rows where cond is true (not false, not NULL). cond is
// a BOOLEAN Column or SQL text ("l_quantity > 10").
func (df *DataFrame) Filter(cond any) *DataFrame {
	var c Column
	switch x := cond.(type) {
	case string:
		c = Expr(x)
	case Column:
		c = x
	default:
		return df.s.errDataFrame(fmt.Errorf("Filter takes a Column or SQL text, not a %T", cond))
	}
	return df.transform(nil, []Column{c}, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], star())
		sel.WhereClause = c.node
		return sel
	})
}

// Where is Filter.
func (df *DataFrame) Where(cond any) *DataFrame { return df.Filter(cond) }

// WithColumn adds a column named name, or replaces the column of that
// name, keeping its place.
func (df *DataFrame) WithColumn(name string, col Column) *DataFrame {
	if df.err != nil {
		return df
	}
	cols := df.Columns()
	out := make([]Column, 0, len(cols)+1)
	replaced := false
	for _, n := range cols {
		if strings.EqualFold(n, name) && !replaced {
			out = append(out, col.Alias(name))
			replaced = true
			continue
		}
		out = append(out, quotedCol(n))
	}
	if !replaced {
		out = append(out, col.Alias(name))
	}
	return df.transform(nil, out, func(from []*pg.Node) *pg.SelectStmt {
		return selectFrom(from[0], targets(out)...)
	})
}

// quotedCol refers to a column by its exact name, whatever it contains.
func quotedCol(name string) Column {
	return Column{node: pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(name)}, -1)}
}

// WithColumnRenamed renames a column; as in Spark, a name that is not
// there leaves the DataFrame as it is.
func (df *DataFrame) WithColumnRenamed(existing, newName string) *DataFrame {
	if df.err != nil {
		return df
	}
	cols := df.Columns()
	out := make([]Column, len(cols))
	found := false
	for i, n := range cols {
		out[i] = df.ownCol(i, n)
		if strings.EqualFold(n, existing) {
			out[i] = out[i].Alias(newName)
			found = true
		}
	}
	if !found {
		return df
	}
	return df.transform(nil, out, func(from []*pg.Node) *pg.SelectStmt {
		return selectFrom(from[0], targets(out)...)
	})
}

// ownCol refers to column i of df, named n, unambiguously (by its
// position), so that duplicate names after a join survive a rename or a
// drop.
func (df *DataFrame) ownCol(i int, n string) Column {
	return Column{node: pg.MakeColumnRefNode([]*pg.Node{pg.MakeStrNode(df.name), pg.MakeStrNode(positional(i))}, -1), alias: n}
}

// positional is the hidden name of column i in a frame (see sql.Frame).
func positional(i int) string { return fmt.Sprintf("#%d", i) }

// Drop removes the named columns; names that are not there are ignored,
// as in Spark.
func (df *DataFrame) Drop(cols ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	drop := map[string]bool{}
	for _, c := range cols {
		drop[strings.ToLower(c)] = true
	}
	var keep []Column
	for i, n := range df.Columns() {
		if !drop[strings.ToLower(n)] {
			keep = append(keep, df.ownCol(i, n))
		}
	}
	if len(keep) == len(df.Columns()) {
		return df
	}
	if len(keep) == 0 {
		return df.s.errDataFrame(fmt.Errorf("Drop would remove every column"))
	}
	return df.transform(nil, keep, func(from []*pg.Node) *pg.SelectStmt {
		return selectFrom(from[0], targets(keep)...)
	})
}

// OrderBy sorts the rows by cols: Columns (with Asc, Desc and their NULLS
// variants) or names (ascending). NULLs sort first ascending and last
// descending, as in Spark.
func (df *DataFrame) OrderBy(cols ...any) *DataFrame {
	cs := columnsOf(cols)
	if len(cs) == 0 {
		return df.s.errDataFrame(fmt.Errorf("OrderBy needs at least one column"))
	}
	return df.transform(nil, cs, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], star())
		for _, c := range cs {
			sel.SortClause = append(sel.SortClause, c.sortKey())
		}
		return sel
	})
}

// Sort is OrderBy.
func (df *DataFrame) Sort(cols ...any) *DataFrame { return df.OrderBy(cols...) }

// Limit keeps the first n rows (of the order, when the DataFrame is
// sorted).
func (df *DataFrame) Limit(n int64) *DataFrame {
	if n < 0 {
		return df.s.errDataFrame(fmt.Errorf("Limit: negative count %d", n))
	}
	return df.transform(nil, nil, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], star())
		sel.LimitCount = intLit(n).node
		sel.LimitOption = pg.LimitOption_LIMIT_OPTION_COUNT
		return sel
	})
}

// Offset skips the first n rows.
func (df *DataFrame) Offset(n int64) *DataFrame {
	if n < 0 {
		return df.s.errDataFrame(fmt.Errorf("Offset: negative count %d", n))
	}
	return df.transform(nil, nil, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], star())
		sel.LimitOffset = intLit(n).node
		return sel
	})
}

// Distinct keeps one of each set of equal rows.
func (df *DataFrame) Distinct() *DataFrame {
	return df.transform(nil, nil, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], star())
		sel.DistinctClause = []*pg.Node{{}}
		return sel
	})
}

// DropDuplicates keeps one row per distinct value of cols (all columns
// when none are given). Which row of a group survives is unspecified, as
// in Spark.
func (df *DataFrame) DropDuplicates(cols ...string) *DataFrame {
	if df.err != nil {
		return df
	}
	if len(cols) == 0 {
		return df.Distinct()
	}
	keys := map[string]bool{}
	var groups []Column
	for _, c := range cols {
		if !containsFold(df.Columns(), c) {
			return df.s.errDataFrame(fmt.Errorf("DropDuplicates: column %q not found; available: %s", c, strings.Join(df.Columns(), ", ")))
		}
		keys[strings.ToLower(c)] = true
		groups = append(groups, quotedCol(c))
	}
	var out []Column
	for _, n := range df.Columns() {
		if keys[strings.ToLower(n)] {
			out = append(out, quotedCol(n))
		} else {
			out = append(out, First(quotedCol(n)).Alias(n))
		}
	}
	return df.transform(nil, append(out, groups...), func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], targets(out)...)
		for _, g := range groups {
			sel.GroupClause = append(sel.GroupClause, g.node)
		}
		return sel
	})
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// setOp combines df and other by a SQL set operation.
func (df *DataFrame) setOp(other *DataFrame, op pg.SetOperation, all bool) *DataFrame {
	return df.transform([]*DataFrame{other}, nil, func(from []*pg.Node) *pg.SelectStmt {
		return &pg.SelectStmt{Op: op, All: all, Larg: selectFrom(from[0], star()), Rarg: selectFrom(from[1], star())}
	})
}

// Union appends other's rows, matching columns by position and keeping
// duplicates (Spark's union, SQL's UNION ALL).
func (df *DataFrame) Union(other *DataFrame) *DataFrame {
	return df.setOp(other, pg.SetOperation_SETOP_UNION, true)
}

// UnionAll is Union.
func (df *DataFrame) UnionAll(other *DataFrame) *DataFrame { return df.Union(other) }

// UnionByName appends other's rows, matching columns by name; both must
// have the same column names.
func (df *DataFrame) UnionByName(other *DataFrame) *DataFrame {
	if df.err != nil {
		return df
	}
	if other == nil {
		return df.s.errDataFrame(fmt.Errorf("UnionByName: nil DataFrame"))
	}
	if other.err != nil {
		return other
	}
	mine, theirs := df.Columns(), other.Columns()
	if len(mine) != len(theirs) {
		return df.s.errDataFrame(fmt.Errorf("UnionByName: %d columns (%s) against %d (%s)", len(mine), strings.Join(mine, ", "), len(theirs), strings.Join(theirs, ", ")))
	}
	reordered := make([]any, len(mine))
	for i, n := range mine {
		if !containsFold(theirs, n) {
			return df.s.errDataFrame(fmt.Errorf("UnionByName: column %q not found in the other DataFrame; it has: %s", n, strings.Join(theirs, ", ")))
		}
		reordered[i] = quotedCol(n)
	}
	return df.Union(other.Select(reordered...))
}

// Intersect keeps the distinct rows found in both (SQL's INTERSECT).
func (df *DataFrame) Intersect(other *DataFrame) *DataFrame {
	return df.setOp(other, pg.SetOperation_SETOP_INTERSECT, false)
}

// Except keeps the distinct rows of df not found in other (SQL's EXCEPT,
// Spark's subtract).
func (df *DataFrame) Except(other *DataFrame) *DataFrame {
	return df.setOp(other, pg.SetOperation_SETOP_EXCEPT, false)
}

// Repartition redistributes the rows into n partitions: by the hash of
// cols when given (rows with equal keys meet in one partition), else
// round robin.
func (df *DataFrame) Repartition(n int, cols ...any) *DataFrame {
	if df.err != nil {
		return df
	}
	if n < 1 {
		return df.s.errDataFrame(fmt.Errorf("Repartition: %d partitions; need at least 1", n))
	}
	var keys []planner.Expr
	if len(cols) > 0 {
		// Bind the keys as a projection over df, then take its
		// expressions.
		keyDF := df.Select(cols...)
		if keyDF.err != nil {
			return keyDF
		}
		p, ok := keyDF.frame.Plan.(*planner.Project)
		if !ok {
			return df.s.errDataFrame(fmt.Errorf("Repartition: unexpected key plan %T", keyDF.frame.Plan))
		}
		keys = p.Exprs
	}
	return df.withPlan(&planner.Repartition{Input: df.frame.Plan, Keys: keys, Partitions: n})
}

// Coalesce reduces the number of partitions to n (round robin).
func (df *DataFrame) Coalesce(n int) *DataFrame { return df.Repartition(n) }

// withPlan is df with another plan of the same columns.
func (df *DataFrame) withPlan(p planner.Node) *DataFrame {
	return df.s.newDataFrame(&sql.Frame{Plan: p, Qualifiers: df.frame.Qualifiers})
}
