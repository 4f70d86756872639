package ember

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// GroupedData is a DataFrame grouped by keys, waiting for aggregates
// (DataFrame.GroupBy). Its methods return DataFrames of the keys followed
// by the aggregates, one row per group.
type GroupedData struct {
	df   *DataFrame
	keys []Column
}

// GroupBy groups the rows by cols (Columns or names) for aggregation.
// With no columns, the whole DataFrame is one group.
func (df *DataFrame) GroupBy(cols ...any) *GroupedData {
	return &GroupedData{df: df, keys: columnsOf(cols)}
}

// Agg aggregates the whole DataFrame as one group: df.Agg(Avg("age")).
func (df *DataFrame) Agg(aggs ...Column) *DataFrame { return df.GroupBy().Agg(aggs...) }

// Agg computes aggregates per group: Sum("x").Alias("total"), Count("*"),
// or any expression over aggregates and keys.
func (g *GroupedData) Agg(aggs ...Column) *DataFrame {
	df := g.df
	if len(aggs) == 0 {
		return df.s.errDataFrame(fmt.Errorf("Agg needs at least one aggregate"))
	}
	out := append(append([]Column{}, g.keys...), aggs...)
	return df.transform(nil, out, func(from []*pg.Node) *pg.SelectStmt {
		sel := selectFrom(from[0], targets(out)...)
		for _, k := range g.keys {
			sel.GroupClause = append(sel.GroupClause, k.node)
		}
		if len(g.keys) == 0 {
			// An empty GROUP BY would group nothing; an aggregate-only
			// select list is already one group.
			sel.GroupClause = nil
		}
		return sel
	})
}

// Count counts the rows of each group, in a column named "count".
func (g *GroupedData) Count() *DataFrame { return g.Agg(Count("*").Alias("count")) }

// each applies agg to every named column.
func (g *GroupedData) each(name string, agg func(any) Column, cols []string) *DataFrame {
	if len(cols) == 0 {
		return g.df.s.errDataFrame(fmt.Errorf("%s needs at least one column", name))
	}
	aggs := make([]Column, len(cols))
	for i, c := range cols {
		aggs[i] = agg(c)
	}
	return g.Agg(aggs...)
}

// Sum adds up each named column per group.
func (g *GroupedData) Sum(cols ...string) *DataFrame { return g.each("Sum", Sum, cols) }

// Avg averages each named column per group.
func (g *GroupedData) Avg(cols ...string) *DataFrame { return g.each("Avg", Avg, cols) }

// Mean is Avg.
func (g *GroupedData) Mean(cols ...string) *DataFrame { return g.Avg(cols...) }

// Min is the smallest value of each named column per group.
func (g *GroupedData) Min(cols ...string) *DataFrame { return g.each("Min", Min, cols) }

// Max is the largest value of each named column per group.
func (g *GroupedData) Max(cols ...string) *DataFrame { return g.each("Max", Max, cols) }
