package catalog

import "github.com/apache/arrow-go/v18/arrow"

// csvGuess infers one CSV column's type from the values of a sample: the
// narrowest of INT (fits 32 bits), BIGINT, DOUBLE, BOOLEAN, DATE
// (YYYY-MM-DD), TIMESTAMP (ISO 8601 date-time, or dates mixed with
// date-times) that every sampled value parses as, else VARCHAR. NULLs and
// empty strings are not observed; a column with no value is VARCHAR.
type csvGuess struct {
	seen                                  bool
	int32, int64, float, bool, date, time bool // still possible
}

func newCSVGuess() csvGuess {
	return csvGuess{int32: true, int64: true, float: true, bool: true, date: true, time: true}
}

// observe narrows the guess with one non-null value.
func (g *csvGuess) observe(f []byte) {
	g.seen = true
	if g.int64 {
		v, ok := parseInt64(f)
		if !ok {
			g.int64, g.int32 = false, false
		} else if g.int32 && (v < -1<<31 || v > 1<<31-1) {
			g.int32 = false
		}
	}
	if g.float {
		if _, ok := parseFloat64(f); !ok {
			g.float = false
		}
	}
	if g.bool {
		if _, ok := parseBool(f); !ok {
			g.bool = false
		}
	}
	if g.time {
		if _, ok := parseTimestamp(f); !ok {
			g.time, g.date = false, false
		} else if g.date {
			if _, ok := parseDate(f); !ok {
				g.date = false
			}
		}
	}
}

// dataType is the inferred type.
func (g *csvGuess) dataType() arrow.DataType {
	switch {
	case !g.seen:
		return arrow.BinaryTypes.String
	case g.int32:
		return arrow.PrimitiveTypes.Int32
	case g.int64:
		return arrow.PrimitiveTypes.Int64
	case g.float:
		return arrow.PrimitiveTypes.Float64
	case g.bool:
		return arrow.FixedWidthTypes.Boolean
	case g.date:
		return arrow.FixedWidthTypes.Date32
	case g.time:
		return engineTimestamp
	}
	return arrow.BinaryTypes.String
}

// sqlTypeName names an engine type as SQL does, for error messages.
func sqlTypeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.INT32:
		return "INT"
	case arrow.INT64:
		return "BIGINT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.DATE32:
		return "DATE"
	case arrow.TIMESTAMP:
		return "TIMESTAMP"
	case arrow.STRING:
		return "VARCHAR"
	}
	return dt.String()
}
