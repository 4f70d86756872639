package output

import (
	"math"
	"strconv"
)

// appendFloat appends a floating-point value in the shortest form that
// reads back to the same value. Between 1e-5 and 1e15 it avoids the
// exponent, as people and the TPC-H answers write numbers
// (25.575154611454693, 0.05008133906964238); beyond, the exponent keeps
// 1e300 from turning into three hundred digits. NaN and the infinities are
// NaN, Infinity and -Infinity, as Spark writes them; JSON has no such
// numbers, so there they are strings.
func appendFloat(dst []byte, v float64, bits int, asJSON bool) []byte {
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
		if asJSON {
			dst = append(dst, '"')
			dst = append(dst, special...)
			return append(dst, '"')
		}
		return append(dst, special...)
	}
	if abs := math.Abs(v); abs == 0 || (abs >= 1e-5 && abs < 1e15) {
		return strconv.AppendFloat(dst, v, 'f', -1, bits)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, bits)
}
