package codec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	emberpb "github.com/ember-sql/ember/proto"
)

// encodeValue encodes a Go scalar (a literal's or a predicate's value);
// nil is NULL, a Value with no case set.
func encodeValue(v any) (*emberpb.Value, error) {
	out := &emberpb.Value{}
	switch v := v.(type) {
	case nil:
	case bool:
		out.Value = &emberpb.Value_BoolValue{BoolValue: v}
	case int8:
		out.Value = &emberpb.Value_Int8Value{Int8Value: int32(v)}
	case int16:
		out.Value = &emberpb.Value_Int16Value{Int16Value: int32(v)}
	case int32:
		out.Value = &emberpb.Value_Int32Value{Int32Value: v}
	case int64:
		out.Value = &emberpb.Value_Int64Value{Int64Value: v}
	case float32:
		out.Value = &emberpb.Value_Float32Value{Float32Value: v}
	case float64:
		out.Value = &emberpb.Value_Float64Value{Float64Value: v}
	case decimal128.Num:
		out.Value = &emberpb.Value_Decimal128Value{Decimal128Value: &emberpb.Decimal128{Hi: v.HighBits(), Lo: v.LowBits()}}
	case string:
		out.Value = &emberpb.Value_StringValue{StringValue: v}
	case []byte:
		out.Value = &emberpb.Value_BinaryValue{BinaryValue: v}
	case arrow.Date32:
		out.Value = &emberpb.Value_Date32Value{Date32Value: int32(v)}
	case arrow.Timestamp:
		out.Value = &emberpb.Value_TimestampValue{TimestampValue: int64(v)}
	case arrow.MonthDayNanoInterval:
		out.Value = &emberpb.Value_IntervalValue{IntervalValue: &emberpb.MonthDayNano{Months: v.Months, Days: v.Days, Nanoseconds: v.Nanoseconds}}
	default:
		return nil, fmt.Errorf("value %v of Go type %T cannot be sent to the cluster", v, v)
	}
	return out, nil
}

// decodeValue decodes a value written by encodeValue to its Go type; a
// missing message is NULL.
func decodeValue(m *emberpb.Value) (any, error) {
	switch v := m.GetValue().(type) {
	case nil:
		return nil, nil
	case *emberpb.Value_BoolValue:
		return v.BoolValue, nil
	case *emberpb.Value_Int8Value:
		if int32(int8(v.Int8Value)) != v.Int8Value {
			return nil, fmt.Errorf("TINYINT value %d out of range", v.Int8Value)
		}
		return int8(v.Int8Value), nil
	case *emberpb.Value_Int16Value:
		if int32(int16(v.Int16Value)) != v.Int16Value {
			return nil, fmt.Errorf("SMALLINT value %d out of range", v.Int16Value)
		}
		return int16(v.Int16Value), nil
	case *emberpb.Value_Int32Value:
		return v.Int32Value, nil
	case *emberpb.Value_Int64Value:
		return v.Int64Value, nil
	case *emberpb.Value_Float32Value:
		return v.Float32Value, nil
	case *emberpb.Value_Float64Value:
		return v.Float64Value, nil
	case *emberpb.Value_Decimal128Value:
		return decimal128.New(v.Decimal128Value.GetHi(), v.Decimal128Value.GetLo()), nil
	case *emberpb.Value_StringValue:
		return v.StringValue, nil
	case *emberpb.Value_BinaryValue:
		return append([]byte{}, v.BinaryValue...), nil
	case *emberpb.Value_Date32Value:
		return arrow.Date32(v.Date32Value), nil
	case *emberpb.Value_TimestampValue:
		return arrow.Timestamp(v.TimestampValue), nil
	case *emberpb.Value_IntervalValue:
		i := v.IntervalValue
		return arrow.MonthDayNanoInterval{Months: i.GetMonths(), Days: i.GetDays(), Nanoseconds: i.GetNanoseconds()}, nil
	}
	return nil, fmt.Errorf("unknown value case %T", m.GetValue())
}

// checkLiteral reports whether a literal's value has the Go type its data
// type calls for (see planner.Literal), so that a decoded literal never
// makes a type assertion fail later.
func checkLiteral(v any, t arrow.DataType) error {
	if v == nil {
		return nil
	}
	ok := false
	switch v.(type) {
	case bool:
		ok = t.ID() == arrow.BOOL
	case int8:
		ok = t.ID() == arrow.INT8
	case int16:
		ok = t.ID() == arrow.INT16
	case int32:
		ok = t.ID() == arrow.INT32
	case int64:
		ok = t.ID() == arrow.INT64
	case float32:
		ok = t.ID() == arrow.FLOAT32
	case float64:
		ok = t.ID() == arrow.FLOAT64
	case decimal128.Num:
		ok = t.ID() == arrow.DECIMAL128
	case string:
		ok = t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
	case []byte:
		ok = t.ID() == arrow.BINARY
	case arrow.Date32:
		ok = t.ID() == arrow.DATE32
	case arrow.Timestamp:
		ok = t.ID() == arrow.TIMESTAMP
	case arrow.MonthDayNanoInterval:
		ok = t.ID() == arrow.INTERVAL_MONTH_DAY_NANO
	}
	if !ok {
		return fmt.Errorf("literal value of Go type %T does not fit type %s", v, t)
	}
	return nil
}
