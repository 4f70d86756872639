package gorows

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Scan copies row row of batch into dest, one destination per column, as
// database/sql's Rows.Scan does. A destination is a pointer: *int64, *int,
// *int32, *int16, *int8, the unsigned ones, *float64, *float32, *string,
// *[]byte, *bool, *time.Time, *Date, *Decimal, *any (Value's Go value), or
// a pointer to a named type over one of these. Values convert as the
// getters convert them (an INT column scans into *int64, a DECIMAL one
// into *float64); a value that does not fit its destination is an error. A
// NULL needs a pointer to a pointer (set to nil), *any or *[]byte (set
// to nil); into any other destination it is an error naming the column.
func Scan(batch arrow.RecordBatch, row int, dest ...any) error {
	if int64(len(dest)) != batch.NumCols() {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), batch.NumCols())
	}
	if row < 0 || int64(row) >= batch.NumRows() {
		return fmt.Errorf("scan: row %d is out of range of a batch of %d rows", row, batch.NumRows())
	}
	for c, d := range dest {
		if err := scanInto(batch.Column(c), row, d); err != nil {
			return fmt.Errorf("scan: column %q: %w", batch.ColumnName(c), err)
		}
	}
	return nil
}

// ScanStruct copies row row of batch into the struct dest points to,
// matching its fields to columns by name as FromStructs names them (the
// ember tag, else the field name; a case-insensitive match when no name
// matches exactly). A field without a column is an error; columns without
// a field are skipped. Field types are those Scan accepts; pointer fields
// take NULLs. A nil embedded pointer is allocated when a field under it is
// set.
func ScanStruct(batch arrow.RecordBatch, row int, dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("scan: the destination must be a non-nil pointer to a struct, not %T", dest)
	}
	if row < 0 || int64(row) >= batch.NumRows() {
		return fmt.Errorf("scan: row %d is out of range of a batch of %d rows", row, batch.NumRows())
	}
	fields, err := fieldsOf(rv.Elem().Type())
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	schema := batch.Schema()
	for _, f := range fields {
		c := columnIndex(schema, f.name)
		if c < 0 {
			names := make([]string, schema.NumFields())
			for i, sf := range schema.Fields() {
				names[i] = sf.Name
			}
			return fmt.Errorf("scan: no column for field %q of %s; the columns are %s",
				f.name, rv.Elem().Type(), strings.Join(names, ", "))
		}
		fv, err := settableField(rv.Elem(), f.index)
		if err != nil {
			return fmt.Errorf("scan: field %q: %w", f.name, err)
		}
		if err := scanInto(batch.Column(c), row, fv.Addr().Interface()); err != nil {
			return fmt.Errorf("scan: column %q into field %q: %w", schema.Field(c).Name, f.name, err)
		}
	}
	return nil
}

// columnIndex finds the column named name, exactly or else ignoring case
// if only one column matches so; -1 if none does.
func columnIndex(s *arrow.Schema, name string) int {
	if idx := s.FieldIndices(name); len(idx) > 0 {
		return idx[0]
	}
	found := -1
	for i, f := range s.Fields() {
		if strings.EqualFold(f.Name, name) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// settableField walks index from v, allocating nil embedded pointers.
func settableField(v reflect.Value, index []int) (reflect.Value, error) {
	for n, i := range index {
		if n > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, fmt.Errorf("cannot allocate the unexported embedded %s", v.Type())
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	if !v.CanSet() || !v.CanAddr() {
		return reflect.Value{}, errors.New("field cannot be set")
	}
	return v, nil
}

// scanInto stores row i of arr in the pointer dest.
func scanInto(arr arrow.Array, i int, dest any) error {
	if d, ok := dest.(*any); ok {
		*d = Value(arr, i)
		return nil
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	el := rv.Elem()
	if el.Kind() == reflect.Pointer { // **T: nil for NULL
		if isNullAt(arr, i) {
			el.SetZero()
			return nil
		}
		nv := reflect.New(el.Type().Elem())
		if err := scanInto(arr, i, nv.Interface()); err != nil {
			return err
		}
		el.Set(nv)
		return nil
	}
	if isNullAt(arr, i) {
		if el.Kind() == reflect.Slice && el.Type().Elem().Kind() == reflect.Uint8 {
			el.SetZero() // a nil []byte, as database/sql scans NULL
			return nil
		}
		return fmt.Errorf("NULL cannot be stored in %T; scan into a pointer to a pointer or *any", dest)
	}
	var err error
	switch d := dest.(type) {
	case *int64:
		*d, err = Int64(arr, i)
	case *float64:
		*d, err = Float64(arr, i)
	case *string:
		*d, err = String(arr, i)
	case *bool:
		*d, err = Bool(arr, i)
	case *time.Time:
		*d, err = Time(arr, i)
	case *Date:
		var t time.Time
		if t, err = Time(arr, i); err == nil {
			*d = DateOf(t)
		}
	case *Decimal:
		*d, err = decimalAt(arr, i)
	case *[]byte:
		*d, err = bytesAt(arr, i)
	default:
		return scanReflect(arr, i, el, dest)
	}
	return err
}

// scanReflect stores into the other integer and float widths and named
// types, by kind.
func scanReflect(arr arrow.Array, i int, el reflect.Value, dest any) error {
	switch el.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8:
		v, err := Int64(arr, i)
		if err != nil {
			return err
		}
		if el.OverflowInt(v) {
			return fmt.Errorf("%d overflows %s", v, el.Type())
		}
		el.SetInt(v)
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8, reflect.Uintptr:
		var v uint64
		if a, ok := arr.(*array.Uint64); ok {
			v = a.Value(i)
		} else {
			s, err := Int64(arr, i)
			if err != nil {
				return err
			}
			if s < 0 {
				return fmt.Errorf("%d overflows %s", s, el.Type())
			}
			v = uint64(s)
		}
		if el.OverflowUint(v) {
			return fmt.Errorf("%d overflows %s", v, el.Type())
		}
		el.SetUint(v)
	case reflect.Float32, reflect.Float64:
		v, err := Float64(arr, i)
		if err != nil {
			return err
		}
		if el.Kind() == reflect.Float32 && math.Abs(v) > math.MaxFloat32 && !math.IsInf(v, 0) {
			return fmt.Errorf("%v overflows float32", v)
		}
		el.SetFloat(v)
	case reflect.String:
		v, err := String(arr, i)
		if err != nil {
			return err
		}
		el.SetString(v)
	case reflect.Bool:
		v, err := Bool(arr, i)
		if err != nil {
			return err
		}
		el.SetBool(v)
	case reflect.Slice:
		if el.Type().Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("unsupported destination %T", dest)
		}
		v, err := bytesAt(arr, i)
		if err != nil {
			return err
		}
		el.SetBytes(v)
	case reflect.Interface:
		v := Value(arr, i)
		rv := reflect.ValueOf(v)
		if !rv.Type().AssignableTo(el.Type()) {
			return fmt.Errorf("a %T value cannot be stored in %s", v, el.Type())
		}
		el.Set(rv)
	case reflect.Struct:
		for _, t := range []reflect.Type{timeType, dateType, decimalType} {
			if el.Type().ConvertibleTo(t) {
				p := reflect.New(t)
				if err := scanInto(arr, i, p.Interface()); err != nil {
					return err
				}
				el.Set(p.Elem().Convert(el.Type()))
				return nil
			}
		}
		return fmt.Errorf("unsupported destination %T", dest)
	default:
		return fmt.Errorf("unsupported destination %T", dest)
	}
	return nil
}
