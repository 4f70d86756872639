package sql

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// bindValues binds VALUES (...), (...): constant rows whose columns, named
// col1, col2, ... as in Spark, take the common type of their values.
func (b *binder) bindValues(s *pg.SelectStmt, env *cteEnv, outer *scope) (*relation, error) {
	ctx := &exprCtx{b: b, env: env, scope: &scope{outer: outer}, clause: "VALUES"}
	var rows [][]planner.Expr
	width := -1
	for _, rowNode := range s.ValuesLists {
		items := rowNode.GetList().GetItems()
		if width >= 0 && len(items) != width {
			loc := int32(-1)
			if len(items) > 0 {
				loc = exprStart(items[0])
			}
			return nil, b.errAt(loc, "VALUES rows must all have %d values, this one has %d", width, len(items))
		}
		width = len(items)
		row := make([]planner.Expr, len(items))
		for i, it := range items {
			e, err := ctx.bind(it)
			if err != nil {
				return nil, err
			}
			if !isConstant(e) {
				return nil, b.errAt(exprStart(it), "VALUES may only contain constant expressions")
			}
			row[i] = e
		}
		rows = append(rows, row)
	}
	fields := make([]arrow.Field, width)
	for c := range width {
		col := make([]planner.Expr, len(rows))
		for r := range rows {
			col[r] = rows[r][c]
		}
		t, err := commonTypeOf(col)
		if err != nil {
			return nil, b.errAt(exprStart(s.ValuesLists[0].GetList().GetItems()[c]), "VALUES column %d: %v", c+1, err)
		}
		nullable := false
		for r := range rows {
			if rows[r][c], err = castTo(rows[r][c], t); err != nil {
				return nil, b.errAt(exprStart(s.ValuesLists[r].GetList().GetItems()[c]), "%v", err)
			}
			nullable = nullable || rows[r][c].Nullable()
		}
		fields[c] = arrow.Field{Name: fmt.Sprintf("col%d", c+1), Type: t, Nullable: nullable}
	}
	return newRelation(planner.NewValues(arrow.NewSchema(fields, nil), rows), ""), nil
}
