package eval

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

// Decimal helpers. Values are unscaled integers (decimal128.Num). Hot loops
// work in int64 when the values fit, which covers money columns of up to 18
// digits; anything larger goes through math/big, one row at a time, with
// scratch integers reused across rows.

// pow10i64[k] is 10^k for k <= 18.
var pow10i64 = func() [19]int64 {
	var t [19]int64
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// pow10big[k] is 10^k for k <= 80 (products of two 38-digit values).
var pow10big = func() []*big.Int {
	t := make([]*big.Int, 81)
	ten := big.NewInt(10)
	t[0] = big.NewInt(1)
	for i := 1; i < len(t); i++ {
		t[i] = new(big.Int).Mul(t[i-1], ten)
	}
	return t
}()

// fitsInt64 reports whether v is an int64 (its high word is the sign
// extension of the low one) and returns it.
func fitsInt64(v decimal128.Num) (int64, bool) {
	lo := int64(v.LowBits())
	return lo, v.HighBits() == lo>>63
}

// numOf converts an int64 to a decimal128.Num.
func numOf(v int64) decimal128.Num { return decimal128.New(v>>63, uint64(v)) }

// divRoundHalfUp divides v by m > 0, rounding half away from zero.
func divRoundHalfUp(v, m int64) int64 {
	q, r := v/m, v%m
	if r < 0 {
		r = -r
	}
	if 2*r >= m {
		if v < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// pow10or0 is 10^k as an int64, or 0 when k is out of 0..18.
func pow10or0(k int32) int64 {
	if k < 0 || k > 18 {
		return 0
	}
	return pow10i64[k]
}

// inPrecision reports whether |v| < 10^p, for an int64 v.
func inPrecision(v int64, p int32) bool {
	if p >= 19 {
		return true
	}
	b := pow10i64[p]
	return v < b && v > -b
}

// setBig sets z to v, using t as scratch.
func setBig(z, t *big.Int, v decimal128.Num) *big.Int {
	neg := v.Sign() < 0
	if neg {
		v = v.Negate()
	}
	z.SetUint64(uint64(v.HighBits()))
	z.Lsh(z, 64)
	t.SetUint64(v.LowBits())
	z.Or(z, t)
	if neg {
		z.Neg(z)
	}
	return z
}

// numFromBig converts z to a decimal128.Num if |z| < 10^prec.
func numFromBig(z *big.Int, prec int32) (decimal128.Num, bool) {
	if z.CmpAbs(pow10big[prec]) >= 0 {
		return decimal128.Num{}, false
	}
	var lo, hi uint64
	words := z.Bits()
	if len(words) > 0 {
		lo = uint64(words[0])
	}
	if len(words) > 1 {
		hi = uint64(words[1])
	}
	n := decimal128.New(int64(hi), lo)
	if z.Sign() < 0 {
		n = n.Negate()
	}
	return n, true
}

// roundBig sets z to num / den rounded half away from zero; den > 0. r is
// scratch.
func roundBig(z, r, num, den *big.Int) *big.Int {
	neg := num.Sign() < 0 // z may alias num
	z.QuoRem(num, den, r)
	r.Abs(r)
	r.Lsh(r, 1)
	if r.Cmp(den) >= 0 {
		if neg {
			z.Sub(z, pow10big[0])
		} else {
			z.Add(z, pow10big[0])
		}
	}
	return z
}

// rescaleBig sets z to x (at scale from) at scale to, rounding half up.
func rescaleBig(z, r, x *big.Int, from, to int32) *big.Int {
	switch {
	case to > from:
		return z.Mul(x, pow10big[to-from])
	case to < from:
		return roundBig(z, r, x, pow10big[from-to])
	}
	return z.Set(x)
}

// mulU64Checked multiplies non-negative v by m, reporting overflow of
// int64.
func mulU64Checked(v, m uint64) (uint64, bool) {
	hi, lo := bits.Mul64(v, m)
	return lo, hi == 0 && lo <= 1<<63-1
}

// rescaleNum converts v from scale from to scale to (HALF_UP) and checks
// that it fits precision prec.
func rescaleNum(v decimal128.Num, from, to, prec int32, x, t, z *big.Int) (decimal128.Num, bool) {
	if iv, ok := fitsInt64(v); ok {
		switch {
		case to == from:
			if inPrecision(iv, prec) {
				return v, true
			}
		case to < from && from-to <= 18:
			r := divRoundHalfUp(iv, pow10i64[from-to])
			if inPrecision(r, prec) {
				return numOf(r), true
			}
		case to > from && to-from <= 18:
			if r, ok := mulInt64(iv, pow10i64[to-from]); ok && inPrecision(r, prec) {
				return numOf(r), true
			}
		}
	}
	setBig(x, t, v)
	if to-from > 80 || from-to > 80 {
		return decimal128.Num{}, false
	}
	rescaleBig(z, t, x, from, to)
	return numFromBig(z, prec)
}

// decimalOf returns t as a decimal type: itself, or the decimal that holds
// every value of an integer type (as planner's coercion rules use).
func decimalOf(t arrow.DataType) (*arrow.Decimal128Type, bool) {
	switch t.ID() {
	case arrow.DECIMAL128:
		return t.(*arrow.Decimal128Type), true
	case arrow.INT8:
		return &arrow.Decimal128Type{Precision: 3}, true
	case arrow.INT16:
		return &arrow.Decimal128Type{Precision: 5}, true
	case arrow.INT32:
		return &arrow.Decimal128Type{Precision: 10}, true
	case arrow.INT64:
		return &arrow.Decimal128Type{Precision: 20}, true
	}
	return nil, false
}

// decimalText renders an unscaled value for messages.
func decimalText(v decimal128.Num, scale int32) string { return planner.FormatDecimal(v, scale) }
