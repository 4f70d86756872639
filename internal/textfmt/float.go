package textfmt

import (
	"math"
	"strconv"
)

// FloatFormat chooses between the renderings of floating-point values that
// differ by writer; the zero value is the CLI's.
type FloatFormat uint8

const (
	// FloatJSON writes NaN and the infinities as JSON strings ("NaN"),
	// JSON having no such numbers.
	FloatJSON FloatFormat = 1 << iota
	// FloatPoint writes every finite value with a point or an exponent
	// (1.0, not 1), as Spark writes doubles, so that a file's DOUBLE
	// column is not inferred as an integer one when read back. The CLI
	// leaves it out: people read 1 as well as 1.0.
	FloatPoint
)

// AppendFloat appends v in the shortest form that reads back to the same
// value of bitSize bits (32 or 64). Between 1e-5 and 1e15 it avoids the
// exponent, as people and the TPC-H answers write numbers
// (25.575154611454693, 0.05008133906964238); beyond, the exponent keeps
// 1e300 from turning into three hundred digits. NaN and the infinities are
// NaN, Infinity and -Infinity, as Spark writes them.
func AppendFloat(dst []byte, v float64, bitSize int, format FloatFormat) []byte {
	var special string
	switch {
	case math.IsNaN(v):
		special = "NaN"
	case math.IsInf(v, 1):
		special = "Infinity"
	case math.IsInf(v, -1):
		special = "-Infinity"
	}
	if special != "" {
		if format&FloatJSON != 0 {
			dst = append(dst, '"')
			dst = append(dst, special...)
			return append(dst, '"')
		}
		return append(dst, special...)
	}
	start := len(dst)
	if abs := math.Abs(v); abs == 0 || (abs >= 1e-5 && abs < 1e15) {
		dst = strconv.AppendFloat(dst, v, 'f', -1, bitSize)
	} else {
		dst = strconv.AppendFloat(dst, v, 'g', -1, bitSize)
	}
	if format&FloatPoint == 0 {
		return dst
	}
	for _, b := range dst[start:] {
		if b == '.' || b == 'e' {
			return dst
		}
	}
	return append(dst, '.', '0')
}
