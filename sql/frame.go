package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// Frame is a bound query offered to BindFrameQuery: the DataFrame API
// builds each transformation as a small SELECT whose FROM clause names the
// frames it reads, so that DataFrames and SQL share one binder (the same
// name resolution, type coercion, functions and error messages) and meet
// at the logical plan.
type Frame struct {
	Plan planner.Node
	// Qualifiers lists, per output column, the qualifiers the column
	// answers to (lower case; a table name, an alias, a frame's own name).
	// Nil or an empty entry means none.
	Qualifiers [][]string
}

// BindFrameQuery binds a query built as a syntax tree. A FROM item naming a
// key of frames reads that frame; its columns answer to their own
// qualifiers and to the frame's name. Other names resolve through the
// catalog as in SQL. Errors carry no position (there is no text to point
// into); they name the columns and tables involved.
func BindFrameQuery(ctx context.Context, cat *catalog.Catalog, sel *pg.SelectStmt, frames map[string]Frame, opts BindOptions) (out *Frame, err error) {
	t := &sqlText{positionless: true}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, t.errAt(-1, "internal error while binding: %v", r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &binder{ctx: ctx, cat: cat, opts: opts, text: t, colLoc: map[*planner.Column]int32{}, frames: frames}
	rel, err := b.bindQuery(sel, nil, nil)
	if err != nil {
		return nil, err
	}
	quals := make([][]string, len(rel.cols))
	for i, c := range rel.cols {
		if c.qual != "" {
			quals[i] = append(quals[i], c.qual)
		}
		for _, q := range c.extra {
			if q != c.qual {
				quals[i] = append(quals[i], q)
			}
		}
	}
	return &Frame{Plan: rel.node, Qualifiers: quals}, nil
}

// frameRelation is the relation of frame f read under the name name.
func frameRelation(name string, f Frame) *relation {
	fs := f.Plan.Schema().Fields()
	cols := make([]column, len(fs))
	for i, fd := range fs {
		c := column{name: fd.Name, typ: fd.Type, null: fd.Nullable}
		if i < len(f.Qualifiers) && len(f.Qualifiers[i]) > 0 {
			c.qual = strings.ToLower(f.Qualifiers[i][0])
			for _, q := range f.Qualifiers[i][1:] {
				c.extra = append(c.extra, strings.ToLower(q))
			}
		}
		c.extra = append(c.extra, strings.ToLower(name))
		cols[i] = c
	}
	return &relation{node: f.Plan, cols: cols}
}

// ParseSelectItem parses one select-list item written as SQL text ("a + 1",
// "sum(x) AS total", "`weird name`"): a ResTarget whose Val is the
// expression and whose Name is the alias, if any. It serves the DataFrame
// API's Expr, SelectExpr and string filters.
func ParseSelectItem(text string) (*pg.ResTarget, error) {
	const prefix = "SELECT "
	t := newSQLText(Source{Text: prefix + text})
	t.rewriteBackticks()
	tree, err := pg.Parse(t.parsed)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot parse expression %q: %s", text, pe.Message)
		}
		return nil, fmt.Errorf("cannot parse expression %q: %v", text, err)
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("cannot parse expression %q: expected one expression", text)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 || len(sel.FromClause) > 0 || sel.WhereClause != nil ||
		len(sel.GroupClause) > 0 || len(sel.SortClause) > 0 || sel.LimitCount != nil || sel.Op != pg.SetOperation_SETOP_NONE {
		return nil, fmt.Errorf("cannot parse expression %q: expected one expression", text)
	}
	rt := sel.TargetList[0].GetResTarget()
	if rt == nil || rt.Val == nil {
		return nil, fmt.Errorf("cannot parse expression %q: expected one expression", text)
	}
	return rt, nil
}

// ParseSchema reads column definitions written as in CREATE TABLE
// ("name STRING, age INT NOT NULL") into a schema, for readers given a
// schema as text.
func ParseSchema(text string) (*arrow.Schema, error) {
	st, err := Bind(context.Background(), catalog.New(), Source{Text: "CREATE TABLE t (" + text + ")"}, BindOptions{})
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("cannot parse schema %q: %s", text, se.Msg)
		}
		return nil, fmt.Errorf("cannot parse schema %q: %v", text, err)
	}
	ct, ok := st.(*CreateTable)
	if !ok || ct.Plan != nil {
		return nil, fmt.Errorf("cannot parse schema %q: expected column definitions", text)
	}
	return ct.Schema, nil
}
