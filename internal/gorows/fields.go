package gorows

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// structField is a struct field that maps to a column.
type structField struct {
	name  string // the column name: the ember tag, else the field name
	index []int  // for reflect.Value.FieldByIndex
	typ   reflect.Type
}

// fieldCache holds the fields of the struct types seen, which never change.
var fieldCache sync.Map // reflect.Type -> []structField or error

// TagName is the struct tag that names a field's column: `ember:"name"`,
// or `ember:"-"` to leave the field out.
const TagName = "ember"

// fieldsOf returns the columns of struct type t: its exported fields in
// order, named by their ember tag or else as they are. Untagged embedded
// structs are flattened (their fields are promoted, as encoding/json
// does); any other field of a struct type but time.Time, Date and Decimal
// is an error, as are two fields with one name.
func fieldsOf(t reflect.Type) ([]structField, error) {
	if v, ok := fieldCache.Load(t); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.([]structField), nil
	}
	fs, err := computeFields(t)
	if err != nil {
		fieldCache.Store(t, err)
		return nil, err
	}
	fieldCache.Store(t, fs)
	return fs, nil
}

// isLeafStruct reports whether a struct type is a single value.
func isLeafStruct(t reflect.Type) bool {
	for _, leaf := range []reflect.Type{timeType, dateType, decimalType} {
		if t == leaf || t.ConvertibleTo(leaf) {
			return true
		}
	}
	return false
}

func computeFields(t reflect.Type) ([]structField, error) {
	var out []structField
	var skipped [][]int // embedded fields left out, with what they promote
	seen := map[string]bool{}
	for _, f := range reflect.VisibleFields(t) {
		if slices.ContainsFunc(skipped, func(p []int) bool { return hasPrefix(f.Index, p) }) {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get(TagName), ",")
		if tag == "-" {
			skipped = append(skipped, f.Index)
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		isStruct := ft.Kind() == reflect.Struct && !isLeafStruct(ft)
		if f.Anonymous && isStruct && tag == "" {
			continue // flattened: its fields follow
		}
		if !f.IsExported() {
			if f.Anonymous {
				skipped = append(skipped, f.Index) // an unexported embedded non-struct
			}
			continue
		}
		if isStruct {
			return nil, fmt.Errorf("field %s of %s is a struct (%s): nested structs are not supported; embed it to flatten it or tag it `%s:\"-\"`",
				f.Name, t, f.Type, TagName)
		}
		name := f.Name
		if tag != "" {
			name = tag
		}
		if seen[name] {
			return nil, fmt.Errorf("%s has two fields named %q", t, name)
		}
		seen[name] = true
		out = append(out, structField{name: name, index: f.Index, typ: f.Type})
	}
	return out, nil
}

func hasPrefix(index, prefix []int) bool {
	return len(index) >= len(prefix) && slices.Equal(index[:len(prefix)], prefix)
}

// structType returns the struct type behind t (a struct or a pointer to
// one).
func structType(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, t.Kind() == reflect.Struct
}

// fieldValue reads field f of struct value v; a nil embedded pointer on
// the way makes the field nil.
func fieldValue(v reflect.Value, f structField) any {
	fv, err := v.FieldByIndexErr(f.index)
	if err != nil {
		return nil
	}
	if !fv.CanInterface() {
		return nil
	}
	return fv.Interface()
}
