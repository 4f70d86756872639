package textfmt

import (
	"math/big"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
)

// AppendDecimalInt64 appends the decimal whose unscaled value is v in plain
// notation with exactly scale digits after the point: 1230 with scale 2 is
// 12.30. It serves DECIMAL32 and DECIMAL64, and the DECIMAL128 values that
// fit an int64.
func AppendDecimalInt64(dst []byte, v int64, scale int32) []byte {
	mag := uint64(v)
	if v < 0 {
		mag = -mag // two's complement: right for math.MinInt64 too
	}
	var buf [24]byte
	return appendScaled(dst, v < 0, strconv.AppendUint(buf[:0], mag, 10), scale)
}

// AppendDecimal128 appends a DECIMAL128 value as AppendDecimalInt64 does.
// Values that fit an int64 (every TPC-H money column) take the path without
// big.Int and its allocations.
func AppendDecimal128(dst []byte, n decimal128.Num, scale int32) []byte {
	hi, lo := n.HighBits(), n.LowBits()
	if (hi == 0 && lo>>63 == 0) || (hi == -1 && lo>>63 == 1) {
		return AppendDecimalInt64(dst, int64(lo), scale)
	}
	return appendBigDecimal(dst, n.BigInt(), scale)
}

// AppendDecimal256 appends a DECIMAL256 value as AppendDecimalInt64 does.
func AppendDecimal256(dst []byte, n decimal256.Num, scale int32) []byte {
	return appendBigDecimal(dst, n.BigInt(), scale)
}

// appendBigDecimal appends v, which it may change, with scale.
func appendBigDecimal(dst []byte, v *big.Int, scale int32) []byte {
	neg := v.Sign() < 0
	var buf [80]byte // 77 digits hold any DECIMAL256
	return appendScaled(dst, neg, v.Abs(v).Append(buf[:0], 10), scale)
}

// appendScaled appends the decimal digits (a magnitude without sign) with
// a point placed scale digits from the right, padding with zeros so there
// is always a digit before the point (0.05). A negative scale multiplies by
// a power of ten, so it appends zeros (but 0 stays 0).
func appendScaled(dst []byte, neg bool, digits []byte, scale int32) []byte {
	if neg {
		dst = append(dst, '-')
	}
	if scale <= 0 {
		dst = append(dst, digits...)
		if len(digits) == 1 && digits[0] == '0' {
			return dst
		}
		for ; scale < 0; scale++ {
			dst = append(dst, '0')
		}
		return dst
	}
	n := int32(len(digits))
	if n <= scale {
		dst = append(dst, '0', '.')
		for ; n < scale; n++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:n-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[n-scale:]...)
}
