package sql

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// relation is a bound plan with the names its output columns answer to:
// cols[i] describes output column i of node.
type relation struct {
	node planner.Node
	cols []column
}

// newRelation names node's output columns after its schema, under qual.
func newRelation(node planner.Node, qual string) *relation {
	fs := node.Schema().Fields()
	cols := make([]column, len(fs))
	for i, f := range fs {
		cols[i] = column{qual: strings.ToLower(qual), name: f.Name, typ: f.Type, null: f.Nullable}
	}
	return &relation{node: node, cols: cols}
}

// visibleCount is the number of output columns not hidden.
func (r *relation) visibleCount() int {
	n := 0
	for _, c := range r.cols {
		if !c.hidden {
			n++
		}
	}
	return n
}

// aliased applies a FROM alias: a new qualifier for every column and, when
// given, new names for the first ones. With no alias the columns take
// defaultQual. The hidden sides of a USING join inside are out of reach
// behind an alias, so they are projected away.
func (b *binder) aliased(r *relation, alias *pg.Alias, defaultQual string, loc int32) (*relation, error) {
	qual := defaultQual
	var names []string
	if alias != nil {
		qual = alias.Aliasname
		for _, n := range alias.Colnames {
			names = append(names, n.GetString_().GetSval())
		}
	}
	if len(names) > r.visibleCount() {
		return nil, b.errAt(loc, "%d column aliases given for %s, which has %d columns", len(names), qual, r.visibleCount())
	}
	var cols []column
	var exprs []planner.Expr
	for i, c := range r.cols {
		if c.hidden && alias != nil {
			continue
		}
		exprs = append(exprs, colRef(i, c))
		c.extra = nil
		if !c.hidden {
			c.qual = strings.ToLower(qual)
			if k := len(cols); k < len(names) {
				c.name = names[k]
			}
		}
		cols = append(cols, c)
	}
	if len(cols) == len(r.cols) {
		return &relation{node: r.node, cols: cols}, nil
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return &relation{node: planner.NewProject(r.node, exprs, out), cols: cols}, nil
}

// colRef is a reference to column i of a relation or scope.
func colRef(i int, c column) *planner.Column {
	return &planner.Column{Index: i, Name: c.name, DataType: c.typ, Null: c.null}
}

// distinct groups a plan by all its columns, with no aggregate: SELECT
// DISTINCT and the set operations without ALL.
func distinct(n planner.Node) *planner.Aggregate {
	fs := n.Schema().Fields()
	keys := make([]planner.Expr, len(fs))
	names := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = &planner.Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
		names[i] = f.Name
	}
	return planner.NewAggregate(n, keys, nil, names)
}

// emptySchema is the schema of the one-row input of a SELECT without FROM.
var emptySchema = arrow.NewSchema(nil, nil)

// cteDef is a WITH query, bound afresh wherever it is referenced.
type cteDef struct {
	name     string // lower case
	query    *pg.SelectStmt
	colNames []string
	env      *cteEnv // the WITH queries its body can see
}

// cteEnv is the chain of WITH queries in reach, innermost first.
type cteEnv struct {
	def  *cteDef
	next *cteEnv
}

func (e *cteEnv) find(name string) *cteDef {
	name = strings.ToLower(name)
	for ; e != nil; e = e.next {
		if e.def.name == name {
			return e.def
		}
	}
	return nil
}
