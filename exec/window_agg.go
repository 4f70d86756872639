package exec

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

// Aggregates over frames. Every frame kind this operator supports has
// both ends non-decreasing as the current row advances through a
// partition, so a frame is a sliding window: rows enter at its end and
// leave at its start, each once. Sums and counts of exact types (integers
// in 128 bits, decimals) add and subtract; min and max keep a monotonic
// deque; double sums, which subtraction would make inexact, add only (when
// the frame starts at the partition's start) or else query a segment tree.
// Each is O(rows) or O(rows log rows), never O(rows × frame).

// slide visits every row of lay: it makes the window hold exactly the
// row's frame, calling add for each row entering it and remove for each
// row leaving it (reset empties it), then emit(i, lo, hi) with the frame
// [lo, hi] (empty when lo > hi, and then the window is left as it was).
func slide(lay *windowLayout, f *frameSpec, add, remove func(j int), reset func(), emit func(i, lo, hi int)) {
	for p := 0; p+1 < len(lay.parts); p++ {
		ps, pe := lay.parts[p], lay.parts[p+1]
		reset()
		curLo, curHi := ps, ps-1
		for i := ps; i < pe; i++ {
			lo, hi := f.bounds(lay, i, ps, pe)
			if lo > hi {
				emit(i, lo, hi)
				continue
			}
			if lo > curHi {
				reset()
				curLo, curHi = lo, lo-1
			}
			for curHi < hi {
				curHi++
				add(curHi)
			}
			for curLo < lo {
				remove(curLo)
				curLo++
			}
			emit(i, lo, hi)
		}
	}
}

// aggregateResult computes count(*), count, sum, avg, min and max.
func (w *windowOp) aggregateResult(c *windowCall, lay *windowLayout) (arrow.Array, error) {
	fn := planner.AggFunc(c.call.Func)
	if fn == planner.AggCountStar {
		vals := make([]int64, lay.n)
		slide(lay, &c.frame, func(int) {}, func(int) {}, func() {}, func(i, lo, hi int) {
			vals[i] = int64(max(hi-lo+1, 0))
		})
		return intArray(w.tc.Mem, planner.TypeBigInt, vals, nil)
	}
	x, err := w.sortedArg(c, 0, lay)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	if x.DataType().ID() == arrow.NULL {
		// Every value is NULL (a NULL-typed array has no validity bitmap,
		// so IsValid would say otherwise): counts are 0, the rest NULL.
		if fn == planner.AggCount {
			return intArray(w.tc.Mem, planner.TypeBigInt, make([]int64, lay.n), nil)
		}
		return array.MakeArrayOfNull(w.tc.Mem, c.call.DataType, lay.n), nil
	}
	switch fn {
	case planner.AggCount:
		return countResult(w, c, lay, x)
	case planner.AggMin, planner.AggMax:
		return w.extremeResult(c, lay, x, fn == planner.AggMax)
	}
	switch x.DataType().ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return w.intSumResult(c, lay, x, fn == planner.AggAvg)
	case arrow.FLOAT32, arrow.FLOAT64:
		return w.floatSumResult(c, lay, x, fn == planner.AggAvg)
	case arrow.DECIMAL128:
		return w.decimalSumResult(c, lay, x, fn == planner.AggAvg)
	}
	return nil, fmt.Errorf("window: cannot compute %s of %s", fn, planner.TypeName(x.DataType()))
}

func countResult(w *windowOp, c *windowCall, lay *windowLayout, x arrow.Array) (arrow.Array, error) {
	vals := make([]int64, lay.n)
	cnt := int64(0)
	slide(lay, &c.frame,
		func(j int) {
			if x.IsValid(j) {
				cnt++
			}
		},
		func(j int) {
			if x.IsValid(j) {
				cnt--
			}
		},
		func() { cnt = 0 },
		func(i, lo, hi int) {
			if lo <= hi {
				vals[i] = cnt
			}
		})
	return intArray(w.tc.Mem, planner.TypeBigInt, vals, nil)
}

// int128 is a two's complement 128-bit integer: sums of BIGINTs never
// overflow it, so a frame's sum is exact whatever order rows enter and
// leave in, and only the final value is checked against BIGINT.
type int128 struct {
	hi int64
	lo uint64
}

func (a *int128) add(v int64) {
	lo, carry := bits.Add64(a.lo, uint64(v), 0)
	a.hi += v>>63 + int64(carry)
	a.lo = lo
}

func (a *int128) sub(v int64) {
	lo, borrow := bits.Sub64(a.lo, uint64(v), 0)
	a.hi -= v>>63 + int64(borrow)
	a.lo = lo
}

func (a int128) int64() (int64, bool) {
	v := int64(a.lo)
	return v, a.hi == v>>63
}

func (a int128) float64() float64 {
	if v, ok := a.int64(); ok {
		return float64(v)
	}
	return float64(a.hi)*(1<<64) + float64(a.lo)
}

// int64Values widens an integer array's values to int64.
func int64Values(x arrow.Array) []int64 {
	switch x := x.(type) {
	case *array.Int64:
		return x.Int64Values()
	case *array.Int32:
		return widen(x.Int32Values())
	case *array.Int16:
		return widen(x.Int16Values())
	case *array.Int8:
		return widen(x.Int8Values())
	}
	return nil
}

func widen[T int8 | int16 | int32](vs []T) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = int64(v)
	}
	return out
}

// intSumResult computes sum (BIGINT, overflow is an error) or avg (DOUBLE)
// of integers.
func (w *windowOp) intSumResult(c *windowCall, lay *windowLayout, x arrow.Array, avg bool) (arrow.Array, error) {
	vs := int64Values(x)
	nulls := x.NullN() > 0
	var sum int128
	cnt := int64(0)
	sums := make([]int64, lay.n)
	avgs := make([]float64, lay.n)
	valid := make([]bool, lay.n)
	var overflow error
	slide(lay, &c.frame,
		func(j int) {
			if !nulls || x.IsValid(j) {
				sum.add(vs[j])
				cnt++
			}
		},
		func(j int) {
			if !nulls || x.IsValid(j) {
				sum.sub(vs[j])
				cnt--
			}
		},
		func() { sum, cnt = int128{}, 0 },
		func(i, lo, hi int) {
			if lo > hi || cnt == 0 {
				return
			}
			valid[i] = true
			if avg {
				avgs[i] = sum.float64() / float64(cnt)
				return
			}
			v, ok := sum.int64()
			if !ok && overflow == nil {
				overflow = fmt.Errorf("integer overflow in %s", c.call)
			}
			sums[i] = v
		})
	if overflow != nil {
		return nil, overflow
	}
	if avg {
		return floatArray(w, avgs, valid), nil
	}
	return intArray(w.tc.Mem, planner.TypeBigInt, sums, valid)
}

func floatArray(w *windowOp, vals []float64, valid []bool) arrow.Array {
	b := array.NewFloat64Builder(w.tc.Mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

// floatSumResult computes sum or avg of doubles (DOUBLE either way).
func (w *windowOp) floatSumResult(c *windowCall, lay *windowLayout, x arrow.Array, avg bool) (arrow.Array, error) {
	var vs []float64
	switch x := x.(type) {
	case *array.Float64:
		vs = x.Float64Values()
	case *array.Float32:
		vs = make([]float64, x.Len())
		for i, v := range x.Float32Values() {
			vs[i] = float64(v)
		}
	}
	nulls := x.NullN() > 0
	out := make([]float64, lay.n)
	valid := make([]bool, lay.n)
	var sum float64
	cnt := int64(0)
	var tree []float64 // segment tree over vs, NULLs as 0
	if !c.frame.startsUnbounded() {
		tree = make([]float64, 2*lay.n)
		for i, v := range vs {
			if !nulls || x.IsValid(i) {
				tree[lay.n+i] = v
			}
		}
		for i := lay.n - 1; i > 0; i-- {
			tree[i] = tree[2*i] + tree[2*i+1]
		}
	}
	slide(lay, &c.frame,
		func(j int) {
			if !nulls || x.IsValid(j) {
				if tree == nil {
					sum += vs[j]
				}
				cnt++
			}
		},
		func(j int) {
			if !nulls || x.IsValid(j) {
				cnt--
			}
		},
		func() { sum, cnt = 0, 0 },
		func(i, lo, hi int) {
			if lo > hi || cnt == 0 {
				return
			}
			s := sum
			if tree != nil {
				s = treeSum(tree, lay.n, lo, hi)
			}
			if avg {
				s /= float64(cnt)
			}
			out[i], valid[i] = s, true
		})
	return floatArray(w, out, valid), nil
}

// treeSum sums leaves [lo, hi] of a bottom-up segment tree over n leaves.
func treeSum(t []float64, n, lo, hi int) float64 {
	s := 0.0
	l, r := lo+n, hi+n+1
	for l < r {
		if l&1 == 1 {
			s += t[l]
			l++
		}
		if r&1 == 1 {
			r--
			s += t[r]
		}
		l >>= 1
		r >>= 1
	}
	return s
}

var errDecimalOverflow = errors.New("decimal overflow")

// decimalSumResult computes sum or avg of decimals exactly: the frame's sum
// is kept in 128 bits (an intermediate overflow is an error), the sum must
// fit the result's precision, and avg divides it by the count rounding
// HALF_UP at the result's scale.
func (w *windowOp) decimalSumResult(c *windowCall, lay *windowLayout, x arrow.Array, avg bool) (arrow.Array, error) {
	vs := x.(*array.Decimal128).Values()
	inScale := x.DataType().(*arrow.Decimal128Type).Scale
	outType := c.call.DataType.(*arrow.Decimal128Type)
	nulls := x.NullN() > 0
	out := make([]decimal128.Num, lay.n)
	valid := make([]bool, lay.n)
	var sum decimal128.Num
	cnt := int64(0)
	var failed error
	addChecked := func(v decimal128.Num, neg bool) {
		if neg {
			v = v.Negate()
		}
		r := sum.Add(v)
		// Same signs in, another sign out: the 128 bits overflowed.
		if (sum.Sign() >= 0) == (v.Sign() >= 0) && (r.Sign() >= 0) != (sum.Sign() >= 0) && failed == nil {
			failed = errDecimalOverflow
		}
		sum = r
	}
	slide(lay, &c.frame,
		func(j int) {
			if !nulls || x.IsValid(j) {
				addChecked(vs[j], false)
				cnt++
			}
		},
		func(j int) {
			if !nulls || x.IsValid(j) {
				addChecked(vs[j], true)
				cnt--
			}
		},
		func() { sum, cnt = decimal128.Num{}, 0 },
		func(i, lo, hi int) {
			if lo > hi || cnt == 0 || failed != nil {
				return
			}
			v := sum
			if avg {
				var err error
				if v, err = divRoundHalfUp(sum, outType.Scale-inScale, cnt); err != nil {
					failed = err
					return
				}
			}
			if !v.FitsInPrecision(outType.Precision) {
				failed = errDecimalOverflow
				return
			}
			out[i], valid[i] = v, true
		})
	if failed != nil {
		return nil, fmt.Errorf("%w in %s", failed, c.call)
	}
	b := array.NewDecimal128Builder(w.tc.Mem, outType)
	defer b.Release()
	b.AppendValues(out, valid)
	return b.NewArray(), nil
}

// pow10 holds 10^0 .. 10^38 as decimals.
var pow10 = func() [39]decimal128.Num {
	var p [39]decimal128.Num
	p[0] = decimal128.FromI64(1)
	ten := decimal128.FromI64(10)
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1].Mul(ten)
	}
	return p
}()

// divRoundHalfUp returns sum × 10^up / count rounded half away from zero.
func divRoundHalfUp(sum decimal128.Num, up int32, count int64) (decimal128.Num, error) {
	if up < 0 || up > 38 {
		return decimal128.Num{}, fmt.Errorf("cannot rescale a decimal by %d digits", up)
	}
	abs := sum.Abs()
	if up == 0 || abs.Less(pow10[38-up]) {
		scaled := sum.Mul(pow10[up])
		q, r := scaled.Div(decimal128.FromI64(count))
		// |r| < count; round away from zero when 2|r| >= count.
		if r2 := r.Abs(); r2.Add(r2).GreaterEqual(decimal128.FromI64(count)) {
			if sum.Sign() < 0 {
				q = q.Sub(decimal128.FromI64(1))
			} else {
				q = q.Add(decimal128.FromI64(1))
			}
		}
		return q, nil
	}
	// Too wide to scale in 128 bits: do it with big integers.
	n := new(big.Int).Mul(sum.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(up)), nil))
	d := big.NewInt(count)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Abs(r).Lsh(r, 1).Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if q.BitLen() > 126 {
		return decimal128.Num{}, errDecimalOverflow
	}
	return decimal128.FromBigInt(q), nil
}

// extremeResult computes min or max over frames with a monotonic deque of
// positions: each position enters and leaves it at most once.
func (w *windowOp) extremeResult(c *windowCall, lay *windowLayout, x arrow.Array, isMax bool) (arrow.Array, error) {
	var refs []rowRef
	switch x := x.(type) {
	case *array.Float64:
		keys := make([]uint64, x.Len())
		for i, v := range x.Float64Values() {
			keys[i] = floatKey64(v)
		}
		refs = slidingExtreme(lay, &c.frame, x, keys, isMax)
	case *array.Float32:
		keys := make([]uint64, x.Len())
		for i, v := range x.Float32Values() {
			keys[i] = floatKey32(v)
		}
		refs = slidingExtreme(lay, &c.frame, x, keys, isMax)
	case *array.String:
		vals := make([]string, x.Len())
		for i := range vals {
			vals[i] = x.Value(i)
		}
		refs = slidingExtreme(lay, &c.frame, x, vals, isMax)
	case *array.LargeString:
		vals := make([]string, x.Len())
		for i := range vals {
			vals[i] = x.Value(i)
		}
		refs = slidingExtreme(lay, &c.frame, x, vals, isMax)
	case *array.Decimal128:
		// Order decimals by their bits with the sign flipped: a fixed-width
		// string that compares like the numbers (as sort keys do).
		vals := make([]string, x.Len())
		var buf [16]byte
		for i, v := range x.Values() {
			putDecimalKey(buf[:], v)
			vals[i] = string(buf[:])
		}
		refs = slidingExtreme(lay, &c.frame, x, vals, isMax)
	case *array.Boolean:
		vals := make([]int64, x.Len())
		for i := range vals {
			if x.Value(i) {
				vals[i] = 1
			}
		}
		refs = slidingExtreme(lay, &c.frame, x, vals, isMax)
	default:
		spec, err := newKeySpec(x.DataType(), false, false)
		if err != nil || spec.kind != kindInt {
			return nil, fmt.Errorf("window: cannot compute min/max of %s", planner.TypeName(x.DataType()))
		}
		var vals []int64
		switch spec.width {
		case 1:
			vals = widen(arrow.GetValues[int8](x.Data(), 1))
		case 2:
			vals = widen(arrow.GetValues[int16](x.Data(), 1))
		case 4:
			vals = widen(arrow.GetValues[int32](x.Data(), 1))
		default:
			vals = arrow.GetValues[int64](x.Data(), 1)
		}
		refs = slidingExtreme(lay, &c.frame, x, vals, isMax)
	}
	return gatherArray(w.tc.Mem, x.DataType(), []arrow.Array{x}, refs)
}

func putDecimalKey(dst []byte, v decimal128.Num) {
	hi, lo := uint64(v.HighBits())^(1<<63), v.LowBits()
	for k := 0; k < 8; k++ {
		dst[k] = byte(hi >> (56 - 8*k))
		dst[8+k] = byte(lo >> (56 - 8*k))
	}
}

// slidingExtreme returns, per row, a reference to the position holding the
// frame's min (or max) of vals, skipping NULLs; nullRef for frames without
// a value.
func slidingExtreme[T int64 | uint64 | string](lay *windowLayout, f *frameSpec, x arrow.Array, vals []T, isMax bool) []rowRef {
	refs := make([]rowRef, lay.n)
	nulls := x.NullN() > 0
	dq := make([]int, 0, 64) // positions, values strictly improving from back to front
	head := 0
	worse := func(a, b T) bool { // a can never beat b once b is in the frame
		if isMax {
			return a <= b
		}
		return a >= b
	}
	slide(lay, f,
		func(j int) {
			if nulls && x.IsNull(j) {
				return
			}
			v := vals[j]
			for len(dq) > head && worse(vals[dq[len(dq)-1]], v) {
				dq = dq[:len(dq)-1]
			}
			dq = append(dq, j)
		},
		func(j int) {
			if len(dq) > head && dq[head] == j {
				head++
			}
		},
		func() { dq, head = dq[:0], 0 },
		func(i, lo, hi int) {
			if lo > hi || len(dq) == head {
				refs[i] = nullRef
				return
			}
			refs[i] = makeRef(0, dq[head])
		})
	return refs
}
