package ember

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/sql"
)

// DataFrame is a lazy, immutable query: a logical plan with the session
// that runs it. Transformations (Select, Filter, Join, GroupBy, …) return
// new DataFrames and run nothing; actions (Collect, Count, Show, Write, …)
// plan and run the query, as in Spark.
//
// Transformations are analysed at once: a DataFrame built from a mistake
// (an unknown column, a type mismatch) carries the error, every
// DataFrame derived from it carries the same error, Err reports it, and
// every action returns it. DataFrame methods never panic.
//
// A DataFrame and the SQL text that means the same query build the same
// logical plan: each transformation is bound by the SQL binder, so names,
// types, coercions and errors are the same in both.
type DataFrame struct {
	s *Session
	// frame is the bound plan and the qualifiers of its columns; nil when
	// err is set.
	frame *sql.Frame
	// name is the qualifier through which Col refers to this DataFrame's
	// own columns (see DataFrame.Col).
	name string
	err  error
}

// frameIDs numbers DataFrames, to give each a name of its own.
var frameIDs atomic.Int64

func (s *Session) newDataFrame(f *sql.Frame) *DataFrame {
	return &DataFrame{s: s, frame: f, name: fmt.Sprintf("df#%d", frameIDs.Add(1))}
}

func (s *Session) errDataFrame(err error) *DataFrame {
	return &DataFrame{s: s, err: err, name: fmt.Sprintf("df#%d", frameIDs.Add(1))}
}

// Err returns the error the DataFrame was built with, if any: the first
// mistake of the chain of transformations that made it.
func (df *DataFrame) Err() error { return df.err }

// Schema is the schema of the DataFrame's rows (nil when Err is set).
func (df *DataFrame) Schema() *arrow.Schema {
	if df.err != nil {
		return nil
	}
	return df.frame.Plan.Schema()
}

// Columns lists the DataFrame's column names.
func (df *DataFrame) Columns() []string {
	if df.err != nil {
		return nil
	}
	fs := df.frame.Plan.Schema().Fields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Col refers to a column of this DataFrame, as Spark's df("name") does:
// it still means this DataFrame's column after a join with another that
// has a column of the same name.
func (df *DataFrame) Col(name string) Column {
	c := Col(name)
	if c.err != nil || name == "*" {
		return c
	}
	ref := c.node.GetColumnRef()
	ref.Fields = append([]*pg.Node{pg.MakeStrNode(df.name)}, ref.Fields[len(ref.Fields)-1:]...)
	return c
}

// Alias names the DataFrame: its columns answer to "alias.column", as a
// table alias does in SQL (a self-join needs one on each side).
func (df *DataFrame) Alias(alias string) *DataFrame {
	if df.err != nil {
		return df
	}
	if strings.TrimSpace(alias) == "" {
		return df.s.errDataFrame(fmt.Errorf("Alias: empty name"))
	}
	q := strings.ToLower(alias)
	quals := make([][]string, df.frame.Plan.Schema().NumFields())
	for i := range quals {
		quals[i] = []string{q}
	}
	return df.s.newDataFrame(&sql.Frame{Plan: df.frame.Plan, Qualifiers: quals})
}

// Plan returns the DataFrame's logical plan, as bound (before the
// optimizer); nil when Err is set.
func (df *DataFrame) Plan() planner.Node {
	if df.err != nil {
		return nil
	}
	return df.frame.Plan
}

// from is the FROM item that reads df in a transformation's query.
func (df *DataFrame) from() *pg.Node { return pg.MakeSimpleRangeVarNode(df.name, -1) }

// transform builds a DataFrame from a query over inputs (df first): build
// gets the FROM item of each input and returns the SELECT; the SELECT is
// bound with the inputs' plans in place of those FROM items. cols are the
// Columns the query uses; the first mistake among them (or in an input)
// becomes the new DataFrame's error.
func (df *DataFrame) transform(inputs []*DataFrame, cols []Column, build func(from []*pg.Node) *pg.SelectStmt) *DataFrame {
	all := append([]*DataFrame{df}, inputs...)
	for _, in := range all {
		if in == nil {
			return df.s.errDataFrame(fmt.Errorf("nil DataFrame"))
		}
		if in.err != nil {
			return in.s.errDataFrame(in.err)
		}
		if in.s != df.s {
			return df.s.errDataFrame(fmt.Errorf("cannot combine DataFrames of different sessions"))
		}
	}
	if err := firstErr(cols...); err != nil {
		return df.s.errDataFrame(err)
	}
	frames := make(map[string]sql.Frame, len(all))
	from := make([]*pg.Node, len(all))
	for i, in := range all {
		frames[in.name] = *in.frame
		from[i] = in.from()
	}
	sel := build(from)
	f, err := sql.BindFrameQuery(context.Background(), df.s.cat, sel, frames, df.s.bindOptions())
	if err != nil {
		return df.s.errDataFrame(err)
	}
	return df.s.newDataFrame(f)
}

// selectFrom is SELECT targets FROM from.
func selectFrom(from *pg.Node, targets ...*pg.Node) *pg.SelectStmt {
	return &pg.SelectStmt{TargetList: targets, FromClause: []*pg.Node{from},
		Op: pg.SetOperation_SETOP_NONE, LimitOption: pg.LimitOption_LIMIT_OPTION_DEFAULT}
}

// star is the select item *.
func star() *pg.Node {
	return pg.MakeResTargetNodeWithVal(pg.MakeColumnRefNode([]*pg.Node{pg.MakeAStarNode()}, -1), -1)
}

// PrintSchema writes the schema as a tree to standard output, as Spark's
// printSchema does.
func (df *DataFrame) PrintSchema() { fmt.Fprint(os.Stdout, df.SchemaString()) }

// WriteSchema writes the schema tree of PrintSchema to w.
func (df *DataFrame) WriteSchema(w io.Writer) error {
	_, err := io.WriteString(w, df.SchemaString())
	return err
}

// SchemaString renders the schema as a tree:
//
//	root
//	 |-- name: string (nullable = true)
func (df *DataFrame) SchemaString() string {
	if df.err != nil {
		return "error: " + df.err.Error() + "\n"
	}
	var sb strings.Builder
	sb.WriteString("root\n")
	for _, f := range df.frame.Plan.Schema().Fields() {
		fmt.Fprintf(&sb, " |-- %s: %s (nullable = %t)\n", f.Name, strings.ToLower(planner.TypeName(f.Type)), f.Nullable)
	}
	return sb.String()
}
