package gorows

import (
	"fmt"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// defaultDecimal is the type of a Decimal field that is nil in every row,
// as Spark types a Python Decimal it cannot see.
var defaultDecimal = &arrow.Decimal128Type{Precision: 38, Scale: 18}

// FromStructs builds record batches from a slice (or array) of structs or
// of pointers to structs: each exported field is a column, named by its
// `ember:"name"` tag or else by the field's name; `ember:"-"` leaves a
// field out. Untagged embedded structs are flattened into their fields;
// other fields of struct types (but time.Time, Date and Decimal) are an
// error. A column's type comes from the field's Go type (see the package
// documentation; a pointer field is NULL where nil); fields of interface
// type and Decimal fields take their type from their values, as FromRows
// does. Every column is nullable. A nil pointer in the slice is an error
// naming the row. The caller releases the batches.
func FromStructs(mem memory.Allocator, slice any) (*arrow.Schema, []arrow.RecordBatch, error) {
	rv := reflect.ValueOf(slice)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, nil, fmt.Errorf("FromStructs takes a slice of structs, not %T", slice)
	}
	st, ok := structType(rv.Type().Elem())
	if !ok {
		return nil, nil, fmt.Errorf("FromStructs takes a slice of structs or of pointers to structs, not %T", slice)
	}
	fields, err := fieldsOf(st)
	if err != nil {
		return nil, nil, err
	}
	n := rv.Len()
	elems := make([]reflect.Value, n)
	for r := range n {
		e := rv.Index(r)
		if e.Kind() == reflect.Pointer {
			if e.IsNil() {
				return nil, nil, fmt.Errorf("row %d is a nil pointer", r)
			}
			e = e.Elem()
		}
		elems[r] = e
	}
	value := func(r, c int) any { return fieldValue(elems[r], fields[c]) }

	afields := make([]arrow.Field, len(fields))
	for c, f := range fields {
		dt, err := staticType(f.typ)
		if err != nil {
			return nil, nil, fmt.Errorf("field %s of %s: %w", f.name, st, err)
		}
		if dt == nil { // interface or Decimal: look at the values
			var in inferrer
			for r := range n {
				v, err := normalize(value(r, c))
				if err == nil {
					err = in.add(v)
				}
				if err != nil {
					return nil, nil, fmt.Errorf("row %d, column %q: %w", r, f.name, err)
				}
			}
			switch {
			case in.dt != nil:
				dt = in.dt
			case isDecimal(f.typ):
				dt = defaultDecimal
			default:
				return nil, nil, fmt.Errorf("column %q holds only nil values: its type cannot be inferred", f.name)
			}
		}
		afields[c] = arrow.Field{Name: f.name, Type: dt, Nullable: true}
	}
	schema := arrow.NewSchema(afields, nil)
	batches, err := build(mem, schema, n, value)
	if err != nil {
		return nil, nil, err
	}
	return schema, batches, nil
}

func isDecimal(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.ConvertibleTo(decimalType)
}

// staticType is the column type of a field of Go type t, or nil when the
// values decide it (interfaces, decimals).
func staticType(t reflect.Type) (arrow.DataType, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.ConvertibleTo(timeType) && t.Kind() == reflect.Struct:
		return timestampType, nil
	case t.ConvertibleTo(dateType) && t.Kind() == reflect.Struct:
		return arrow.FixedWidthTypes.Date32, nil
	case t.ConvertibleTo(decimalType) && t.Kind() == reflect.Struct:
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil, nil
	case reflect.String:
		return arrow.BinaryTypes.String, nil
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return arrow.PrimitiveTypes.Int64, nil
	case reflect.Int32:
		return arrow.PrimitiveTypes.Int32, nil
	case reflect.Int16:
		return arrow.PrimitiveTypes.Int16, nil
	case reflect.Int8:
		return arrow.PrimitiveTypes.Int8, nil
	case reflect.Float32, reflect.Float64:
		return arrow.PrimitiveTypes.Float64, nil
	case reflect.Bool:
		return arrow.FixedWidthTypes.Boolean, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return arrow.BinaryTypes.Binary, nil
		}
	}
	return nil, fmt.Errorf("Go type %s is not supported", t)
}
