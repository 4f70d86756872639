package ember

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// call builds name(args...); each arg is a Column or a Go value (a
// literal).
func call(name string, args ...any) Column {
	cols := make([]Column, len(args))
	for i, a := range args {
		cols[i] = toColumn(a, false)
	}
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeFuncCallNode([]*pg.Node{pg.MakeStrNode(name)}, n, -1)
	}, cols...)
}

// Call calls a SQL function by name, for functions without a Go wrapper
// (Spark's call_function): Call("nullif", Col("a"), 0).
func Call(name string, args ...any) Column { return call(name, args...) }

// Aggregates. Each takes a Column or a column name.

// Count counts the non-NULL values of col; Count("*") counts rows.
func Count(col any) Column {
	if s, ok := col.(string); ok && s == "*" {
		return Column{node: &pg.Node{Node: &pg.Node_FuncCall{FuncCall: &pg.FuncCall{
			Funcname: []*pg.Node{pg.MakeStrNode("count")}, AggStar: true, Location: -1}}}}
	}
	return call("count", toColumn(col, true))
}

// CountDistinct counts the distinct non-NULL values of col.
func CountDistinct(col any) Column {
	c := call("count", toColumn(col, true))
	if c.err == nil {
		c.node.GetFuncCall().AggDistinct = true
	}
	return c
}

// Sum adds the values of col (DECIMAL sums are exact and gain 10 digits of
// precision, as in Spark).
func Sum(col any) Column { return call("sum", toColumn(col, true)) }

// Avg is the mean of col's non-NULL values.
func Avg(col any) Column { return call("avg", toColumn(col, true)) }

// Mean is Avg.
func Mean(col any) Column { return Avg(col) }

// Min is the smallest value of col.
func Min(col any) Column { return call("min", toColumn(col, true)) }

// Max is the largest value of col.
func Max(col any) Column { return call("max", toColumn(col, true)) }

// First is a value of col from the group (the first one met; which row
// that is depends on the plan, as in Spark).
func First(col any) Column { return call("first", toColumn(col, true)) }

// Scalar functions. Each takes Columns or column names where it says col,
// and Columns or Go values elsewhere.

// Upper converts col to upper case.
func Upper(col any) Column { return call("upper", toColumn(col, true)) }

// Lower converts col to lower case.
func Lower(col any) Column { return call("lower", toColumn(col, true)) }

// Trim removes leading and trailing spaces.
func Trim(col any) Column { return call("trim", toColumn(col, true)) }

// LTrim removes leading spaces.
func LTrim(col any) Column { return call("ltrim", toColumn(col, true)) }

// RTrim removes trailing spaces.
func RTrim(col any) Column { return call("rtrim", toColumn(col, true)) }

// Length is the number of characters of col.
func Length(col any) Column { return call("length", toColumn(col, true)) }

// Substring is length characters of col from 1-based position pos.
func Substring(col any, pos, length int) Column {
	return call("substring", toColumn(col, true), pos, length)
}

// Concat joins strings; NULL if any is NULL.
func Concat(cols ...any) Column {
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = toColumn(c, true)
	}
	return call("concat", args...)
}

// Abs is the absolute value.
func Abs(col any) Column { return call("abs", toColumn(col, true)) }

// Round rounds half up to scale decimal places.
func Round(col any, scale int) Column { return call("round", toColumn(col, true), scale) }

// Floor rounds down.
func Floor(col any) Column { return call("floor", toColumn(col, true)) }

// Ceil rounds up.
func Ceil(col any) Column { return call("ceil", toColumn(col, true)) }

// Year is the year of a DATE or TIMESTAMP.
func Year(col any) Column { return call("year", toColumn(col, true)) }

// Month is the month (1-12) of a DATE or TIMESTAMP.
func Month(col any) Column { return call("month", toColumn(col, true)) }

// DayOfMonth is the day of the month (1-31) of a DATE or TIMESTAMP.
func DayOfMonth(col any) Column { return call("day", toColumn(col, true)) }

// Coalesce is the first non-NULL of its arguments (Columns or values).
func Coalesce(cols ...any) Column { return call("coalesce", cols...) }

// Rand is a uniformly distributed DOUBLE in [0, 1). With the same seed
// and partitioning a query draws the same numbers on every run; each
// partition draws its own stream (seeded with seed plus its index, as in
// Spark). Without a seed, a random one is chosen per query.
func Rand(seed ...int64) Column {
	switch len(seed) {
	case 0:
		return call("rand")
	case 1:
		return call("rand", seed[0])
	}
	return Column{err: fmt.Errorf("Rand takes at most one seed, got %d", len(seed))}
}

// When starts a CASE expression: When(cond, value).When(cond2, value2).
// Otherwise(other). Without Otherwise, unmatched rows get NULL.
func When(cond Column, value any) Column {
	return derive(func(n []*pg.Node) *pg.Node {
		return pg.MakeCaseExprNode(nil, []*pg.Node{pg.MakeCaseWhenNode(n[0], n[1], -1)}, -1)
	}, cond, toColumn(value, false))
}

// When adds a branch to a CASE expression started with the function When.
func (c Column) When(cond Column, value any) Column {
	ce := c.caseExpr("When")
	if ce.err != nil {
		return ce
	}
	return derive(func(n []*pg.Node) *pg.Node {
		old := n[0].GetCaseExpr()
		args := append(append([]*pg.Node{}, old.Args...), pg.MakeCaseWhenNode(n[1], n[2], -1))
		return pg.MakeCaseExprNode(nil, args, -1)
	}, c, cond, toColumn(value, false))
}

// Otherwise sets the value of a CASE expression's unmatched rows.
func (c Column) Otherwise(value any) Column {
	ce := c.caseExpr("Otherwise")
	if ce.err != nil {
		return ce
	}
	return derive(func(n []*pg.Node) *pg.Node {
		old := n[0].GetCaseExpr()
		out := pg.MakeCaseExprNode(nil, old.Args, -1)
		out.GetCaseExpr().Defresult = n[1]
		return out
	}, c, toColumn(value, false))
}

// caseExpr checks that c is a CASE expression still open for branches.
func (c Column) caseExpr(method string) Column {
	if c.err != nil {
		return c
	}
	ce := c.node.GetCaseExpr()
	switch {
	case ce == nil:
		return Column{err: fmt.Errorf("%s applies to a column started with When, not to %s", method, c)}
	case ce.Defresult != nil:
		return Column{err: fmt.Errorf("%s after Otherwise", method)}
	}
	return c
}
