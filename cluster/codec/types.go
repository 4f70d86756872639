package codec

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	emberpb "github.com/ember-sql/ember/proto"
)

// EncodeType encodes an Arrow type of the engine's set (see emberpb.TypeId).
func EncodeType(t arrow.DataType) (*emberpb.DataType, error) {
	if t == nil {
		return nil, errors.New("missing data type")
	}
	var id emberpb.TypeId
	switch t.ID() {
	case arrow.NULL:
		id = emberpb.TypeId_TYPE_ID_NULL
	case arrow.BOOL:
		id = emberpb.TypeId_TYPE_ID_BOOL
	case arrow.INT8:
		id = emberpb.TypeId_TYPE_ID_INT8
	case arrow.INT16:
		id = emberpb.TypeId_TYPE_ID_INT16
	case arrow.INT32:
		id = emberpb.TypeId_TYPE_ID_INT32
	case arrow.INT64:
		id = emberpb.TypeId_TYPE_ID_INT64
	case arrow.FLOAT32:
		id = emberpb.TypeId_TYPE_ID_FLOAT32
	case arrow.FLOAT64:
		id = emberpb.TypeId_TYPE_ID_FLOAT64
	case arrow.DECIMAL128:
		d := t.(*arrow.Decimal128Type)
		return &emberpb.DataType{Id: emberpb.TypeId_TYPE_ID_DECIMAL128, Precision: d.Precision, Scale: d.Scale}, nil
	case arrow.STRING:
		id = emberpb.TypeId_TYPE_ID_UTF8
	case arrow.LARGE_STRING:
		id = emberpb.TypeId_TYPE_ID_LARGE_UTF8
	case arrow.BINARY:
		id = emberpb.TypeId_TYPE_ID_BINARY
	case arrow.DATE32:
		id = emberpb.TypeId_TYPE_ID_DATE32
	case arrow.TIMESTAMP:
		ts := t.(*arrow.TimestampType)
		return &emberpb.DataType{Id: emberpb.TypeId_TYPE_ID_TIMESTAMP, Unit: emberpb.TimeUnit(ts.Unit), Timezone: ts.TimeZone}, nil
	case arrow.INTERVAL_MONTH_DAY_NANO:
		id = emberpb.TypeId_TYPE_ID_INTERVAL_MONTH_DAY_NANO
	default:
		return nil, fmt.Errorf("type %s cannot be sent to the cluster", t)
	}
	return &emberpb.DataType{Id: id}, nil
}

// DecodeType decodes a type written by EncodeType. Types without
// parameters decode to arrow's shared instances.
func DecodeType(m *emberpb.DataType) (arrow.DataType, error) {
	if m == nil {
		return nil, errors.New("missing data type")
	}
	switch m.Id {
	case emberpb.TypeId_TYPE_ID_NULL:
		return arrow.Null, nil
	case emberpb.TypeId_TYPE_ID_BOOL:
		return arrow.FixedWidthTypes.Boolean, nil
	case emberpb.TypeId_TYPE_ID_INT8:
		return arrow.PrimitiveTypes.Int8, nil
	case emberpb.TypeId_TYPE_ID_INT16:
		return arrow.PrimitiveTypes.Int16, nil
	case emberpb.TypeId_TYPE_ID_INT32:
		return arrow.PrimitiveTypes.Int32, nil
	case emberpb.TypeId_TYPE_ID_INT64:
		return arrow.PrimitiveTypes.Int64, nil
	case emberpb.TypeId_TYPE_ID_FLOAT32:
		return arrow.PrimitiveTypes.Float32, nil
	case emberpb.TypeId_TYPE_ID_FLOAT64:
		return arrow.PrimitiveTypes.Float64, nil
	case emberpb.TypeId_TYPE_ID_DECIMAL128:
		if m.Precision < 1 || m.Precision > 38 || m.Scale < 0 || m.Scale > m.Precision {
			return nil, fmt.Errorf("invalid DECIMAL(%d,%d)", m.Precision, m.Scale)
		}
		return &arrow.Decimal128Type{Precision: m.Precision, Scale: m.Scale}, nil
	case emberpb.TypeId_TYPE_ID_UTF8:
		return arrow.BinaryTypes.String, nil
	case emberpb.TypeId_TYPE_ID_LARGE_UTF8:
		return arrow.BinaryTypes.LargeString, nil
	case emberpb.TypeId_TYPE_ID_BINARY:
		return arrow.BinaryTypes.Binary, nil
	case emberpb.TypeId_TYPE_ID_DATE32:
		return arrow.FixedWidthTypes.Date32, nil
	case emberpb.TypeId_TYPE_ID_TIMESTAMP:
		if m.Unit < emberpb.TimeUnit_TIME_UNIT_SECOND || m.Unit > emberpb.TimeUnit_TIME_UNIT_NANOSECOND {
			return nil, fmt.Errorf("invalid time unit %d", m.Unit)
		}
		return &arrow.TimestampType{Unit: arrow.TimeUnit(m.Unit), TimeZone: m.Timezone}, nil
	case emberpb.TypeId_TYPE_ID_INTERVAL_MONTH_DAY_NANO:
		return arrow.FixedWidthTypes.MonthDayNanoInterval, nil
	}
	return nil, fmt.Errorf("unknown type id %d", m.Id)
}

// EncodeSchema encodes a schema: its fields (name, type, nullability,
// metadata) and its metadata.
func EncodeSchema(s *arrow.Schema) (*emberpb.Schema, error) {
	if s == nil {
		return nil, errors.New("missing schema")
	}
	out := &emberpb.Schema{Fields: make([]*emberpb.Field, s.NumFields())}
	for i, f := range s.Fields() {
		t, err := EncodeType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		out.Fields[i] = &emberpb.Field{Name: f.Name, Type: t, Nullable: f.Nullable, Metadata: encodeMetadata(f.Metadata)}
	}
	md := s.Metadata()
	out.Metadata = encodeMetadata(md)
	return out, nil
}

// DecodeSchema decodes a schema written by EncodeSchema.
func DecodeSchema(m *emberpb.Schema) (*arrow.Schema, error) {
	if m == nil {
		return nil, errors.New("missing schema")
	}
	fields := make([]arrow.Field, len(m.Fields))
	for i, f := range m.Fields {
		if f == nil {
			return nil, fmt.Errorf("schema field %d is missing", i)
		}
		t, err := DecodeType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		fields[i] = arrow.Field{Name: f.Name, Type: t, Nullable: f.Nullable}
		if len(f.Metadata) > 0 {
			fields[i].Metadata = decodeMetadata(f.Metadata)
		}
	}
	if len(m.Metadata) == 0 {
		return arrow.NewSchema(fields, nil), nil
	}
	md := decodeMetadata(m.Metadata)
	return arrow.NewSchema(fields, &md), nil
}

func encodeMetadata(md arrow.Metadata) []*emberpb.KeyValue {
	if md.Len() == 0 {
		return nil
	}
	out := make([]*emberpb.KeyValue, md.Len())
	for i := range md.Len() {
		out[i] = &emberpb.KeyValue{Key: md.Keys()[i], Value: md.Values()[i]}
	}
	return out
}

func decodeMetadata(kvs []*emberpb.KeyValue) arrow.Metadata {
	keys, vals := make([]string, len(kvs)), make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i], vals[i] = kv.GetKey(), kv.GetValue()
	}
	return arrow.NewMetadata(keys, vals)
}
