package gorows

import (
	"fmt"
	"reflect"
	"time"
)

// normalize reduces a Go value to one of the few forms the converters
// handle: nil, string, int8, int16, int32, int64, uint64, float64, bool,
// []byte, time.Time, Date or Decimal. Pointers are followed (nil is NULL),
// named types become their underlying type, int and the narrow unsigned
// types become int64, float32 becomes float64. A nil []byte is NULL, as in
// database/sql.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, int8, int16, int32, int64, uint64, float64, bool, time.Time, Date, Decimal:
		return x, nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return uint64(x), nil
	case float32:
		return float64(x), nil
	case []byte:
		if x == nil {
			return nil, nil
		}
		return x, nil
	}
	return normalizeReflect(reflect.ValueOf(v))
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	dateType    = reflect.TypeFor[Date]()
	decimalType = reflect.TypeFor[Decimal]()
)

// normalizeReflect handles pointers and named types.
func normalizeReflect(rv reflect.Value) (any, error) {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return normalizeReflect(rv.Elem())
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int64:
		return rv.Int(), nil
	case reflect.Int32:
		return int32(rv.Int()), nil
	case reflect.Int16:
		return int16(rv.Int()), nil
	case reflect.Int8:
		return int8(rv.Int()), nil
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return int64(rv.Uint()), nil
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return rv.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return nil, nil
			}
			return rv.Bytes(), nil
		}
	case reflect.Struct:
		// Types defined over time.Time, Date or Decimal.
		for _, t := range []reflect.Type{timeType, dateType, decimalType} {
			if rv.Type().ConvertibleTo(t) {
				return rv.Convert(t).Interface(), nil
			}
		}
	}
	if !rv.IsValid() {
		return nil, nil
	}
	return nil, fmt.Errorf("values of Go type %s are not supported", rv.Type())
}
