package gorows

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// maxDecimalPrecision is the most digits a decimal128 holds.
const maxDecimalPrecision = 38

// Decimal is an exact decimal number: Unscaled / 10^Scale, with at most
// Precision digits (1..38). It becomes an Arrow decimal128(Precision,
// Scale), SQL DECIMAL.
type Decimal struct {
	Unscaled  decimal128.Num
	Precision int32
	Scale     int32
}

// ParseDecimal parses a decimal number such as "-12.340": its precision
// and scale are those of the text (here 5 and 3).
func ParseDecimal(s string) (Decimal, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	intPart, frac, _ := strings.Cut(t, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	scale := int32(len(frac))
	prec := max(int32(len(intPart))+scale, 1)
	if prec > maxDecimalPrecision {
		return Decimal{}, fmt.Errorf("%q has more than %d digits", s, maxDecimalPrecision)
	}
	var u big.Int
	if _, ok := u.SetString(intPart+frac+"0", 10); !ok { // "0": intPart and frac may both be empty of digits
		return Decimal{}, fmt.Errorf("%q is not a decimal number", s)
	}
	u.Quo(&u, big.NewInt(10))
	if strings.HasPrefix(s, "-") {
		u.Neg(&u)
	}
	return Decimal{Unscaled: decimal128.FromBigInt(&u), Precision: prec, Scale: scale}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the number with exactly Scale digits after the point.
func (d Decimal) String() string { return d.Unscaled.ToString(d.Scale) }

// Float64 returns the nearest float64.
func (d Decimal) Float64() float64 { return d.Unscaled.ToFloat64(d.Scale) }

// rescale returns the unscaled value at scale s, rounding HALF_UP when s
// is smaller than the decimal's scale, and fails if it needs more than
// prec digits.
func (d Decimal) rescale(prec, s int32) (decimal128.Num, error) {
	n := d.Unscaled
	switch {
	case s > d.Scale:
		if s-d.Scale > maxDecimalPrecision {
			return decimal128.Num{}, fmt.Errorf("%s does not fit DECIMAL(%d,%d)", d, prec, s)
		}
		// Check before multiplying: the product may overflow 128 bits.
		if !n.FitsInPrecision(max(prec-(s-d.Scale), 0)) {
			return decimal128.Num{}, fmt.Errorf("%s does not fit DECIMAL(%d,%d)", d, prec, s)
		}
		n = n.IncreaseScaleBy(s - d.Scale)
	case s < d.Scale:
		n = n.ReduceScaleBy(d.Scale-s, true)
	}
	if !n.FitsInPrecision(prec) {
		return decimal128.Num{}, fmt.Errorf("%s does not fit DECIMAL(%d,%d)", d, prec, s)
	}
	return n, nil
}
