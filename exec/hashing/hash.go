package hashing

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/cespare/xxhash/v2"
)

// The constants of the row hash. Changing any of them changes how rows are
// partitioned by the shuffle, so every process of a cluster must agree.
const (
	// seed starts every row's hash, so a row of zero columns hashes to it.
	seed uint64 = 0x2545f4914f6cdd1d
	// step multiplies the running hash before a column's value is added, so
	// column order matters: (a, b) and (b, a) hash differently.
	step uint64 = 0x9e3779b97f4a7c15
	// nullValue stands for NULL in any column.
	nullValue uint64 = 0x5bd1e9955bd1e995
	// canonicalNaN is the bit pattern every NaN hashes as.
	canonicalNaN uint64 = 0x7ff8000000000001
)

// mix is MurmurHash3's 64-bit finalizer: a bijection that spreads every
// input bit over the whole word.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// combine folds one column's raw value into a row's running hash.
func combine(h, v uint64) uint64 { return mix(h*step + v) }

// HashInt64 is the hash HashArrays gives a row of one integer-valued key
// column (any of int8..int64, date32, timestamp) holding v.
func HashInt64(v int64) uint64 { return combine(seed, uint64(v)) }

// HashNull is the hash HashArrays gives a row of one key column holding NULL.
func HashNull() uint64 { return combine(seed, nullValue) }

// HashArrays hashes row i of the key columns cols into out[i]; len(out) is
// the number of rows and every column has at least that many rows.
//
// The hash is deterministic across processes and runs. NULL hashes to a
// fixed value in any column. Equal values of one type hash equally whatever
// the batch, slice or offset they sit in; integers of any width (and dates,
// timestamps) hash as their int64 value, utf8 and large_utf8 as their bytes,
// and doubles are normalized so that -0.0 hashes as 0.0 and every NaN alike.
// Types without a typed loop fall back to hashing their text form, which is
// slow but total.
func HashArrays(cols []arrow.Array, out []uint64) {
	for i := range out {
		out[i] = seed
	}
	for _, c := range cols {
		hashColumn(c, out)
	}
}

// hashColumn folds column c into the running hashes out.
func hashColumn(c arrow.Array, out []uint64) {
	n := len(out)
	switch c.DataType().ID() {
	case arrow.NULL:
		for i := range out {
			out[i] = combine(out[i], nullValue)
		}
	case arrow.BOOL:
		hashBools(c.(*array.Boolean), out)
	case arrow.INT8:
		hashInts(arrow.GetValues[int8](c.Data(), 1), c, out)
	case arrow.INT16:
		hashInts(arrow.GetValues[int16](c.Data(), 1), c, out)
	case arrow.INT32, arrow.DATE32:
		hashInts(arrow.GetValues[int32](c.Data(), 1), c, out)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64:
		hashInts(arrow.GetValues[int64](c.Data(), 1), c, out)
	case arrow.UINT8:
		hashInts(arrow.GetValues[uint8](c.Data(), 1), c, out)
	case arrow.UINT16:
		hashInts(arrow.GetValues[uint16](c.Data(), 1), c, out)
	case arrow.UINT32:
		hashInts(arrow.GetValues[uint32](c.Data(), 1), c, out)
	case arrow.UINT64:
		hashInts(arrow.GetValues[uint64](c.Data(), 1), c, out)
	case arrow.FLOAT64:
		hashFloats(arrow.GetValues[float64](c.Data(), 1), c, out)
	case arrow.FLOAT32:
		hashFloats(arrow.GetValues[float32](c.Data(), 1), c, out)
	case arrow.DECIMAL128:
		hashDecimals(c.(*array.Decimal128), out)
	case arrow.STRING:
		hashStrings(arrow.GetOffsets[int32](c.Data(), 1), c, out)
	case arrow.LARGE_STRING:
		hashStrings(arrow.GetOffsets[int64](c.Data(), 1), c, out)
	default:
		for i := 0; i < n; i++ {
			v := nullValue
			if c.IsValid(i) {
				v = xxhash.Sum64String(c.ValueStr(i))
			}
			out[i] = combine(out[i], v)
		}
	}
}

// valid reports whether row i of c is not NULL, given c's validity bitmap.
func valid(bitmap []byte, offset, i int) bool {
	return bitmap == nil || bitutil.BitIsSet(bitmap, offset+i)
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

func hashInts[T integer](vals []T, c arrow.Array, out []uint64) {
	vals = vals[:len(out)]
	if c.NullN() == 0 {
		for i, v := range vals {
			out[i] = combine(out[i], uint64(int64(v)))
		}
		return
	}
	bm, off := c.NullBitmapBytes(), c.Data().Offset()
	for i, v := range vals {
		x := uint64(int64(v))
		if !valid(bm, off, i) {
			x = nullValue
		}
		out[i] = combine(out[i], x)
	}
}

// floatBits normalizes -0.0 to 0.0 and every NaN to one pattern, so values
// that SQL considers equal hash equally.
func floatBits(f float64) uint64 {
	switch {
	case f == 0:
		return 0
	case f != f:
		return canonicalNaN
	}
	return math.Float64bits(f)
}

func hashFloats[T float32 | float64](vals []T, c arrow.Array, out []uint64) {
	vals = vals[:len(out)]
	bm, off := c.NullBitmapBytes(), c.Data().Offset()
	if c.NullN() == 0 {
		bm = nil
	}
	for i, v := range vals {
		x := nullValue
		if valid(bm, off, i) {
			x = floatBits(float64(v))
		}
		out[i] = combine(out[i], x)
	}
}

func hashBools(c *array.Boolean, out []uint64) {
	bm, off := c.NullBitmapBytes(), c.Data().Offset()
	if c.NullN() == 0 {
		bm = nil
	}
	for i := range out {
		x := nullValue
		if valid(bm, off, i) {
			x = 0
			if c.Value(i) {
				x = 1
			}
		}
		out[i] = combine(out[i], x)
	}
}

func hashDecimals(c *array.Decimal128, out []uint64) {
	vals := c.Values()[:len(out)]
	bm, off := c.NullBitmapBytes(), c.Data().Offset()
	if c.NullN() == 0 {
		bm = nil
	}
	for i, v := range vals {
		x := nullValue
		if valid(bm, off, i) {
			// A decimal that fits in 64 bits hashes like that integer.
			x = v.LowBits() + uint64(v.HighBits()+int64(v.LowBits()>>63))*step
		}
		out[i] = combine(out[i], x)
	}
}

// hashBytes hashes a string's bytes. Short strings, the common key (flags,
// codes, names), are read with a few overlapping word loads instead of
// xxhash's setup; the length is mixed in so that "a" and "a\x00" differ.
func hashBytes(b []byte) uint64 {
	n := len(b)
	switch {
	case n == 0:
		return 0x8f14e45fceea167a
	case n < 4:
		x := uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16
		return mix(x ^ uint64(n)<<56)
	case n <= 8:
		x := uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
		return mix(x ^ uint64(n)<<56 ^ 0x9e3779b97f4a7c15)
	case n <= 16:
		x, y := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
		return mix(x*step + mix(y^uint64(n)))
	}
	return xxhash.Sum64(b)
}

func hashStrings[O int32 | int64](offs []O, c arrow.Array, out []uint64) {
	var data []byte
	if b := c.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	bm, off := c.NullBitmapBytes(), c.Data().Offset()
	if c.NullN() == 0 {
		bm = nil
	}
	for i := range out {
		x := nullValue
		if valid(bm, off, i) {
			x = hashBytes(data[offs[i]:offs[i+1]])
		}
		out[i] = combine(out[i], x)
	}
}
