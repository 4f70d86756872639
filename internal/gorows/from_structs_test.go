package gorows

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

type person struct {
	Name    string
	Age     int `ember:"age"`
	Score   *float64
	Secret  string `ember:"-"`
	private int
	Born    time.Time
	Day     Date
	Nick    label
	Raw     []byte
	Any     any
	Price   Decimal
	Small   int32 `ember:"small,omitempty"`
}

type Base struct {
	ID   int64
	Kind string
}

type withEmbedded struct {
	Base
	*Extra
	Value float64
}

type Extra struct{ Note string }

// TestFromStructs maps fields to columns: tags, skips, Go types, nils.
func TestFromStructs(t *testing.T) {
	mem := newMem(t)
	people := []person{
		{Name: "Alice", Age: 30, Score: ptr(1.5), Secret: "s", private: 1, Born: t0, Day: Date{2000, 1, 2}, Nick: "al", Raw: []byte("r"), Any: 7, Price: dec("1.50"), Small: 3},
		{Name: "Bob", Age: 40, Day: Date{1999, 12, 31}, Any: nil, Price: dec("22.5")},
	}
	schema, bs, err := FromStructs(mem, people)
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	want := []arrow.Field{
		{Name: "Name", Type: arrow.BinaryTypes.String},
		{Name: "age", Type: arrow.PrimitiveTypes.Int64},
		{Name: "Score", Type: arrow.PrimitiveTypes.Float64},
		{Name: "Born", Type: timestampType},
		{Name: "Day", Type: arrow.FixedWidthTypes.Date32},
		{Name: "Nick", Type: arrow.BinaryTypes.String},
		{Name: "Raw", Type: arrow.BinaryTypes.Binary},
		{Name: "Any", Type: arrow.PrimitiveTypes.Int64},
		{Name: "Price", Type: &arrow.Decimal128Type{Precision: 4, Scale: 2}},
		{Name: "small", Type: arrow.PrimitiveTypes.Int32},
	}
	for i := range want {
		want[i].Nullable = true
	}
	if !schema.Equal(arrow.NewSchema(want, nil)) {
		t.Fatalf("schema %s", schema)
	}
	if got := column(bs, 2); !reflect.DeepEqual(got, []any{1.5, nil}) {
		t.Fatalf("Score %v", got)
	}
	if got := column(bs, 7); !reflect.DeepEqual(got, []any{int64(7), nil}) {
		t.Fatalf("Any %v", got)
	}
	if got := column(bs, 3); !got[0].(time.Time).Equal(t0) || !got[1].(time.Time).Equal(time.Time{}) {
		t.Fatalf("Born %v", got)
	}
	if got := column(bs, 8)[1].(Decimal).String(); got != "22.50" {
		t.Fatalf("Price %v", got)
	}

	// Pointers to structs, and a zero-length slice.
	ptrs := []*person{&people[0], &people[1]}
	schema2, bs2, err := FromStructs(mem, ptrs)
	if err != nil {
		t.Fatal(err)
	}
	release(bs2)
	if !schema2.Equal(schema) {
		t.Fatalf("schema from pointers %s", schema2)
	}
	_, bs3, err := FromStructs(mem, []Base{})
	if err != nil || len(bs3) != 0 {
		t.Fatalf("empty slice: %d batches, %v", len(bs3), err)
	}
}

func TestFromStructsEmbedded(t *testing.T) {
	mem := newMem(t)
	rows := []withEmbedded{
		{Base: Base{ID: 1, Kind: "a"}, Extra: &Extra{Note: "n"}, Value: 0.5},
		{Base: Base{ID: 2, Kind: "b"}, Value: 1.5}, // nil *Extra: Note is NULL
	}
	schema, bs, err := FromStructs(mem, rows)
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "ID,Kind,Note,Value" {
		t.Fatalf("columns %v", names)
	}
	if got := column(bs, 2); !reflect.DeepEqual(got, []any{"n", nil}) {
		t.Fatalf("Note %v", got)
	}
}

func TestFromStructsErrors(t *testing.T) {
	type nested struct {
		A    int
		Base Base
	}
	type dup struct {
		A int
		B int `ember:"A"`
	}
	type onlyNil struct{ X any }
	type unsupported struct{ M map[string]int }
	type skippedNested struct {
		A    int
		Base Base `ember:"-"`
	}
	type badValue struct{ X any }
	tests := []struct {
		name string
		in   any
		err  string
	}{
		{"not a slice", person{}, "takes a slice of structs"},
		{"slice of ints", []int{1}, "slice of structs"},
		{"nested struct", []nested{{}}, "field Base"},
		{"duplicate names", []dup{{}}, `two fields named "A"`},
		{"only nils", []onlyNil{{}}, `column "X" holds only nil`},
		{"nil row", []*Base{{ID: 1}, nil}, "row 1 is a nil pointer"},
		{"unsupported field", []unsupported{{}}, "field M"},
		{"bad interface value", []badValue{{X: 1}, {X: "s"}}, `row 1, column "X"`},
		{"zero date", []struct{ D Date }{{}}, "0000-00-00 is not a valid date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := newMem(t)
			_, bs, err := FromStructs(mem, tt.in)
			if err == nil {
				release(bs)
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %q, want %q", err, tt.err)
			}
		})
	}
	// A nested struct tagged "-" is skipped; an all-nil Decimal column
	// is DECIMAL(38,18).
	mem := newMem(t)
	schema, bs, err := FromStructs(mem, []skippedNested{{A: 1}})
	if err != nil || schema.NumFields() != 1 {
		t.Fatalf("%v %v", schema, err)
	}
	release(bs)
	type maybeDec struct{ D *Decimal }
	schema, bs, err = FromStructs(mem, []maybeDec{{}})
	if err != nil || !arrow.TypeEqual(schema.Field(0).Type, defaultDecimal) {
		t.Fatalf("%v %v", schema, err)
	}
	release(bs)
}
