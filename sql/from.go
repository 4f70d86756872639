package sql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// bindFromClause binds the FROM list. Items separated by commas are cross
// joined; the optimizer pushes the WHERE predicates into those joins and
// orders them. Without FROM the input is one row of no columns.
func (b *binder) bindFromClause(items []*pg.Node, env *cteEnv, outer *scope) (*relation, error) {
	if len(items) == 0 {
		return &relation{node: planner.NewValues(emptySchema, [][]planner.Expr{{}})}, nil
	}
	var acc *relation
	for _, it := range items {
		r, err := b.bindFromItem(it, env, outer)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = r
			continue
		}
		acc = &relation{
			node: planner.NewJoin(acc.node, r.node, planner.JoinInner, nil),
			cols: append(append([]column(nil), acc.cols...), r.cols...),
		}
	}
	return acc, nil
}

// bindFromItem binds one FROM item. Items do not see each other's columns
// (no LATERAL), but subqueries among them see the enclosing query's.
func (b *binder) bindFromItem(n *pg.Node, env *cteEnv, outer *scope) (*relation, error) {
	switch x := n.Node.(type) {
	case *pg.Node_RangeVar:
		return b.bindRangeVar(x.RangeVar, env)
	case *pg.Node_RangeSubselect:
		rs := x.RangeSubselect
		sel := rs.Subquery.GetSelectStmt()
		if rs.Lateral {
			return nil, b.errAt(-1, "LATERAL is not supported")
		}
		if sel == nil {
			return nil, b.errAt(-1, "a subquery in FROM must be a SELECT")
		}
		rel, err := b.bindQuery(sel, env, outer)
		if err != nil {
			return nil, err
		}
		return b.aliased(rel, rs.Alias, "", -1)
	case *pg.Node_JoinExpr:
		return b.bindJoin(x.JoinExpr, env, outer)
	case *pg.Node_RangeFunction:
		return b.bindTableFunction(x.RangeFunction)
	case *pg.Node_RangeTableSample:
		return nil, b.errAt(x.RangeTableSample.Location, "TABLESAMPLE is not supported")
	}
	return nil, b.errAt(nodeLoc(n), "this kind of FROM item is not supported")
}

// fileFormats are the schema names that make parquet.`path` a file table.
var fileFormats = map[string]bool{"parquet": true, "csv": true, "json": true}

// bindRangeVar binds a table name: a WITH query, a catalog table or view,
// or format.`path` for files.
func (b *binder) bindRangeVar(rv *pg.RangeVar, env *cteEnv) (*relation, error) {
	name, schema := rv.Relname, strings.ToLower(rv.Schemaname)
	if rv.Catalogname != "" {
		return nil, b.errAt(rv.Location, "table or view %q not found; tables: %s", rv.Catalogname+"."+rv.Schemaname+"."+name, b.tableList())
	}
	if fileFormats[schema] {
		table, err := b.openFiles(schema, name, nil, rv.Location)
		if err != nil {
			return nil, err
		}
		return b.aliased(newRelation(planner.NewScan(name, table, nil), ""), rv.Alias, "", rv.Location)
	}
	if schema != "" && schema != "default" && schema != "main" {
		return nil, b.errAt(rv.Location, "table or view %q not found; tables: %s", rv.Schemaname+"."+name, b.tableList())
	}
	if schema == "" {
		if f, ok := b.frames[name]; ok {
			rel := frameRelation(name, f)
			if rv.Alias == nil {
				return rel, nil
			}
			return b.aliased(rel, rv.Alias, "", rv.Location)
		}
		if def := env.find(name); def != nil {
			rel, err := b.bindQuery(def.query, def.env, nil)
			if err != nil {
				return nil, err
			}
			if len(def.colNames) > 0 {
				if rel, err = b.aliased(rel, &pg.Alias{Aliasname: name, Colnames: strNodes(def.colNames)}, name, rv.Location); err != nil {
					return nil, err
				}
			}
			return b.aliased(rel, rv.Alias, name, rv.Location)
		}
	}
	entry := b.cat.Lookup(name)
	if entry == nil {
		return nil, b.errAt(rv.Location, "table or view %q not found; tables: %s", name, b.tableList())
	}
	if plan, ok := entry.ViewPlan.(planner.Node); ok && entry.Kind == catalog.KindView {
		return b.aliased(newRelation(plan, ""), rv.Alias, entry.Name, rv.Location)
	}
	if entry.Kind == catalog.KindView {
		rel, err := b.bindView(entry, rv.Location)
		if err != nil {
			return nil, err
		}
		return b.aliased(rel, rv.Alias, entry.Name, rv.Location)
	}
	if entry.Table == nil {
		return nil, b.errAt(rv.Location, "table %s has no data source", entry.Name)
	}
	return b.aliased(newRelation(planner.NewScan(entry.Name, entry.Table, nil), ""), rv.Alias, entry.Name, rv.Location)
}

// tableList names the catalog's tables and views for an error message.
func (b *binder) tableList() string {
	names := b.cat.Names()
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func strNodes(ss []string) []*pg.Node {
	out := make([]*pg.Node, len(ss))
	for i, s := range ss {
		out[i] = &pg.Node{Node: &pg.Node_String_{String_: &pg.String{Sval: s}}}
	}
	return out
}

// bindView parses and binds a view's SQL afresh (as Spark does), with the
// column names it had when created. Errors inside the view point at the
// reference to it, since its text is not part of the statement.
func (b *binder) bindView(entry *catalog.Entry, loc int32) (*relation, error) {
	lname := strings.ToLower(entry.Name)
	for _, v := range b.views {
		if v == lname {
			// The statement that named the first view gives the position.
			return nil, &viewCycleError{name: entry.Name}
		}
	}
	child := &binder{
		ctx: b.ctx, cat: b.cat, opts: b.opts, colLoc: b.colLoc, clock: b.queryClock(),
		text:  newSQLText(Source{Text: entry.ViewSQL, Line: 1, Col: 1}),
		views: append(append([]string(nil), b.views...), lname),
	}
	rel, err := child.bindViewQuery()
	if err != nil {
		var cyc *viewCycleError
		if errors.As(err, &cyc) {
			if len(b.views) == 0 {
				return nil, b.errAt(loc, "%s", cyc.Error())
			}
			return nil, err
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, b.errAt(loc, "in view %s: %s", entry.Name, e.Msg)
		}
		return nil, err
	}
	if entry.Schema != nil {
		if entry.Schema.NumFields() != len(rel.cols) {
			return nil, b.errAt(loc, "view %s returns %d columns but was created with %d; recreate it", entry.Name, len(rel.cols), entry.Schema.NumFields())
		}
		for i, f := range entry.Schema.Fields() {
			rel.cols[i].name = f.Name
		}
	}
	return rel, nil
}

func (b *binder) bindViewQuery() (*relation, error) {
	b.text.rewriteBackticks()
	stmt, err := b.parse()
	if err != nil {
		return nil, err
	}
	sel := stmt.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(-1, "a view must be a query")
	}
	return b.bindQuery(sel, nil, nil)
}

// tableFunctions maps the file-reading table functions to their format.
var tableFunctions = map[string]string{"read_parquet": "parquet", "read_csv": "csv", "read_json": "json"}

// bindTableFunction binds read_parquet('p'), read_csv('p', header => true,
// delim = '|') and read_json('p') in FROM.
func (b *binder) bindTableFunction(rf *pg.RangeFunction) (*relation, error) {
	if len(rf.Functions) != 1 || rf.IsRowsfrom {
		return nil, b.errAt(-1, "ROWS FROM is not supported")
	}
	items := rf.Functions[0].GetList().GetItems()
	if len(items) == 0 || items[0].GetFuncCall() == nil {
		return nil, b.errAt(-1, "table function call expected")
	}
	fc := items[0].GetFuncCall()
	name := strings.ToLower(lastName(fc.Funcname))
	if rf.Lateral {
		return nil, b.errAt(fc.Location, "LATERAL is not supported")
	}
	if rf.Ordinality {
		return nil, b.errAt(fc.Location, "WITH ORDINALITY is not supported")
	}
	format, ok := tableFunctions[name]
	if !ok {
		return nil, b.errAt(fc.Location, "table function %s not found; available: read_csv, read_json, read_parquet", name)
	}
	if len(fc.Args) == 0 || fc.Args[0].GetAConst().GetSval() == nil {
		return nil, b.errAt(fc.Location, "%s expects a path string as its first argument", name)
	}
	path := fc.Args[0].GetAConst().GetSval().Sval
	options := map[string]string{}
	for _, a := range fc.Args[1:] {
		key, val, err := b.tableFunctionOption(name, a)
		if err != nil {
			return nil, err
		}
		options[key] = val
	}
	table, err := b.openFiles(format, path, options, fc.Location)
	if err != nil {
		return nil, err
	}
	return b.aliased(newRelation(planner.NewScan(path, table, nil), ""), rf.Alias, "", fc.Location)
}

// tableFunctionOption reads one option: name => value or name = value, the
// value a constant.
func (b *binder) tableFunctionOption(fn string, a *pg.Node) (string, string, error) {
	var key string
	var val *pg.Node
	switch {
	case a.GetNamedArgExpr() != nil:
		key, val = a.GetNamedArgExpr().Name, a.GetNamedArgExpr().Arg
	case a.GetAExpr() != nil && lastName(a.GetAExpr().Name) == "=" && a.GetAExpr().Lexpr.GetColumnRef() != nil:
		f := a.GetAExpr().Lexpr.GetColumnRef().Fields
		key, val = f[len(f)-1].GetString_().GetSval(), a.GetAExpr().Rexpr
	default:
		return "", "", b.errAt(exprStart(a), "options of %s are written name => value", fn)
	}
	c := val.GetAConst()
	if c == nil || c.Isnull {
		return "", "", b.errAt(exprStart(val), "option %s of %s must be a constant", key, fn)
	}
	var s string
	switch {
	case c.GetSval() != nil:
		s = c.GetSval().Sval
	case c.GetIval() != nil:
		s = strconv.Itoa(int(c.GetIval().Ival))
	case c.GetFval() != nil:
		s = c.GetFval().Fval
	case c.GetBoolval() != nil:
		s = strconv.FormatBool(c.GetBoolval().Boolval)
	default:
		return "", "", b.errAt(c.Location, "option %s of %s must be a constant", key, fn)
	}
	return strings.ToLower(key), s, nil
}

// openFiles opens a file table through the session's OpenFiles.
func (b *binder) openFiles(format, path string, options map[string]string, loc int32) (catalog.Table, error) {
	if b.opts.OpenFiles == nil {
		return nil, b.errAt(loc, "reading files from SQL is not available here")
	}
	table, err := b.opts.OpenFiles(b.ctx, format, path, options)
	if err != nil {
		return nil, b.errAt(loc, "%v", err)
	}
	if table == nil {
		return nil, b.errAt(loc, "%s", fmt.Sprintf("cannot open %s", path))
	}
	return table, nil
}
