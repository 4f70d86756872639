package catalog

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The engine computes with a small set of Arrow types (see planner/types.go).
// Files hand us many more: Parquet writers use unsigned integers, float32,
// nanosecond or zoned timestamps, large or view strings, dictionaries. Every
// source maps its types here once, so that nothing above the catalog has to
// know about them.

// engineTimestamp is the engine's timestamp type: microseconds, no time zone.
var engineTimestamp = &arrow.TimestampType{Unit: arrow.Microsecond}

// NormalizeType returns the type the engine computes with for a value of
// type dt: unsigned integers widen to the next signed type (uint64 to
// DECIMAL(20,0)), float16/32 to float64, decimal32/64/256 to decimal128,
// large/view/dictionary strings to utf8, date64 to date32, timestamps to
// microseconds without a time zone, binary variants to binary, null to
// utf8. Types the engine has no use for (nested, time of day, intervals,
// durations) are an error.
func NormalizeType(dt arrow.DataType) (arrow.DataType, error) {
	switch dt.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.FLOAT64, arrow.STRING, arrow.DATE32, arrow.BINARY:
		return dt, nil
	case arrow.UINT8:
		return arrow.PrimitiveTypes.Int16, nil
	case arrow.UINT16:
		return arrow.PrimitiveTypes.Int32, nil
	case arrow.UINT32:
		return arrow.PrimitiveTypes.Int64, nil
	case arrow.UINT64:
		return &arrow.Decimal128Type{Precision: 20, Scale: 0}, nil
	case arrow.FLOAT16, arrow.FLOAT32:
		return arrow.PrimitiveTypes.Float64, nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128:
		d := dt.(arrow.DecimalType)
		return &arrow.Decimal128Type{Precision: d.GetPrecision(), Scale: d.GetScale()}, nil
	case arrow.DECIMAL256:
		// A wider decimal keeps working as long as its values fit 38
		// digits; NormalizeArray checks each value.
		d := dt.(*arrow.Decimal256Type)
		if d.Scale > 38 || d.Scale < 0 {
			return nil, fmt.Errorf("type %s has a scale beyond 38 digits", dt)
		}
		return &arrow.Decimal128Type{Precision: min(d.Precision, 38), Scale: d.Scale}, nil
	case arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.NULL:
		return arrow.BinaryTypes.String, nil
	case arrow.LARGE_BINARY, arrow.BINARY_VIEW, arrow.FIXED_SIZE_BINARY:
		return arrow.BinaryTypes.Binary, nil
	case arrow.DATE64:
		return arrow.FixedWidthTypes.Date32, nil
	case arrow.TIMESTAMP:
		return engineTimestamp, nil
	case arrow.DICTIONARY:
		return NormalizeType(dt.(*arrow.DictionaryType).ValueType)
	}
	return nil, fmt.Errorf("type %s is not supported", dt)
}

// NormalizeSchema maps every field of s to its engine type (NormalizeType)
// and drops field and schema metadata (Parquet's PARQUET:field_id would
// otherwise make equal schemas compare unequal). Nullability is kept.
func NormalizeSchema(s *arrow.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		dt, err := NormalizeType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		fields[i] = arrow.Field{Name: f.Name, Type: dt, Nullable: f.Nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}

// fileSchema normalizes a schema read from a file: like NormalizeSchema,
// with every column nullable, as Spark makes file columns, so that files of
// one table that differ only in declared nullability share a schema.
func fileSchema(s *arrow.Schema) (*arrow.Schema, error) {
	n, err := NormalizeSchema(s)
	if err != nil {
		return nil, err
	}
	fields := n.Fields()
	for i := range fields {
		fields[i].Nullable = true
	}
	return arrow.NewSchema(fields, nil), nil
}

// sameColumns reports whether two normalized schemas have the same column
// names and types, and describes the first difference.
func sameColumns(a, b *arrow.Schema) (bool, string) {
	if a.NumFields() != b.NumFields() {
		return false, fmt.Sprintf("%d columns instead of %d", b.NumFields(), a.NumFields())
	}
	for i := range a.NumFields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name {
			return false, fmt.Sprintf("column %d is %s instead of %s", i+1, fb.Name, fa.Name)
		}
		if !arrow.TypeEqual(fa.Type, fb.Type) {
			return false, fmt.Sprintf("column %s has type %s instead of %s", fa.Name, fb.Type, fa.Type)
		}
	}
	return true, ""
}

// NormalizeBatch returns rec with each column converted to the type of the
// matching field of schema (which must be rec's schema normalized), as a new
// batch the caller releases. Columns already of the right type are shared.
func NormalizeBatch(mem memory.Allocator, rec arrow.RecordBatch, schema *arrow.Schema) (arrow.RecordBatch, error) {
	if int(rec.NumCols()) != schema.NumFields() {
		return nil, fmt.Errorf("batch has %d columns, schema %d", rec.NumCols(), schema.NumFields())
	}
	cols := make([]arrow.Array, rec.NumCols())
	defer releaseAll(cols)
	for i, c := range rec.Columns() {
		a, err := NormalizeArray(mem, c, schema.Field(i).Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(schema, cols, rec.NumRows()), nil
}

// NormalizeArray converts arr to target, which must be NormalizeType of
// arr's type, returning a new reference the caller releases. An array that
// already has the target type is returned retained, without copying.
// Values that cannot be represented (a timestamp beyond the microsecond
// range, a decimal256 beyond 38 digits, strings beyond 2 GiB) are errors.
func NormalizeArray(mem memory.Allocator, arr arrow.Array, target arrow.DataType) (arrow.Array, error) {
	if arrow.TypeEqual(arr.DataType(), target) {
		arr.Retain()
		return arr, nil
	}
	switch a := arr.(type) {
	case *array.Uint8:
		return convertFixed(mem, arr, a.Uint8Values(), target, func(v uint8) (int16, bool) { return int16(v), true })
	case *array.Uint16:
		return convertFixed(mem, arr, a.Uint16Values(), target, func(v uint16) (int32, bool) { return int32(v), true })
	case *array.Uint32:
		return convertFixed(mem, arr, a.Uint32Values(), target, func(v uint32) (int64, bool) { return int64(v), true })
	case *array.Uint64:
		return convertFixed(mem, arr, a.Uint64Values(), target, func(v uint64) (decimal128.Num, bool) { return decimal128.FromU64(v), true })
	case *array.Float16:
		return convertFixed(mem, arr, a.Values(), target, func(v float16Num) (float64, bool) { return float64(v.Float32()), true })
	case *array.Float32:
		return convertFixed(mem, arr, a.Float32Values(), target, func(v float32) (float64, bool) { return float64(v), true })
	case *array.Decimal32:
		return convertFixed(mem, arr, a.Values(), target, func(v decimal32Num) (decimal128.Num, bool) { return decimal128.FromI64(int64(v)), true })
	case *array.Decimal64:
		return convertFixed(mem, arr, a.Values(), target, func(v decimal64Num) (decimal128.Num, bool) { return decimal128.FromI64(int64(v)), true })
	case *array.Decimal256:
		return convertFixed(mem, arr, a.Values(), target, decimal256To128)
	case *array.Date64:
		return convertFixed(mem, arr, a.Date64Values(), target, func(v arrow.Date64) (arrow.Date32, bool) {
			return arrow.Date32(floorDiv(int64(v), 86_400_000)), true
		})
	case *array.Timestamp:
		return normalizeTimestamp(mem, a, target)
	case *array.LargeString:
		return largeToSmallOffsets(mem, arr, a.ValueOffsets(), target)
	case *array.LargeBinary:
		return largeToSmallOffsets(mem, arr, a.ValueOffsets(), target)
	case *array.StringView:
		return copyBinaryLike(mem, arr, target, func(i int) []byte { return strBytes(a.Value(i)) })
	case *array.BinaryView:
		return copyBinaryLike(mem, arr, target, a.Value)
	case *array.FixedSizeBinary:
		return copyBinaryLike(mem, arr, target, a.Value)
	case *array.Null:
		return array.MakeArrayOfNull(mem, target, arr.Len()), nil
	case *array.Dictionary:
		return decodeDictionary(mem, a, target)
	}
	return nil, fmt.Errorf("cannot convert %s to %s", arr.DataType(), target)
}

// validityOf returns arr's validity bitmap starting at bit 0: shared when
// arr starts at offset 0, else copied. Nil when arr has no nulls.
func validityOf(mem memory.Allocator, arr arrow.Array) *memory.Buffer {
	if arr.NullN() == 0 {
		return nil
	}
	d := arr.Data()
	bm := d.Buffers()[0]
	if bm == nil {
		return nil
	}
	if d.Offset() == 0 {
		bm.Retain()
		return bm
	}
	out := memory.NewResizableBuffer(mem)
	out.Resize(int(bitutil.BytesForBits(int64(arr.Len()))))
	bitutil.CopyBitmap(bm.Bytes(), d.Offset(), arr.Len(), out.Bytes(), 0)
	return out
}

// newFixedArray wraps a values buffer of a fixed-width type into an array,
// taking over the caller's references to validity and values.
func newFixedArray(dt arrow.DataType, n, nulls int, validity, values *memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, []*memory.Buffer{validity, values}, nil, nulls, 0)
	if validity != nil {
		validity.Release()
	}
	values.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// convertFixed maps each valid value of src (arr's values) through conv
// into a new fixed-width array of type dt; conv's false means the value
// cannot be represented.
func convertFixed[S, D any](mem memory.Allocator, arr arrow.Array, src []S, dt arrow.DataType, conv func(S) (D, bool)) (arrow.Array, error) {
	n := len(src)
	var zero D
	width := int(sizeOf(zero))
	values := memory.NewResizableBuffer(mem)
	values.Resize(n * width)
	dst := castBytes[D](values.Bytes(), n)
	hasNulls := arr.NullN() > 0
	for i, v := range src {
		if hasNulls && arr.IsNull(i) {
			dst[i] = zero
			continue
		}
		d, ok := conv(v)
		if !ok {
			values.Release()
			return nil, fmt.Errorf("value %v does not fit %s", v, dt)
		}
		dst[i] = d
	}
	return newFixedArray(dt, n, arr.NullN(), validityOf(mem, arr), values), nil
}

// decimal256To128 narrows a decimal256 that fits 38 digits.
func decimal256To128(v decimal256.Num) (decimal128.Num, bool) {
	if !v.FitsInPrecision(38) {
		return decimal128.Num{}, false
	}
	w := v.Array()
	return decimal128.New(int64(w[1]), w[0]), true
}

// normalizeTimestamp converts any unit to microseconds; a time zone only
// labels the values (Arrow stores zoned timestamps as UTC instants), so
// dropping it needs no arithmetic.
func normalizeTimestamp(mem memory.Allocator, a *array.Timestamp, target arrow.DataType) (arrow.Array, error) {
	unit := a.DataType().(*arrow.TimestampType).Unit
	var conv func(arrow.Timestamp) (arrow.Timestamp, bool)
	switch unit {
	case arrow.Second:
		conv = func(v arrow.Timestamp) (arrow.Timestamp, bool) { return mulTimestamp(v, 1_000_000) }
	case arrow.Millisecond:
		conv = func(v arrow.Timestamp) (arrow.Timestamp, bool) { return mulTimestamp(v, 1_000) }
	case arrow.Microsecond:
		// Only the zone differs: share the buffers.
		data := a.Data()
		out := array.NewData(target, data.Len(), data.Buffers(), nil, data.NullN(), data.Offset())
		defer out.Release()
		return array.MakeFromData(out), nil
	case arrow.Nanosecond:
		conv = func(v arrow.Timestamp) (arrow.Timestamp, bool) {
			return arrow.Timestamp(floorDiv(int64(v), 1_000)), true
		}
	}
	return convertFixed(mem, a, a.TimestampValues(), target, conv)
}

func mulTimestamp(v arrow.Timestamp, m int64) (arrow.Timestamp, bool) {
	if int64(v) > math.MaxInt64/m || int64(v) < math.MinInt64/m {
		return 0, false
	}
	return arrow.Timestamp(int64(v) * m), true
}

// floorDiv divides rounding toward negative infinity, so that instants
// before the epoch land in the right day or microsecond.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// largeToSmallOffsets turns a large string or binary array into its 32-bit
// offset form, sharing the value bytes.
func largeToSmallOffsets(mem memory.Allocator, arr arrow.Array, offsets []int64, target arrow.DataType) (arrow.Array, error) {
	n := arr.Len()
	if n > 0 && offsets[n] > math.MaxInt32 {
		return nil, fmt.Errorf("%s array of %d bytes is too large for %s", arr.DataType(), offsets[n], target)
	}
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((n + 1) * 4)
	dst := castBytes[int32](offBuf.Bytes(), n+1)
	for i, o := range offsets[:n+1] {
		dst[i] = int32(o)
	}
	validity := validityOf(mem, arr)
	values := arr.Data().Buffers()[2]
	data := array.NewData(target, n, []*memory.Buffer{validity, offBuf, values}, nil, arr.NullN(), 0)
	offBuf.Release()
	if validity != nil {
		validity.Release()
	}
	defer data.Release()
	return array.MakeFromData(data), nil
}

// copyBinaryLike copies the values of a view or fixed-size binary array
// into a utf8 or binary array.
func copyBinaryLike(mem memory.Allocator, arr arrow.Array, target arrow.DataType, value func(int) []byte) (arrow.Array, error) {
	n := arr.Len()
	total := 0
	for i := range n {
		if arr.IsValid(i) {
			total += len(value(i))
		}
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("%s array of %d bytes is too large for %s", arr.DataType(), total, target)
	}
	b := array.NewBinaryBuilder(mem, target.(arrow.BinaryDataType))
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(total)
	for i := range n {
		if arr.IsNull(i) {
			b.AppendNull()
			continue
		}
		b.Append(value(i))
	}
	return newBinaryLike(b), nil
}

// newBinaryLike finishes a BinaryBuilder made for utf8 or binary as the
// matching array type (BinaryBuilder.NewArray always makes *array.Binary).
func newBinaryLike(b *array.BinaryBuilder) arrow.Array {
	a := b.NewArray()
	if a.DataType().ID() != arrow.STRING {
		return a
	}
	defer a.Release()
	return array.MakeFromData(a.Data())
}

// decodeDictionary expands a dictionary array into a plain array of target,
// the dictionary's own values being normalized first.
func decodeDictionary(mem memory.Allocator, a *array.Dictionary, target arrow.DataType) (arrow.Array, error) {
	dict, err := NormalizeArray(mem, a.Dictionary(), target)
	if err != nil {
		return nil, err
	}
	defer dict.Release()
	n := a.Len()
	valid := func(i int) bool { return a.IsValid(i) && dict.IsValid(a.GetValueIndex(i)) }
	switch d := dict.(type) {
	case *array.String:
		return gatherBinary(mem, n, target, valid, func(i int) []byte { return strBytes(d.Value(a.GetValueIndex(i))) })
	case *array.Binary:
		return gatherBinary(mem, n, target, valid, func(i int) []byte { return d.Value(a.GetValueIndex(i)) })
	case *array.Boolean:
		b := array.NewBooleanBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		for i := range n {
			if !valid(i) {
				b.AppendNull()
				continue
			}
			b.UnsafeAppend(d.Value(a.GetValueIndex(i)))
		}
		return b.NewArray(), nil
	}
	fw, ok := target.(arrow.FixedWidthDataType)
	if !ok || fw.BitWidth()%8 != 0 {
		return nil, fmt.Errorf("cannot decode a dictionary of %s", target)
	}
	width := fw.BitWidth() / 8
	src := dict.Data().Buffers()[1].Bytes()[dict.Data().Offset()*width:]
	values := memory.NewResizableBuffer(mem)
	values.Resize(n * width)
	dst := values.Bytes()
	validity := memory.NewResizableBuffer(mem)
	validity.Resize(int(bitutil.BytesForBits(int64(n))))
	bits := validity.Bytes()
	clear(bits)
	nulls := 0
	for i := range n {
		if !valid(i) {
			clear(dst[i*width : (i+1)*width])
			nulls++
			continue
		}
		bitutil.SetBit(bits, i)
		j := a.GetValueIndex(i)
		copy(dst[i*width:(i+1)*width], src[j*width:(j+1)*width])
	}
	if nulls == 0 {
		validity.Release()
		validity = nil
	}
	return newFixedArray(target, n, nulls, validity, values), nil
}

func gatherBinary(mem memory.Allocator, n int, target arrow.DataType, valid func(int) bool, value func(int) []byte) (arrow.Array, error) {
	total := 0
	for i := range n {
		if valid(i) {
			total += len(value(i))
		}
	}
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("dictionary array of %d bytes is too large for %s", total, target)
	}
	b := array.NewBinaryBuilder(mem, target.(arrow.BinaryDataType))
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(total)
	for i := range n {
		if !valid(i) {
			b.AppendNull()
			continue
		}
		b.Append(value(i))
	}
	return newBinaryLike(b), nil
}

// releaseAll releases every non-nil array of arrs.
func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// sizeOf is the size in bytes of a value of type T.
func sizeOf[T any](v T) uintptr { return unsafe.Sizeof(v) }

// castBytes views b as n values of T; b must hold n*sizeof(T) bytes, which
// Arrow's 64-byte aligned buffers make safe for every fixed-width type.
func castBytes[T any](b []byte, n int) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

type (
	float16Num   = float16.Num
	decimal32Num = decimal.Decimal32
	decimal64Num = decimal.Decimal64
)

// strBytes views s as bytes without copying; the bytes must not be changed.
func strBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// bytesStr views b as a string without copying, for parsing; b must not
// change while the string is in use.
func bytesStr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
