package gorows

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// scanBatch has one row of values and one of NULLs.
func scanBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "ts", Type: timestampType, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 6, Scale: 2}, Nullable: true},
		{Name: "raw", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}, nil)
	bs, err := FromRowsWithSchema(mem, [][]any{
		{300, 32, 1.5, "x", true, t0, "2024-02-29", "12.50", []byte{9}},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}, schema)
	if err != nil {
		t.Fatal(err)
	}
	return bs[0]
}

func TestScan(t *testing.T) {
	mem := newMem(t)
	b := scanBatch(t, mem)
	defer b.Release()

	var (
		i   int64
		i32 int
		f   float64
		s   string
		bo  bool
		ts  time.Time
		d   Date
		dec Decimal
		raw []byte
	)
	if err := Scan(b, 0, &i, &i32, &f, &s, &bo, &ts, &d, &dec, &raw); err != nil {
		t.Fatal(err)
	}
	if i != 300 || i32 != 32 || f != 1.5 || s != "x" || !bo || !ts.Equal(t0) || d != (Date{2024, 2, 29}) ||
		dec.String() != "12.50" || !reflect.DeepEqual(raw, []byte{9}) {
		t.Fatalf("scanned %v %v %v %q %v %v %v %v %v", i, i32, f, s, bo, ts, d, dec, raw)
	}

	// Conversions: an INT column into *int64 and *float32, a DECIMAL into
	// *float64, a DATE into *time.Time, a named type, *any.
	var (
		wide   int64
		f32    float32
		decF   float64
		dt     time.Time
		a      age
		anyVal any
		lab    label
		u8     uint8
		s16    int16
	)
	for _, c := range []struct {
		col  int
		dest any
	}{{1, &wide}, {1, &f32}, {7, &decF}, {6, &dt}, {0, &a}, {3, &anyVal}, {3, &lab}, {1, &u8}, {1, &s16}} {
		if err := scanInto(b.Column(c.col), 0, c.dest); err != nil {
			t.Fatalf("column %d into %T: %v", c.col, c.dest, err)
		}
	}
	if wide != 32 || f32 != 32 || decF != 12.5 || !dt.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) || a != 300 ||
		anyVal != "x" || lab != "x" || u8 != 32 || s16 != 32 {
		t.Fatalf("converted %v %v %v %v %v %v %v %v %v", wide, f32, decF, dt, a, anyVal, lab, u8, s16)
	}

	// NULLs: pointers to pointers become nil, *any nil; they are set to
	// values on the other row.
	var (
		pi   *int64
		ps   *string
		pt   *time.Time
		pd   *Decimal
		pany any = "old"
	)
	dests := []any{&pi, new(*int), new(*float64), &ps, new(*bool), &pt, new(*Date), &pd, new(*[]byte)}
	if err := Scan(b, 1, dests...); err != nil {
		t.Fatal(err)
	}
	if pi != nil || ps != nil || pt != nil || pd != nil {
		t.Fatal("NULLs did not scan to nil")
	}
	if err := scanInto(b.Column(0), 1, &pany); err != nil || pany != nil {
		t.Fatalf("*any of NULL: %v %v", pany, err)
	}
	if err := Scan(b, 0, dests...); err != nil {
		t.Fatal(err)
	}
	if pi == nil || *pi != 300 || ps == nil || *ps != "x" || pt == nil || !pt.Equal(t0) || pd == nil || pd.String() != "12.50" {
		t.Fatal("values did not scan into pointers")
	}
}

func TestScanErrors(t *testing.T) {
	mem := newMem(t)
	b := scanBatch(t, mem)
	defer b.Release()
	var (
		i int64
		s string
	)
	all := func(first any) []any {
		out := []any{first}
		for range b.NumCols() - 1 {
			out = append(out, new(any))
		}
		return out
	}
	tests := []struct {
		name string
		row  int
		dest []any
		err  string
	}{
		{"too few", 0, []any{&i}, "1 destinations for 9 columns"},
		{"row out of range", 2, all(&i), "row 2 is out of range"},
		{"negative row", -1, all(&i), "row -1 is out of range"},
		{"NULL into int64", 1, all(&i), `column "i": NULL cannot be stored in *int64`},
		{"string into int64", 0, append([]any{new(any), new(any), new(any), &i}, all(nil)[4:]...), `column "s": a utf8 value cannot be read as int64`},
		{"int into string", 0, all(&s), `column "i": a int64 value cannot be read as string`},
		{"overflow int8", 0, all(new(int8)), "300 overflows int8"},
		{"overflow uint8", 0, all(new(uint8)), "300 overflows uint8"},
		{"not a pointer", 0, all(i), "not a non-nil pointer"},
		{"nil", 0, all(nil), "not a non-nil pointer"},
		{"unsupported", 0, all(new(map[string]int)), "unsupported destination"},
	}
	for _, tt := range tests {
		err := Scan(b, tt.row, tt.dest...)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
	}
}

type scanTarget struct {
	Count  int64 `ember:"i"`
	Small  int32 `ember:"I32"` // matched ignoring case
	F      *float64
	S      string
	Ignore string `ember:"-"`
	Embedded
	*More
}

type Embedded struct{ B bool }
type More struct{ Dec Decimal }

func TestScanStruct(t *testing.T) {
	mem := newMem(t)
	b := scanBatch(t, mem)
	defer b.Release()
	var dst scanTarget
	if err := ScanStruct(b, 0, &dst); err != nil {
		t.Fatal(err)
	}
	if dst.Count != 300 || dst.Small != 32 || dst.F == nil || *dst.F != 1.5 || dst.S != "x" || !dst.B ||
		dst.More == nil || dst.More.Dec.String() != "12.50" {
		t.Fatalf("scanned %+v", dst)
	}
	// NULL into a pointer field; NULL into a non-pointer field fails
	// naming the column and the field.
	type nullable struct {
		F *float64 `ember:"f"`
	}
	n := nullable{F: new(float64)}
	if err := ScanStruct(b, 1, &n); err != nil || n.F != nil {
		t.Fatalf("%v %v", n.F, err)
	}
	err := ScanStruct(b, 1, &dst)
	if err == nil || !strings.Contains(err.Error(), `column "i" into field "i": NULL`) {
		t.Fatalf("error %v", err)
	}
	type missing struct{ Nope int }
	err = ScanStruct(b, 0, &missing{})
	if err == nil || !strings.Contains(err.Error(), `no column for field "Nope"`) || !strings.Contains(err.Error(), "i, i32, f") {
		t.Fatalf("error %v", err)
	}
	if err := ScanStruct(b, 0, dst); err == nil {
		t.Fatal("a struct value must fail")
	}
	if err := ScanStruct(b, 0, (*scanTarget)(nil)); err == nil {
		t.Fatal("a nil pointer must fail")
	}
	if err := ScanStruct(b, 5, &dst); err == nil {
		t.Fatal("row 5 must fail")
	}
	type nested struct{ X Embedded }
	if err := ScanStruct(b, 0, &nested{}); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Fatalf("error %v", err)
	}
}

// TestRoundTrip builds batches from structs and scans them back.
func TestRoundTrip(t *testing.T) {
	mem := newMem(t)
	type rec struct {
		Name  string
		Age   int
		Score *float64
		When  time.Time
		Day   Date
		Price Decimal
		Tags  []byte
		Ok    bool
		Small int8
	}
	in := []rec{
		{"a", 1, ptr(0.5), t0, Date{2020, 1, 2}, dec("1.25"), []byte("x"), true, -3},
		{"b", 2, nil, t0.Add(time.Hour), Date{1900, 12, 31}, dec("-100.50"), nil, false, 4},
	}
	_, bs, err := FromStructs(mem, in)
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	var out []rec
	for _, b := range bs {
		for i := range int(b.NumRows()) {
			var r rec
			if err := ScanStruct(b, i, &r); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	in[0].Price.Precision = 5 // decimals come back with the column's precision
	for i := range in {
		if !in[i].When.Equal(out[i].When) {
			t.Fatalf("row %d: %v != %v", i, in[i].When, out[i].When)
		}
		out[i].When = in[i].When
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, out)
	}
}

type (
	myInt8  int8
	myInt16 int16
	myInt32 int32
	myUint  uint
	myU16   uint16
	myF32   float32
	myBool  bool
	myBytes []byte
	myTime  time.Time
	myDate  Date
	myDec   Decimal
)

// TestNamedTypes covers named types over every base type, both ways.
func TestNamedTypes(t *testing.T) {
	mem := newMem(t)
	row := []any{myInt8(1), myInt16(2), myInt32(3), myUint(4), myU16(5), myF32(1.5), myBool(true), myBytes("b"),
		myTime(t0), myDate(Date{2001, 2, 3}), myDec(dec("9.5")), ptr(ptr(myInt8(6)))}
	cols := []string{"i8", "i16", "i32", "u", "u16", "f", "b", "bytes", "t", "d", "dec", "pp"}
	schema, bs, err := FromRows(mem, [][]any{row}, cols)
	if err != nil {
		t.Fatal(err)
	}
	defer release(bs)
	want := []arrow.DataType{arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32,
		arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Boolean,
		arrow.BinaryTypes.Binary, timestampType, arrow.FixedWidthTypes.Date32, &arrow.Decimal128Type{Precision: 2, Scale: 1},
		arrow.PrimitiveTypes.Int8}
	for i, dt := range want {
		if !arrow.TypeEqual(schema.Field(i).Type, dt) {
			t.Fatalf("column %s: %s, want %s", cols[i], schema.Field(i).Type, dt)
		}
	}
	var out struct {
		I8    myInt8  `ember:"i8"`
		I16   myInt16 `ember:"i16"`
		I32   myInt32 `ember:"i32"`
		U     myUint  `ember:"u"`
		U16   myU16   `ember:"u16"`
		F     myF32   `ember:"f"`
		B     myBool  `ember:"b"`
		Bytes myBytes `ember:"bytes"`
		T     myTime  `ember:"t"`
		D     myDate  `ember:"d"`
		Dec   myDec   `ember:"dec"`
		PP    **myInt8
	}
	if err := ScanStruct(bs[0], 0, &out); err != nil {
		t.Fatal(err)
	}
	if out.I8 != 1 || out.I16 != 2 || out.I32 != 3 || out.U != 4 || out.U16 != 5 || out.F != 1.5 || !bool(out.B) ||
		string(out.Bytes) != "b" || !time.Time(out.T).Equal(t0) || Date(out.D) != (Date{2001, 2, 3}) ||
		Decimal(out.Dec).String() != "9.5" || out.PP == nil || **out.PP != 6 {
		t.Fatalf("scanned %+v", out)
	}
	// Bytes from a string column, a Decimal from an integer column, an
	// interface destination, a float32 overflow.
	var raw []byte
	if err := scanInto(bs[0].Column(0), 0, new(Decimal)); err != nil {
		t.Fatal(err)
	}
	d := new(Decimal)
	if err := scanInto(bs[0].Column(2), 0, d); err != nil || d.String() != "3" {
		t.Fatalf("%v %v", d, err)
	}
	strs := arrayOf(t, mem, arrow.BinaryTypes.String, `["hi"]`)
	defer strs.Release()
	if err := scanInto(strs, 0, &raw); err != nil || string(raw) != "hi" {
		t.Fatalf("%q %v", raw, err)
	}
	var st fmtStringer
	if err := scanInto(strs, 0, &st); err == nil {
		t.Fatal("a string into an interface it does not implement must fail")
	}
	big := arrayOf(t, mem, arrow.PrimitiveTypes.Float64, `[1e300]`)
	defer big.Release()
	if err := scanInto(big, 0, new(myF32)); err == nil || !strings.Contains(err.Error(), "overflows float32") {
		t.Fatalf("error %v", err)
	}
	if err := scanInto(big, 0, new(Date)); err == nil {
		t.Fatal("a double into a Date must fail")
	}
	if err := scanInto(big, 0, new(myBytes)); err == nil {
		t.Fatal("a double into []byte must fail")
	}
}

type fmtStringer interface{ String() string }
