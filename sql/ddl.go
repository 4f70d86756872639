package sql

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

func (b *binder) bindExplain(e *pg.ExplainStmt) (Statement, error) {
	sel := e.Query.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(-1, "EXPLAIN supports queries only")
	}
	mode := ExplainDefault
	for _, o := range e.Options {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		if v := d.Arg.GetBoolean(); v != nil && !v.Boolval {
			continue
		}
		switch strings.ToLower(d.Defname) {
		case "verbose":
			if mode == ExplainDefault {
				mode = ExplainVerbose
			}
		case "analyze":
			mode = ExplainAnalyze
		default:
			return nil, b.errAt(d.Location, "EXPLAIN option %s is not supported", strings.ToUpper(d.Defname))
		}
	}
	rel, err := b.bindQuery(sel, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Explain{Plan: rel.node, Mode: mode}, nil
}

// plainName checks that a name to create or drop has no schema.
func (b *binder) plainName(rv *pg.RangeVar) (string, error) {
	if rv.Catalogname != "" || rv.Schemaname != "" && !strings.EqualFold(rv.Schemaname, "default") {
		return "", b.errAt(rv.Location, "schema-qualified names are not supported here")
	}
	return rv.Relname, nil
}

func (b *binder) bindCreateView(v *pg.ViewStmt) (Statement, error) {
	name, err := b.plainName(v.View)
	if err != nil {
		return nil, err
	}
	sel := v.Query.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(-1, "a view must be a query")
	}
	// The new definition must not reach the view itself, even through the
	// old definition or other views (CREATE OR REPLACE VIEW v AS ... v ...).
	b.views = append(b.views, strings.ToLower(name))
	rel, err := b.bindQuery(sel, nil, nil)
	b.views = b.views[:len(b.views)-1]
	if err != nil {
		return nil, err
	}
	plan := rel.node
	if len(v.Aliases) > 0 {
		if len(v.Aliases) != len(rel.cols) {
			return nil, b.errAt(v.View.Location, "view %s names %d columns but its query returns %d", name, len(v.Aliases), len(rel.cols))
		}
		names := make([]string, len(v.Aliases))
		for i, a := range v.Aliases {
			names[i] = a.GetString_().GetSval()
		}
		plan = renameColumns(plan, names)
	}
	text, err := b.viewQueryText()
	if err != nil {
		return nil, err
	}
	return &CreateView{
		Name:      name,
		SQL:       text,
		Plan:      plan,
		OrReplace: v.Replace,
		Temporary: v.View.Relpersistence == "t",
	}, nil
}

// viewQueryText returns the query of CREATE VIEW ... AS query exactly as
// the user wrote it: the source text after the first AS outside
// parentheses.
func (b *binder) viewQueryText() (string, error) {
	scan, err := pg.Scan(b.text.parsed)
	if err != nil {
		return "", b.errAt(-1, "%v", err)
	}
	depth := 0
	for i, tok := range scan.Tokens {
		switch tok.Token {
		case pg.Token_ASCII_40:
			depth++
		case pg.Token_ASCII_41:
			depth--
		case pg.Token_AS:
			if depth == 0 && i+1 < len(scan.Tokens) {
				start := b.text.origOffset(int(scan.Tokens[i+1].Start))
				end := b.text.origOffset(int(scan.Tokens[len(scan.Tokens)-1].End))
				text := strings.TrimSpace(b.text.src.Text[start:max(start, end)])
				return strings.TrimSpace(strings.TrimSuffix(text, ";")), nil
			}
		}
	}
	return "", b.errAt(-1, "cannot find the query of this view")
}

func (b *binder) bindCreateTable(c *pg.CreateStmt) (Statement, error) {
	name, err := b.plainName(c.Relation)
	if err != nil {
		return nil, err
	}
	if len(c.InhRelations) > 0 || c.Partspec != nil || c.OfTypename != nil {
		return nil, b.errAt(c.Relation.Location, "INHERITS, PARTITION BY and OF are not supported")
	}
	if len(c.Constraints) > 0 {
		return nil, b.errAt(c.Relation.Location, "table constraints are not supported")
	}
	var fields []arrow.Field
	seen := map[string]bool{}
	for _, e := range c.TableElts {
		cd := e.GetColumnDef()
		if cd == nil {
			return nil, b.errAt(nodeLoc(e), "only column definitions are supported in CREATE TABLE")
		}
		if seen[strings.ToLower(cd.Colname)] {
			return nil, b.errAt(cd.Location, "column %q specified more than once", cd.Colname)
		}
		seen[strings.ToLower(cd.Colname)] = true
		typ, err := b.text.bindType(cd.TypeName)
		if err != nil {
			return nil, err
		}
		if typ.ID() == arrow.INTERVAL_MONTH_DAY_NANO {
			return nil, b.errAt(cd.TypeName.Location, "columns of type INTERVAL are not supported")
		}
		nullable := !cd.IsNotNull
		for _, cn := range cd.Constraints {
			con := cn.GetConstraint()
			switch con.GetContype() {
			case pg.ConstrType_CONSTR_NOTNULL:
				nullable = false
			case pg.ConstrType_CONSTR_NULL:
				nullable = true
			default:
				return nil, b.errAt(con.GetLocation(), "column constraint %s is not supported", strings.TrimPrefix(con.GetContype().String(), "CONSTR_"))
			}
		}
		fields = append(fields, arrow.Field{Name: cd.Colname, Type: typ, Nullable: nullable})
	}
	if len(fields) == 0 {
		return nil, b.errAt(c.Relation.Location, "a table needs at least one column")
	}
	return &CreateTable{Name: name, Schema: arrow.NewSchema(fields, nil), IfNotExists: c.IfNotExists}, nil
}

func (b *binder) bindCreateTableAs(c *pg.CreateTableAsStmt) (Statement, error) {
	if c.Objtype != pg.ObjectType_OBJECT_TABLE {
		return nil, b.errAt(-1, "statement not supported: CREATE MATERIALIZED VIEW")
	}
	name, err := b.plainName(c.Into.Rel)
	if err != nil {
		return nil, err
	}
	if c.Into.SkipData {
		return nil, b.errAt(c.Into.Rel.Location, "WITH NO DATA is not supported")
	}
	sel := c.Query.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(c.Into.Rel.Location, "CREATE TABLE ... AS expects a query")
	}
	rel, err := b.bindQuery(sel, nil, nil)
	if err != nil {
		return nil, err
	}
	plan := rel.node
	if len(c.Into.ColNames) > 0 {
		if len(c.Into.ColNames) > len(rel.cols) {
			return nil, b.errAt(c.Into.Rel.Location, "%d column names given but the query returns %d columns", len(c.Into.ColNames), len(rel.cols))
		}
		names := make([]string, len(rel.cols))
		for i, col := range rel.cols {
			names[i] = col.name
			if i < len(c.Into.ColNames) {
				names[i] = c.Into.ColNames[i].GetString_().GetSval()
			}
		}
		plan = renameColumns(plan, names)
	}
	return &CreateTable{Name: name, Schema: plan.Schema(), Plan: plan, IfNotExists: c.IfNotExists}, nil
}

// bindInsert binds INSERT INTO t [(cols)] VALUES ... | query. The plan
// produces the table's columns in order, with their types: listed columns
// come from the query (cast where needed), the others are NULL.
func (b *binder) bindInsert(ins *pg.InsertStmt) (Statement, error) {
	name, err := b.plainName(ins.Relation)
	if err != nil {
		return nil, err
	}
	if ins.OnConflictClause != nil || len(ins.ReturningList) > 0 {
		return nil, b.errAt(ins.Relation.Location, "ON CONFLICT and RETURNING are not supported")
	}
	entry := b.cat.Lookup(name)
	if entry == nil {
		return nil, b.errAt(ins.Relation.Location, "table %q not found; tables: %s", name, b.tableList())
	}
	if entry.Kind != catalog.KindTable {
		return nil, b.errAt(ins.Relation.Location, "cannot insert into view %s", entry.Name)
	}
	target := entry.Schema
	if target == nil && entry.Table != nil {
		target = entry.Table.Schema()
	}
	if target == nil {
		return nil, b.errAt(ins.Relation.Location, "table %s has no schema", entry.Name)
	}
	sel := ins.SelectStmt.GetSelectStmt()
	if sel == nil {
		return nil, b.errAt(ins.Relation.Location, "INSERT needs VALUES or a query")
	}
	var env *cteEnv
	if ins.WithClause != nil {
		if env, err = b.bindWith(ins.WithClause, nil); err != nil {
			return nil, err
		}
	}
	rel, err := b.bindQuery(sel, env, nil)
	if err != nil {
		return nil, err
	}
	// source[i] is the query column feeding table column i, or -1.
	source := make([]int, target.NumFields())
	for i := range source {
		source[i] = -1
	}
	if len(ins.Cols) == 0 {
		if len(rel.cols) != target.NumFields() {
			return nil, b.errAt(ins.Relation.Location, "INSERT into %s: the table has %d columns but the data has %d", entry.Name, target.NumFields(), len(rel.cols))
		}
		for i := range source {
			source[i] = i
		}
	} else {
		if len(ins.Cols) != len(rel.cols) {
			return nil, b.errAt(ins.Relation.Location, "INSERT into %s: %d columns listed but the data has %d", entry.Name, len(ins.Cols), len(rel.cols))
		}
		for k, cn := range ins.Cols {
			rt := cn.GetResTarget()
			idx := -1
			for i, f := range target.Fields() {
				if strings.EqualFold(f.Name, rt.Name) {
					idx = i
				}
			}
			if idx < 0 {
				sc := &scope{cols: newRelation(planner.NewValues(target, nil), "").cols}
				return nil, b.errAt(rt.Location, "column %q not found in table %s; available: %s", rt.Name, entry.Name, sc.available())
			}
			if source[idx] >= 0 {
				return nil, b.errAt(rt.Location, "column %q listed twice", rt.Name)
			}
			source[idx] = k
		}
	}
	exprs := make([]planner.Expr, target.NumFields())
	names := make([]string, target.NumFields())
	for i, f := range target.Fields() {
		names[i] = f.Name
		if source[i] < 0 {
			if !f.Nullable {
				return nil, b.errAt(ins.Relation.Location, "column %s of table %s is NOT NULL and gets no value", f.Name, entry.Name)
			}
			exprs[i] = &planner.Literal{DataType: f.Type}
			continue
		}
		c := rel.cols[source[i]]
		if !canCast(c.typ, f.Type) {
			return nil, b.errAt(ins.Relation.Location, "cannot insert %s into column %s of type %s", planner.TypeName(c.typ), f.Name, planner.TypeName(f.Type))
		}
		e, err := castTo(colRef(source[i], c), f.Type)
		if err != nil {
			return nil, b.errAt(ins.Relation.Location, "%v", err)
		}
		exprs[i] = e
	}
	return &Insert{Table: entry.Name, Plan: planner.NewProject(rel.node, exprs, names)}, nil
}

func (b *binder) bindDrop(d *pg.DropStmt) (Statement, error) {
	var view bool
	switch d.RemoveType {
	case pg.ObjectType_OBJECT_TABLE:
	case pg.ObjectType_OBJECT_VIEW:
		view = true
	default:
		return nil, b.errAt(-1, "statement not supported: DROP %s", strings.TrimPrefix(d.RemoveType.String(), "OBJECT_"))
	}
	if len(d.Objects) != 1 {
		return nil, b.errAt(-1, "DROP one table or view at a time")
	}
	parts := d.Objects[0].GetList().GetItems()
	if len(parts) != 1 {
		return nil, b.errAt(-1, "schema-qualified names are not supported here")
	}
	return &Drop{Name: parts[0].GetString_().GetSval(), View: view, IfExists: d.MissingOk}, nil
}

// bindDescribeName binds DESCRIBE name, which was rewritten as TABLE name
// (SELECT * FROM name).
func (b *binder) bindDescribeName(stmt *pg.Node) (Statement, error) {
	sel := stmt.GetSelectStmt()
	if sel == nil || len(sel.FromClause) != 1 || sel.FromClause[0].GetRangeVar() == nil {
		return nil, b.errAt(-1, "DESCRIBE expects a table, a view or a query")
	}
	rv := sel.FromClause[0].GetRangeVar()
	rel, err := b.bindRangeVar(rv, nil)
	if err != nil {
		return nil, err
	}
	name := rv.Relname
	if e := b.cat.Lookup(name); e != nil && rv.Schemaname == "" {
		name = e.Name
	}
	return &Describe{Name: name, Schema: rel.node.Schema()}, nil
}
