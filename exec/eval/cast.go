package eval

import (
	"fmt"
	"math"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// CAST between BOOLEAN, the integers, DOUBLE, DECIMAL, strings, DATE,
// TIMESTAMP and the NULL type, with Spark's ANSI rules: a value that does
// not fit its target (an overflow, a malformed string) is an error naming
// the value. Numeric casts go through one canonical form per family
// (int64, float64 or unscaled decimal) so that each target has one loop.
// String casts are in cast_string.go.

// castFn converts an array; the result has the same length and NULLs.
type castFn func(mem memory.Allocator, a arrow.Array) (arrow.Array, error)

// castTo returns x converted to type to: x itself when it already has that
// type.
func (c *compiler) castTo(x compiled, to arrow.DataType) (compiled, error) {
	if arrow.TypeEqual(x.dt, to) {
		return x, nil
	}
	fn, fallible, err := castFunc(x.dt, to)
	if err != nil {
		return compiled{}, err
	}
	return c.make(&castNode{x: x.nd, fn: fn, canFail: fallible}, to, true, x), nil
}

// castNode applies a cast function to its input.
type castNode struct {
	x       node
	fn      castFn
	canFail bool
}

func (n *castNode) fallible() bool { return n.canFail || n.x.fallible() }

func (n *castNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	return n.fn(mem, a)
}

// castError is the error for a value that cannot be cast.
func castError(value string, to arrow.DataType, why string) error {
	if why != "" {
		return fmt.Errorf("cannot cast %s to %s: %s", value, planner.TypeName(to), why)
	}
	return fmt.Errorf("cannot cast %s to %s", value, planner.TypeName(to))
}

// castFunc returns the function casting from to to and whether it can fail
// on some values.
func castFunc(from, to arrow.DataType) (castFn, bool, error) {
	unsupported := func() (castFn, bool, error) {
		return nil, false, fmt.Errorf("cannot cast %s to %s", planner.TypeName(from), planner.TypeName(to))
	}
	fid, tid := from.ID(), to.ID()
	switch {
	case fid == arrow.NULL || tid == arrow.NULL:
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return array.MakeArrayOfNull(mem, to, a.Len()), nil
		}, false, nil
	case planner.IsString(from) && planner.IsString(to):
		return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
			return convertOffsets(mem, a, to)
		}, false, nil
	case planner.IsString(from):
		return castFromString(from, to)
	case planner.IsString(to):
		return castToString(from, to)
	case fid == arrow.DATE32 && tid == arrow.TIMESTAMP:
		perDay := unitsPerDay(to.(*arrow.TimestampType).Unit)
		return mapFixed(to, func(d int32) (int64, bool) { return mulInt64(int64(d), perDay) },
			func(d int32) string { return planner.FormatDate(arrow.Date32(d)) }), true, nil
	case fid == arrow.TIMESTAMP && tid == arrow.DATE32:
		perDay := unitsPerDay(from.(*arrow.TimestampType).Unit)
		return mapFixed(to, func(t int64) (int32, bool) {
			d := floorDiv(t, perDay)
			return int32(d), d == int64(int32(d))
		}, nil), false, nil
	case fid == arrow.TIMESTAMP && tid == arrow.TIMESTAMP:
		fu, tu := from.(*arrow.TimestampType).Unit, to.(*arrow.TimestampType).Unit
		f, t := nanosPerUnit(fu), nanosPerUnit(tu)
		if f >= t {
			m := f / t
			return mapFixed(to, func(v int64) (int64, bool) { return mulInt64(v, m) }, nil), true, nil
		}
		d := t / f
		return mapFixed(to, func(v int64) (int64, bool) { return floorDiv(v, d), true }, nil), false, nil
	case fid == arrow.BOOL || planner.IsNumeric(from):
		if tid != arrow.BOOL && !planner.IsNumeric(to) {
			return unsupported()
		}
		return castNumeric(from, to)
	}
	return unsupported()
}

// mapFixed makes a cast applying f to every value of a fixed-width array;
// f's false is an error for a valid row, described by show (nil: the
// value in Go syntax).
func mapFixed[F, T any](to arrow.DataType, f func(F) (T, bool), show func(F) string) castFn {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		in := values[F](a)
		valid := copyValidity(mem, a)
		buf, out := newValues[T](mem, a.Len())
		vb := bytesOf(valid)
		for i, v := range in {
			r, ok := f(v)
			if !ok {
				if isValid(vb, 0, i) {
					buf.Release()
					releaseBufs(valid)
					s := fmt.Sprint(v)
					if show != nil {
						s = show(v)
					}
					return nil, castError(s, to, "out of range")
				}
			}
			out[i] = r
		}
		return makeArray(to, a.Len(), []*memory.Buffer{valid, buf}), nil
	}
}

// numeric is an array of numbers read in a canonical form: ints (every
// integer type and BOOLEAN) or floats or unscaled decimals at scale.
type numeric struct {
	ints   []int64
	floats []float64
	decs   []decimal128.Num
	scale  int32
	from   arrow.DataType
}

// readNumeric reads a numeric or boolean array; narrow types are copied
// into a scratch slice, int64, double and decimal are read in place.
func readNumeric(a arrow.Array) numeric {
	nv := numeric{from: a.DataType()}
	switch a.DataType().ID() {
	case arrow.BOOL:
		bits, off := bitsOf(a)
		nv.ints = make([]int64, a.Len())
		for i := range nv.ints {
			if bitutil.BitIsSet(bits, off+i) {
				nv.ints[i] = 1
			}
		}
	case arrow.INT8:
		nv.ints = widen(values[int8](a))
	case arrow.INT16:
		nv.ints = widen(values[int16](a))
	case arrow.INT32:
		nv.ints = widen(values[int32](a))
	case arrow.INT64:
		nv.ints = values[int64](a)
		if nv.ints == nil {
			nv.ints = []int64{}
		}
	case arrow.FLOAT32:
		f32 := values[float32](a)
		nv.floats = make([]float64, len(f32))
		for i, v := range f32 {
			nv.floats[i] = float64(v)
		}
	case arrow.FLOAT64:
		nv.floats = values[float64](a)
		if nv.floats == nil {
			nv.floats = []float64{}
		}
	case arrow.DECIMAL128:
		nv.decs = values[decimal128.Num](a)
		if nv.decs == nil {
			nv.decs = []decimal128.Num{}
		}
		nv.scale = a.DataType().(*arrow.Decimal128Type).Scale
	}
	return nv
}

func widen[T intT](in []T) []int64 {
	out := make([]int64, len(in))
	for i, v := range in {
		out[i] = int64(v)
	}
	return out
}

// show renders value i for an error message.
func (nv numeric) show(i int) string {
	switch {
	case nv.ints != nil:
		return fmt.Sprint(nv.ints[i])
	case nv.floats != nil:
		return string(formatDouble(nil, nv.floats[i]))
	}
	return decimalText(nv.decs[i], nv.scale)
}

// castNumeric casts between BOOLEAN and the numeric types.
func castNumeric(from, to arrow.DataType) (castFn, bool, error) {
	fallible := true
	switch tid := to.ID(); {
	case tid == arrow.BOOL || tid == arrow.FLOAT64 || tid == arrow.FLOAT32:
		fallible = false
	case planner.IsInteger(to):
		fallible = from.ID() != arrow.BOOL && !(planner.IsInteger(from) && intWidth(from) <= intWidth(to))
	case tid == arrow.DECIMAL128:
		d := to.(*arrow.Decimal128Type)
		if f, ok := decimalOf(from); ok && from.ID() != arrow.DECIMAL128 {
			fallible = f.Precision > d.Precision-d.Scale
		} else if from.ID() == arrow.BOOL {
			fallible = d.Precision-d.Scale < 1
		}
	}
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		nv := readNumeric(a)
		valid := copyValidity(mem, a)
		out, bad := numericTo(mem, nv, to, bytesOf(valid))
		if bad >= 0 {
			releaseBufs(valid)
			return nil, castError(nv.show(bad), to, "out of range")
		}
		return makeArray(to, a.Len(), []*memory.Buffer{valid, out}), nil
	}, fallible, nil
}

func intWidth(t arrow.DataType) int { return t.(arrow.FixedWidthDataType).BitWidth() }

// numericTo converts nv to a values buffer of type to. It returns the
// first valid row that does not fit (and a nil buffer), or -1.
func numericTo(mem memory.Allocator, nv numeric, to arrow.DataType, valid []byte) (*memory.Buffer, int) {
	n := max(len(nv.ints), len(nv.floats), len(nv.decs))
	switch to.ID() {
	case arrow.BOOL:
		buf := newBitmap(mem, n)
		ob := buf.Bytes()
		for i := 0; i < n; i++ {
			var nz bool
			switch {
			case nv.ints != nil:
				nz = nv.ints[i] != 0
			case nv.floats != nil:
				nz = nv.floats[i] != 0
			default:
				nz = nv.decs[i] != decimal128.Num{}
			}
			if nz {
				ob[i>>3] |= 1 << (i & 7)
			}
		}
		return buf, -1
	case arrow.INT8:
		return toInts[int8](mem, nv, n, valid)
	case arrow.INT16:
		return toInts[int16](mem, nv, n, valid)
	case arrow.INT32:
		return toInts[int32](mem, nv, n, valid)
	case arrow.INT64:
		return toInts[int64](mem, nv, n, valid)
	case arrow.FLOAT64:
		buf, out := newValues[float64](mem, n)
		for i := range out {
			out[i] = nv.float(i)
		}
		return buf, -1
	case arrow.FLOAT32:
		buf, out := newValues[float32](mem, n)
		for i := range out {
			out[i] = float32(nv.float(i))
		}
		return buf, -1
	case arrow.DECIMAL128:
		d := to.(*arrow.Decimal128Type)
		buf, out := newValues[decimal128.Num](mem, n)
		var x, t, z big.Int
		var scratch []byte
		for i := range out {
			var v decimal128.Num
			ok := true
			switch {
			case nv.ints != nil:
				v, ok = rescaleNum(numOf(nv.ints[i]), 0, d.Scale, d.Precision, &x, &t, &z)
			case nv.floats != nil:
				v, scratch, ok = floatToDecimal(nv.floats[i], d.Precision, d.Scale, scratch)
			default:
				v, ok = rescaleNum(nv.decs[i], nv.scale, d.Scale, d.Precision, &x, &t, &z)
			}
			if !ok {
				if isValid(valid, 0, i) {
					buf.Release()
					return nil, i
				}
				v = decimal128.Num{}
			}
			out[i] = v
		}
		return buf, -1
	}
	return newBuffer(mem, 0), -1
}

// float returns value i as a double.
func (nv numeric) float(i int) float64 {
	switch {
	case nv.ints != nil:
		return float64(nv.ints[i])
	case nv.floats != nil:
		return nv.floats[i]
	}
	v := nv.decs[i]
	if iv, ok := fitsInt64(v); ok && nv.scale <= 22 && iv < 1<<53 && iv > -1<<53 {
		// Both exact as doubles, so the quotient is correctly rounded.
		return float64(iv) / math.Pow10(int(nv.scale))
	}
	return v.ToFloat64(nv.scale)
}

// toInts converts to an integer type: doubles and decimals truncate toward
// zero; values out of T's range fail.
func toInts[T intT](mem memory.Allocator, nv numeric, n int, valid []byte) (*memory.Buffer, int) {
	buf, out := newValues[T](mem, n)
	lo, hi := intRange[T]()
	var x, t big.Int
	for i := range out {
		var v int64
		ok := true
		switch {
		case nv.ints != nil:
			v = nv.ints[i]
			ok = v >= lo && v <= hi
		case nv.floats != nil:
			f := math.Trunc(nv.floats[i])
			// float64(hi) rounds up to 2^63 for int64, hence < for the top.
			ok = f >= float64(lo) && (f < float64(hi) || (hi < 1<<53 && f == float64(hi)))
			v = int64(f)
		default:
			d := nv.decs[i]
			if iv, fits := fitsInt64(d); fits && nv.scale <= 18 {
				v = iv / pow10i64[nv.scale]
			} else {
				setBig(&x, &t, d)
				x.Quo(&x, pow10big[nv.scale])
				ok = x.IsInt64()
				v = x.Int64()
			}
			ok = ok && v >= lo && v <= hi
		}
		if !ok {
			if isValid(valid, 0, i) {
				buf.Release()
				return nil, i
			}
			v = 0
		}
		out[i] = T(v)
	}
	return buf, -1
}

func intRange[T intT]() (int64, int64) {
	var z T
	switch any(z).(type) {
	case int8:
		return math.MinInt8, math.MaxInt8
	case int16:
		return math.MinInt16, math.MaxInt16
	case int32:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// floatToDecimal converts a double to DECIMAL(p,s) HALF_UP. Like Spark it
// starts from the double's shortest decimal form, so 1.005 rounds to 1.01.
func floatToDecimal(f float64, p, s int32, scratch []byte) (decimal128.Num, []byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return decimal128.Num{}, scratch, false
	}
	scratch = appendFloatE(scratch[:0], f)
	v, ok := parseDecimal(scratch, p, s)
	return v, scratch, ok
}
