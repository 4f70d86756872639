package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

// PartialSchema is the schema AggPartial produces for these keys and
// aggregates: the group columns ("group0", ...), then each aggregate's
// state columns ("agg0.sum", "agg0.count", ...):
//
//	count(*), count(x)   BIGINT count
//	sum(x)               the sum, of sum's result type (NULL: no value yet)
//	avg(x)               DOUBLE or DECIMAL(min(38,p+10),s) sum, BIGINT count
//	min, max, first      the value kept, of x's type (NULL: none yet)
func PartialSchema(groupBy []planner.Expr, aggs []*planner.AggregateCall) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(groupBy)+2*len(aggs))
	for i, g := range groupBy {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("group%d", i), Type: g.Type(), Nullable: g.Nullable()})
	}
	for i, c := range aggs {
		names := aggStateNames(c)
		for j, t := range aggStateTypes(c) {
			fields = append(fields, arrow.Field{
				Name:     fmt.Sprintf("agg%d.%s", i, names[j]),
				Type:     t,
				Nullable: names[j] != "count",
			})
		}
	}
	return arrow.NewSchema(fields, nil)
}

// aggStateTypes are the types of an aggregate's partial state columns.
func aggStateTypes(c *planner.AggregateCall) []arrow.DataType {
	switch c.Func {
	case planner.AggCountStar, planner.AggCount:
		return []arrow.DataType{planner.TypeBigInt}
	case planner.AggAvg:
		if d, ok := c.DataType.(*arrow.Decimal128Type); ok {
			return []arrow.DataType{avgSumType(c, d), planner.TypeBigInt}
		}
		return []arrow.DataType{planner.TypeDouble, planner.TypeBigInt}
	}
	return []arrow.DataType{c.DataType}
}

func aggStateNames(c *planner.AggregateCall) []string {
	switch c.Func {
	case planner.AggCountStar, planner.AggCount:
		return []string{"count"}
	case planner.AggAvg:
		return []string{"sum", "count"}
	case planner.AggSum:
		return []string{"sum"}
	}
	return []string{"value"}
}

// avgSumType is the type avg(x) sums a decimal x in: Spark's
// DECIMAL(min(38,p+10),s) for x DECIMAL(p,s). The argument's type is
// recovered from the result type when the argument is not a decimal.
func avgSumType(c *planner.AggregateCall, result *arrow.Decimal128Type) *arrow.Decimal128Type {
	if len(c.Args) == 1 {
		if d, ok := c.Args[0].Type().(*arrow.Decimal128Type); ok {
			return &arrow.Decimal128Type{Precision: min(planner.MaxDecimalPrecision, d.Precision+10), Scale: d.Scale}
		}
	}
	s := max(0, result.Scale-4)
	return &arrow.Decimal128Type{Precision: min(planner.MaxDecimalPrecision, result.Precision+6), Scale: s}
}

// newAggregator returns the state machine computing c.
func newAggregator(tc *TaskContext, c *planner.AggregateCall) (aggregator, error) {
	var argType arrow.DataType = arrow.Null
	if len(c.Args) > 0 {
		argType = c.Args[0].Type()
	}
	var agg aggregator
	switch c.Func {
	case planner.AggCountStar, planner.AggCount:
		agg = &countAgg{}
	case planner.AggSum:
		switch t := c.DataType.(type) {
		case *arrow.Decimal128Type:
			if argType.ID() != arrow.DECIMAL128 && argType.ID() != arrow.NULL {
				return nil, fmt.Errorf("%s: a DECIMAL sum of %s", c, planner.TypeName(argType))
			}
			if d, ok := argType.(*arrow.Decimal128Type); ok && d.Scale != t.Scale {
				return nil, fmt.Errorf("%s: sum type %s has another scale than %s", c, planner.TypeName(t), planner.TypeName(d))
			}
			agg = &decimalSum{call: c, typ: t}
		default:
			switch {
			case c.DataType.ID() == arrow.INT64 && (planner.IsInteger(argType) || argType.ID() == arrow.NULL):
				agg = &intSum{call: c}
			case c.DataType.ID() == arrow.FLOAT64 && (planner.IsFloating(argType) || argType.ID() == arrow.NULL):
				agg = &floatSum{}
			default:
				return nil, fmt.Errorf("%s: cannot sum %s into %s", c, planner.TypeName(argType), planner.TypeName(c.DataType))
			}
		}
	case planner.AggAvg:
		switch t := c.DataType.(type) {
		case *arrow.Decimal128Type:
			sumType := avgSumType(c, t)
			if t.Scale < sumType.Scale {
				return nil, fmt.Errorf("%s: result scale %d below the argument's %d", c, t.Scale, sumType.Scale)
			}
			agg = &decimalAvg{call: c, sumType: sumType, typ: t}
		default:
			if c.DataType.ID() != arrow.FLOAT64 || !(planner.IsNumeric(argType) || argType.ID() == arrow.NULL) {
				return nil, fmt.Errorf("%s: cannot average %s into %s", c, planner.TypeName(argType), planner.TypeName(c.DataType))
			}
			agg = &floatAvg{}
		}
	case planner.AggMin, planner.AggMax, planner.AggFirst:
		kind := map[planner.AggFunc]pickKind{planner.AggMin: pickMin, planner.AggMax: pickMax, planner.AggFirst: pickFirst}[c.Func]
		if !arrow.TypeEqual(argType, c.DataType) && argType.ID() != arrow.NULL {
			return nil, fmt.Errorf("%s: result type %s differs from the argument's %s", c, planner.TypeName(c.DataType), planner.TypeName(argType))
		}
		p, err := newPick(kind, c.DataType)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		agg = p
	default:
		return nil, fmt.Errorf("unknown aggregate function %q", c.Func)
	}
	if c.Distinct {
		types := make([]arrow.DataType, len(c.Args))
		for i, x := range c.Args {
			types[i] = x.Type()
		}
		return newDistinctAgg(agg, tc.Mem, types)
	}
	return agg, nil
}
