package gorows

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// timestampType is the type time.Time values get: Spark's TimestampType
// holds microseconds since the epoch in UTC.
var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// inferrer accumulates the type of one column from its normalized values.
type inferrer struct {
	dt arrow.DataType // nil while only NULLs were seen
	// For decimals: the most digits before and after the point.
	intDigits, scale int32
}

// add widens the column's type with v, or fails when v's type does not mix
// with the types seen so far.
func (in *inferrer) add(v any) error {
	var dt arrow.DataType
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		dt = arrow.BinaryTypes.String
	case int8:
		dt = arrow.PrimitiveTypes.Int8
	case int16:
		dt = arrow.PrimitiveTypes.Int16
	case int32:
		dt = arrow.PrimitiveTypes.Int32
	case int64, uint64:
		dt = arrow.PrimitiveTypes.Int64
	case float64:
		dt = arrow.PrimitiveTypes.Float64
	case bool:
		dt = arrow.FixedWidthTypes.Boolean
	case []byte:
		dt = arrow.BinaryTypes.Binary
	case Date:
		dt = arrow.FixedWidthTypes.Date32
	case Decimal:
		if x.Precision < 1 || x.Precision > maxDecimalPrecision || x.Scale < 0 || x.Scale > x.Precision {
			return fmt.Errorf("decimal %s has an invalid precision %d and scale %d", x, x.Precision, x.Scale)
		}
		in.intDigits = max(in.intDigits, x.Precision-x.Scale)
		in.scale = max(in.scale, x.Scale)
		if in.intDigits+in.scale > maxDecimalPrecision {
			return fmt.Errorf("decimals with up to %d digits before the point and %d after need more than %d digits",
				in.intDigits, in.scale, maxDecimalPrecision)
		}
		dt = &arrow.Decimal128Type{Precision: in.intDigits + in.scale, Scale: in.scale}
		if in.dt == nil || in.dt.ID() == arrow.DECIMAL128 {
			in.dt = dt
			return nil
		}
	default: // time.Time: normalize returns nothing else
		dt = timestampType
	}
	if in.dt == nil {
		in.dt = dt
		return nil
	}
	merged, ok := mergeTypes(in.dt, dt)
	if !ok {
		return fmt.Errorf("a %s value in a column of %s", typeName(dt), typeName(in.dt))
	}
	in.dt = merged
	return nil
}

// intRank orders the integer types by width; 0 for other types.
func intRank(dt arrow.DataType) int {
	switch dt.ID() {
	case arrow.INT8:
		return 1
	case arrow.INT16:
		return 2
	case arrow.INT32:
		return 3
	case arrow.INT64:
		return 4
	}
	return 0
}

// mergeTypes is the type of a column holding values of a and b: the wider
// integer type, DOUBLE for integers and doubles; nothing else mixes.
func mergeTypes(a, b arrow.DataType) (arrow.DataType, bool) {
	if arrow.TypeEqual(a, b) {
		return a, true
	}
	ra, rb := intRank(a), intRank(b)
	switch {
	case ra > 0 && rb > 0:
		if ra > rb {
			return a, true
		}
		return b, true
	case ra > 0 && b.ID() == arrow.FLOAT64, rb > 0 && a.ID() == arrow.FLOAT64:
		return arrow.PrimitiveTypes.Float64, true
	}
	return nil, false
}

// typeName names a type in errors the way users know it.
func typeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.STRING:
		return "string"
	case arrow.INT8:
		return "int8"
	case arrow.INT16:
		return "int16"
	case arrow.INT32:
		return "int32"
	case arrow.INT64:
		return "int64"
	case arrow.FLOAT64:
		return "float64"
	case arrow.BOOL:
		return "bool"
	case arrow.BINARY:
		return "[]byte"
	case arrow.DATE32:
		return "Date"
	case arrow.TIMESTAMP:
		return "time.Time"
	case arrow.DECIMAL128:
		return "Decimal"
	}
	return dt.String()
}
