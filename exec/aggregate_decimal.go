package exec

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// aggAddDecimals adds the non-NULL rows of vals (an array x's values)
// into states by group, counting one per row or, with counts, counts[i]
// (merging partial averages). It reports whether a sum overflowed 128
// bits; sums are exact otherwise, and checked against the result precision
// when output.
func aggAddDecimals(states []sumCount[decimal128.Num], vals []decimal128.Num, counts []int64, groups []uint32, x arrow.Array) bool {
	var overflow int64
	vals = vals[:len(groups)]
	bm, off := aggNulls(x)
	for i, g := range groups {
		if bm != nil && !aggValid(bm, off, i) {
			continue
		}
		st := &states[g]
		s, v := st.sum, vals[i]
		lo, carry := bits.Add64(s.LowBits(), v.LowBits(), 0)
		hi := s.HighBits() + v.HighBits() + int64(carry)
		// Signed overflow: both addends share a sign the sum lacks.
		overflow |= (s.HighBits() ^ hi) & (v.HighBits() ^ hi)
		st.sum = decimal128.New(hi, lo)
		if counts != nil {
			st.n += counts[i]
		} else {
			st.n++
		}
	}
	return overflow < 0
}

// aggPow10 holds 10^0 .. 10^18.
var aggPow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// aggDivHalfUp returns sum * 10^shift / count rounded half away from
// zero (HALF_UP), exactly; ok is false when the result does not fit in 128
// bits. count > 0 and 0 <= shift <= 38.
func aggDivHalfUp(sum decimal128.Num, shift int32, count int64) (decimal128.Num, bool) {
	// Fast path: everything fits in int64.
	if v, ok := aggInt64Of(sum); ok && shift <= 18 {
		m := aggPow10[shift]
		if hi, lo := bits.Mul64(aggAbsU64(v), uint64(m)); hi == 0 && lo <= 1<<62 {
			n := int64(lo)
			q, r := n/count, n%count
			if r >= count-r {
				q++
			}
			if v < 0 {
				q = -q
			}
			return decimal128.FromI64(q), true
		}
	}
	n := sum.BigInt()
	n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	neg := n.Sign() < 0
	n.Abs(n)
	c := big.NewInt(count)
	q, r := new(big.Int).QuoRem(n, c, new(big.Int))
	if r.Lsh(r, 1).Cmp(c) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	if q.BitLen() > 127 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(q), true
}

// aggInt64Of returns v as an int64 when it fits.
func aggInt64Of(v decimal128.Num) (int64, bool) {
	lo := int64(v.LowBits())
	return lo, v.HighBits() == lo>>63
}

func aggAbsU64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}
