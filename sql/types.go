package sql

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/ember-sql/ember/planner"
)

// bindType maps a type name as written in CAST or CREATE TABLE, in
// PostgreSQL's or Spark's spelling, to the Arrow type Ember computes with.
func (t *sqlText) bindType(tn *pg.TypeName) (arrow.DataType, error) {
	if len(tn.ArrayBounds) > 0 {
		return nil, t.errAt(tn.Location, "array types are not supported")
	}
	if tn.Setof || tn.PctType {
		return nil, t.errAt(tn.Location, "type %s is not supported", typeNameText(tn))
	}
	name := strings.ToLower(lastName(tn.Names))
	switch name {
	case "string", "varchar", "text", "bpchar", "char", "character":
		return planner.TypeString, nil
	case "int", "integer", "int4":
		return planner.TypeInt, nil
	case "long", "bigint", "int8":
		return planner.TypeBigInt, nil
	case "short", "smallint", "int2":
		return planner.TypeSmallInt, nil
	case "byte", "tinyint":
		return planner.TypeTinyInt, nil
	case "double", "float8", "float", "float4", "real":
		return planner.TypeDouble, nil
	case "boolean", "bool":
		return planner.TypeBoolean, nil
	case "date":
		return planner.TypeDate, nil
	case "timestamp", "timestamp_ntz":
		return planner.TypeTimestamp, nil
	case "interval":
		return planner.TypeInterval, nil
	case "decimal", "numeric", "dec":
		return t.decimalType(tn)
	case "timestamptz", "timestamp_ltz":
		return nil, t.errAt(tn.Location, "TIMESTAMP WITH TIME ZONE is not supported; use TIMESTAMP")
	}
	return nil, t.errAt(tn.Location, "unknown type %s", typeNameText(tn))
}

// decimalType reads DECIMAL, DECIMAL(p) and DECIMAL(p,s); DECIMAL alone is
// DECIMAL(10,0), as in Spark.
func (t *sqlText) decimalType(tn *pg.TypeName) (arrow.DataType, error) {
	p, s := int64(10), int64(0)
	if len(tn.Typmods) > 2 {
		return nil, t.errAt(tn.Location, "DECIMAL takes at most a precision and a scale")
	}
	for i, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return nil, t.errAt(tn.Location, "DECIMAL precision and scale must be integers")
		}
		if i == 0 {
			p = int64(c.GetIval().Ival)
		} else {
			s = int64(c.GetIval().Ival)
		}
	}
	if p < 1 || p > planner.MaxDecimalPrecision {
		return nil, t.errAt(tn.Location, "DECIMAL precision %d is out of range 1..%d", p, planner.MaxDecimalPrecision)
	}
	if s < 0 || s > p {
		return nil, t.errAt(tn.Location, "DECIMAL scale %d is out of range 0..%d", s, p)
	}
	return planner.Decimal(int32(p), int32(s)), nil
}

// lastName returns the last part of a dotted name (pg_catalog.int4 → int4).
func lastName(names []*pg.Node) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1].GetString_().GetSval()
}

// typeNameText renders a type name for messages, without pg_catalog.
func typeNameText(tn *pg.TypeName) string {
	var parts []string
	for _, n := range tn.Names {
		if s := n.GetString_().GetSval(); s != "pg_catalog" {
			parts = append(parts, s)
		}
	}
	return strings.ToUpper(strings.Join(parts, "."))
}
