package catalog

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestNormalizeType(t *testing.T) {
	cases := []struct {
		in   arrow.DataType
		want string // "" for an error
	}{
		{arrow.PrimitiveTypes.Int8, "int8"},
		{arrow.PrimitiveTypes.Uint8, "int16"},
		{arrow.PrimitiveTypes.Uint16, "int32"},
		{arrow.PrimitiveTypes.Uint32, "int64"},
		{arrow.PrimitiveTypes.Uint64, "decimal(20, 0)"},
		{arrow.FixedWidthTypes.Float16, "float64"},
		{arrow.PrimitiveTypes.Float32, "float64"},
		{&arrow.Decimal32Type{Precision: 9, Scale: 2}, "decimal(9, 2)"},
		{&arrow.Decimal256Type{Precision: 50, Scale: 4}, "decimal(38, 4)"},
		{&arrow.Decimal256Type{Precision: 50, Scale: 40}, ""},
		{arrow.BinaryTypes.LargeString, "utf8"},
		{arrow.BinaryTypes.StringView, "utf8"},
		{&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.LargeString}, "utf8"},
		{arrow.BinaryTypes.LargeBinary, "binary"},
		{&arrow.FixedSizeBinaryType{ByteWidth: 4}, "binary"},
		{arrow.FixedWidthTypes.Date64, "date32"},
		{&arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"}, "timestamp[us]"},
		{arrow.Null, "utf8"},
		{arrow.FixedWidthTypes.Time32s, ""},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), ""},
		{arrow.FixedWidthTypes.Duration_s, ""},
	}
	for _, c := range cases {
		got, err := NormalizeType(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s: want an error, got %s", c.in, got)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("%s: got %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	_, err := NormalizeSchema(arrow.NewSchema([]arrow.Field{{Name: "when", Type: arrow.FixedWidthTypes.Time64us}}, nil))
	if err == nil || !strings.Contains(err.Error(), "column when") {
		t.Fatalf("err = %v", err)
	}
	md := arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"3"})
	s, err := NormalizeSchema(arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64, Metadata: md}}, &md))
	if err != nil || s.Field(0).HasMetadata() || s.HasMetadata() || s.Field(0).Nullable {
		t.Fatalf("schema %v, %v", s, err)
	}
}

// normalizeCase builds an array, optionally sliced, normalizes it and
// checks the rendered values.
func normalizeCase(t *testing.T, mem memory.Allocator, in arrow.Array, offset int, want string) {
	t.Helper()
	defer in.Release()
	arr := in
	if offset > 0 {
		arr = array.NewSlice(in, int64(offset), int64(in.Len()))
		defer arr.Release()
	}
	target, err := NormalizeType(arr.DataType())
	if err != nil {
		t.Fatal(err)
	}
	out, err := NormalizeArray(mem, arr, target)
	if err != nil {
		t.Fatalf("%s: %v", arr.DataType(), err)
	}
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), target) || out.Len() != arr.Len() || out.NullN() != arr.NullN() {
		t.Fatalf("%s: got %s len %d nulls %d", arr.DataType(), out.DataType(), out.Len(), out.NullN())
	}
	var vals []string
	for i := range out.Len() {
		vals = append(vals, out.ValueStr(i))
	}
	if got := strings.Join(vals, ","); got != want {
		t.Fatalf("%s (offset %d): got %s, want %s", arr.DataType(), offset, got, want)
	}
	// The result is the target's own array type.
	switch target.ID() {
	case arrow.STRING:
		_ = out.(*array.String)
	case arrow.BINARY:
		_ = out.(*array.Binary)
	}
}

func TestNormalizeArray(t *testing.T) {
	mem := newMem(t)
	valid := []bool{true, false, true, true}
	u32 := array.NewUint32Builder(mem)
	u32.AppendValues([]uint32{math.MaxUint32, 9, 0, 5}, valid)
	normalizeCase(t, mem, u32.NewArray(), 0, "4294967295,(null),0,5")
	u32.AppendValues([]uint32{math.MaxUint32, 9, 0, 5}, valid)
	normalizeCase(t, mem, u32.NewArray(), 1, "(null),0,5")
	u32.Release()

	u64 := array.NewUint64Builder(mem)
	u64.AppendValues([]uint64{math.MaxUint64, 1}, nil)
	normalizeCase(t, mem, u64.NewArray(), 0, "18446744073709551615,1")
	u64.Release()

	f16 := array.NewFloat16Builder(mem)
	f16.AppendValues([]float16.Num{float16.New(1.5), float16.New(-2)}, nil)
	normalizeCase(t, mem, f16.NewArray(), 0, "1.5,-2")
	f16.Release()

	d32 := array.NewDecimal32Builder(mem, &arrow.Decimal32Type{Precision: 9, Scale: 2})
	d32.AppendValues([]decimal.Decimal32{-12345, 7}, nil)
	normalizeCase(t, mem, d32.NewArray(), 0, "-123.45,0.07")
	d32.Release()

	d256 := array.NewDecimal256Builder(mem, &arrow.Decimal256Type{Precision: 40, Scale: 1})
	d256.AppendValues([]decimal256.Num{decimal256.FromI64(-15), decimal256.FromI64(0)}, []bool{true, false})
	normalizeCase(t, mem, d256.NewArray(), 0, "-1.5,(null)")
	huge, _ := decimal256.FromString("1e39", 40, 0)
	d256.Append(huge)
	a := d256.NewArray()
	if _, err := NormalizeArray(mem, a, &arrow.Decimal128Type{Precision: 38}); err == nil {
		t.Fatal("want an error for a decimal256 beyond 38 digits")
	}
	a.Release()
	d256.Release()

	d64 := array.NewDate64Builder(mem)
	d64.AppendValues([]arrow.Date64{86_400_000 * 3, -1}, nil)
	normalizeCase(t, mem, d64.NewArray(), 0, "1970-01-04,1969-12-31")
	d64.Release()

	ts := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"})
	ts.AppendValues([]arrow.Timestamp{60, 0}, []bool{true, false})
	normalizeCase(t, mem, ts.NewArray(), 0, "1970-01-01T00:01:00,(null)")
	ts.Append(math.MaxInt64 / 10)
	a = ts.NewArray()
	if _, err := NormalizeArray(mem, a, engineTimestamp); err == nil {
		t.Fatal("want an error for a timestamp beyond the microsecond range")
	}
	a.Release()
	ts.Release()
	tsz := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "Asia/Tokyo"})
	tsz.AppendValues([]arrow.Timestamp{1, 2, 3}, nil)
	normalizeCase(t, mem, tsz.NewArray(), 1, "1970-01-01T00:00:00.000002,1970-01-01T00:00:00.000003")
	tsz.Release()

	ls := array.NewLargeStringBuilder(mem)
	ls.AppendValues([]string{"ab", "", "cde"}, []bool{true, false, true})
	normalizeCase(t, mem, ls.NewArray(), 0, "ab,(null),cde")
	ls.AppendValues([]string{"ab", "", "cde"}, nil)
	normalizeCase(t, mem, ls.NewArray(), 1, ",cde")
	ls.Release()

	sv := array.NewStringViewBuilder(mem)
	sv.AppendValues([]string{"short", "a string longer than twelve bytes"}, nil)
	sv.AppendNull()
	normalizeCase(t, mem, sv.NewArray(), 0, "short,a string longer than twelve bytes,(null)")
	sv.Release()

	fsb := array.NewFixedSizeBinaryBuilder(mem, &arrow.FixedSizeBinaryType{ByteWidth: 2})
	fsb.AppendValues([][]byte{{'h', 'i'}, {0, 1}}, nil)
	normalizeCase(t, mem, fsb.NewArray(), 0, "aGk=,AAE=")
	fsb.Release()

	normalizeCase(t, mem, array.NewNull(2), 0, "(null),(null)")

	// Dictionaries of strings and of fixed-width values; a NULL index and
	// an index of a NULL value are both NULL.
	sd := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint8, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	_ = sd.AppendString("x")
	_ = sd.AppendString("yy")
	sd.AppendNull()
	_ = sd.AppendString("x")
	normalizeCase(t, mem, sd.NewArray(), 0, "x,yy,(null),x")
	sd.Release()
	id := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.PrimitiveTypes.Uint16}).(*array.Uint16DictionaryBuilder)
	_ = id.Append(7)
	_ = id.Append(65535)
	id.AppendNull()
	_ = id.Append(7)
	normalizeCase(t, mem, id.NewArray(), 1, "65535,(null),7")
	id.Release()
	bdict := array.NewBooleanBuilder(mem)
	bdict.AppendValues([]bool{true, false}, nil)
	bdictArr := bdict.NewArray()
	bdict.Release()
	idx := array.NewInt8Builder(mem)
	idx.AppendValues([]int8{1, 0, 1}, []bool{true, true, false})
	idxArr := idx.NewArray()
	idx.Release()
	normalizeCase(t, mem, array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.FixedWidthTypes.Boolean}, idxArr, bdictArr), 0, "false,true,(null)")
	idxArr.Release()
	bdictArr.Release()

	// An array already of its engine type is shared, not copied.
	i64 := array.NewInt64Builder(mem)
	i64.AppendValues([]int64{1, 2}, nil)
	in := i64.NewArray()
	i64.Release()
	out, err := NormalizeArray(mem, in, arrow.PrimitiveTypes.Int64)
	if err != nil || out.Data().Buffers()[1] != in.Data().Buffers()[1] {
		t.Fatalf("not shared: %v", err)
	}
	out.Release()
	in.Release()
}

func TestNormalizeBatch(t *testing.T) {
	mem := newMem(t)
	in := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Uint8}, {Name: "b", Type: arrow.BinaryTypes.LargeString}}, nil)
	b := array.NewRecordBuilder(mem, in)
	b.Field(0).(*array.Uint8Builder).Append(200)
	b.Field(1).(*array.LargeStringBuilder).Append("z")
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	target, err := NormalizeSchema(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := NormalizeBatch(mem, rec, target)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if !out.Schema().Equal(target) || out.Column(0).(*array.Int16).Value(0) != 200 || out.Column(1).(*array.String).Value(0) != "z" {
		t.Fatalf("got %v", out)
	}
	if _, err := NormalizeBatch(mem, rec, arrow.NewSchema(target.Fields()[:1], nil)); err == nil {
		t.Fatal("want an error for a schema of other width")
	}
}
