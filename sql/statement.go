package sql

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// Statement is one bound SQL statement, ready for the session to run.
type Statement interface{ statement() }

// Query is a SELECT (or VALUES, or a set operation): its bound logical plan.
type Query struct {
	Plan planner.Node
}

// ExplainMode tells what EXPLAIN prints.
type ExplainMode int

// The EXPLAIN modes: the default shows the optimized logical and the
// physical plan; VERBOSE adds the plan after each rule; ANALYZE runs the
// query and shows per-operator rows, time and memory.
const (
	ExplainDefault ExplainMode = iota
	ExplainVerbose
	ExplainAnalyze
)

// Explain explains a query.
type Explain struct {
	Plan planner.Node
	Mode ExplainMode
}

// CreateView is CREATE [OR REPLACE] [TEMPORARY] VIEW name AS query. SQL is
// the query's text, which the catalog keeps; Plan is the bound query, used
// to check it and to learn its schema.
type CreateView struct {
	Name      string
	SQL       string
	Plan      planner.Node
	OrReplace bool
	Temporary bool
}

// CreateTable is CREATE TABLE name (columns) or CREATE TABLE name AS query
// (then Plan is set and Schema is its schema).
type CreateTable struct {
	Name        string
	Schema      *arrow.Schema
	Plan        planner.Node
	IfNotExists bool
	OrReplace   bool
}

// Insert is INSERT INTO table VALUES ... or INSERT INTO table SELECT ...;
// Plan's output already has the table's column types, in its column order.
type Insert struct {
	Table string
	Plan  planner.Node
}

// Drop is DROP TABLE|VIEW [IF EXISTS] name.
type Drop struct {
	Name     string
	View     bool
	IfExists bool
}

// ShowTables is SHOW TABLES.
type ShowTables struct{}

// Describe is DESCRIBE name (or DESCRIBE query): the schema to show.
type Describe struct {
	Name   string
	Schema *arrow.Schema
}

func (*Query) statement()       {}
func (*Explain) statement()     {}
func (*CreateView) statement()  {}
func (*CreateTable) statement() {}
func (*Insert) statement()      {}
func (*Drop) statement()        {}
func (*ShowTables) statement()  {}
func (*Describe) statement()    {}
