package sql

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// BindOptions carries what binding needs beyond the catalog.
type BindOptions struct {
	// OpenFiles opens files as a table: format is "parquet", "csv", "json"
	// or "" (infer from the extension); path may be a file, a directory or
	// a glob. It serves read_parquet('p'), read_csv('p', ...) and
	// read_json('p') in FROM, and Spark's parquet.`p`, csv.`p`, json.`p`.
	// When nil, reading files from SQL is an error.
	OpenFiles func(ctx context.Context, format, path string, options map[string]string) (catalog.Table, error)
}

// Bind parses one statement and binds it against the catalog. Every mistake
// in the statement is an *Error with its position in the script.
func Bind(ctx context.Context, cat *catalog.Catalog, src Source, opts BindOptions) (stmt Statement, err error) {
	t := newSQLText(src)
	defer func() {
		// A bug must not take the session down: it becomes an error that
		// says where the statement starts.
		if r := recover(); r != nil {
			stmt, err = nil, t.errAt(-1, "internal error while binding this statement: %v", r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &binder{ctx: ctx, cat: cat, opts: opts, text: t, colLoc: map[*planner.Column]int32{}}
	return b.bindStatement()
}

// binder binds the statements of one text (a statement, or a view's SQL
// while it is expanded).
type binder struct {
	ctx  context.Context
	cat  *catalog.Catalog
	opts BindOptions
	text *sqlText
	// views lists the views being expanded, outermost first, to catch a
	// view that refers to itself.
	views []string
	// colLoc remembers where each bound column reference was written, for
	// errors found after binding (an ungrouped column).
	colLoc map[*planner.Column]int32
	// frames are the bound queries a DataFrame transformation reads, by
	// the names its FROM items use (see BindFrameQuery).
	frames map[string]Frame
	// clock fixes current_date() and current_timestamp() for the query.
	clock *queryClock
}

func (b *binder) errAt(loc int32, format string, args ...any) *Error {
	return b.text.errAt(loc, format, args...)
}

// parse runs PostgreSQL's parser over the prepared text and returns the one
// statement it holds.
func (b *binder) parse() (*pg.Node, error) {
	tree, err := pg.Parse(b.text.parsed)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, b.errAt(int32(b.text.charToByte(pe.Cursorpos)), "%s", pe.Message)
		}
		return nil, b.errAt(-1, "%v", err)
	}
	switch len(tree.Stmts) {
	case 0:
		return nil, b.errAt(-1, "empty statement")
	case 1:
		return tree.Stmts[0].Stmt, nil
	}
	return nil, b.errAt(tree.Stmts[1].StmtLocation, "expected one statement, found %d (split scripts with sql.Split)", len(tree.Stmts))
}

func (b *binder) bindStatement() (Statement, error) {
	b.text.rewriteBackticks()
	kind := b.text.rewriteDescribe()
	orReplace := kind == notDescribe && b.text.rewriteCreateOrReplaceTable()
	stmt, err := b.parse()
	if err != nil {
		return nil, err
	}
	if orReplace {
		return b.bindCreateOrReplaceTable(stmt)
	}
	switch kind {
	case describeName:
		return b.bindDescribeName(stmt)
	case describeQuery:
		sel := stmt.GetSelectStmt()
		if sel == nil {
			return nil, b.errAt(-1, "DESCRIBE expects a table, a view or a query")
		}
		rel, err := b.bindQuery(sel, nil, nil)
		if err != nil {
			return nil, err
		}
		return &Describe{Schema: rel.node.Schema()}, nil
	}
	switch n := stmt.Node.(type) {
	case *pg.Node_SelectStmt:
		rel, err := b.bindQuery(n.SelectStmt, nil, nil)
		if err != nil {
			return nil, err
		}
		return &Query{Plan: rel.node}, nil
	case *pg.Node_ExplainStmt:
		return b.bindExplain(n.ExplainStmt)
	case *pg.Node_ViewStmt:
		return b.bindCreateView(n.ViewStmt)
	case *pg.Node_CreateStmt:
		return b.bindCreateTable(n.CreateStmt)
	case *pg.Node_CreateTableAsStmt:
		return b.bindCreateTableAs(n.CreateTableAsStmt)
	case *pg.Node_InsertStmt:
		return b.bindInsert(n.InsertStmt)
	case *pg.Node_DropStmt:
		return b.bindDrop(n.DropStmt)
	case *pg.Node_VariableShowStmt:
		if strings.EqualFold(n.VariableShowStmt.Name, "tables") {
			return &ShowTables{}, nil
		}
		return nil, b.errAt(-1, "statement not supported: SHOW %s", strings.ToUpper(n.VariableShowStmt.Name))
	}
	return nil, b.errAt(-1, "statement not supported: %s", statementKind(stmt))
}

// bindCreateOrReplaceTable binds CREATE OR REPLACE TABLE, parsed without
// its OR REPLACE.
func (b *binder) bindCreateOrReplaceTable(stmt *pg.Node) (Statement, error) {
	var st Statement
	var err error
	switch n := stmt.Node.(type) {
	case *pg.Node_CreateStmt:
		st, err = b.bindCreateTable(n.CreateStmt)
	case *pg.Node_CreateTableAsStmt:
		st, err = b.bindCreateTableAs(n.CreateTableAsStmt)
	default:
		return nil, b.errAt(-1, "statement not supported: %s", statementKind(stmt))
	}
	if err != nil {
		return nil, err
	}
	ct := st.(*CreateTable)
	if ct.IfNotExists {
		return nil, b.errAt(-1, "OR REPLACE and IF NOT EXISTS cannot be used together")
	}
	ct.OrReplace = true
	return ct, nil
}

var statementKinds = map[string]string{
	"TransactionStmt":  "BEGIN/COMMIT/ROLLBACK",
	"VariableSetStmt":  "SET",
	"CopyStmt":         "COPY",
	"IndexStmt":        "CREATE INDEX",
	"CreateSchemaStmt": "CREATE SCHEMA",
	"CreatedbStmt":     "CREATE DATABASE",
	"RenameStmt":       "ALTER ... RENAME",
	"DoStmt":           "DO",
	"CallStmt":         "CALL",
}

var camelWord = regexp.MustCompile(`[A-Z][a-z]*`)

// statementKind names a parsed statement's kind for messages: UpdateStmt
// reads UPDATE, AlterTableStmt ALTER TABLE.
func statementKind(n *pg.Node) string {
	name := reflect.TypeOf(n.Node).Elem().Name()
	name = strings.TrimPrefix(name, "Node_")
	if k, ok := statementKinds[name]; ok {
		return k
	}
	words := camelWord.FindAllString(strings.TrimSuffix(name, "Stmt"), -1)
	return strings.ToUpper(strings.Join(words, " "))
}

// viewCycleError reports a view that refers to itself; it travels up
// through the nested view bindings to the statement that named the first
// view, where it gets its position.
type viewCycleError struct{ name string }

func (e *viewCycleError) Error() string { return fmt.Sprintf("view %s refers to itself", e.name) }
