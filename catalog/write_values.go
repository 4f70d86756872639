package catalog

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// The text of values in written CSV and NDJSON files and in partition
// directory names. It follows the CLI's output formats (internal/output)
// rule for rule, which catalog cannot import (output imports planner, which
// imports catalog), with one difference made for reading back: a DOUBLE
// always has a point or an exponent (1.0, not 1), as Spark writes it, so
// that a file's DOUBLE column is not inferred as an integer one.
//
//	BOOLEAN            true, false
//	integers           -12
//	DOUBLE             1.0, 0.25, 1e+20, NaN, Infinity, -Infinity
//	DECIMAL            plain notation with exactly its scale: 12.30, -0.05
//	DATE               2024-02-29
//	TIMESTAMP          2024-02-29T10:00:00[.ffffff] (a space for the T in
//	                   directory names, as Spark writes them)
//	BINARY             \x followed by hex digits
//
// Each column gets a renderer once per batch (a typed closure over the
// array's raw values), so writing a row costs no type switch or allocation.

// textStyle is the flavour of text a renderer makes.
type textStyle uint8

const (
	styleCSV  textStyle = iota // bare text; the CSV writer quotes it
	styleJSON                  // JSON tokens: strings quoted and escaped
	stylePath                  // partition directory values (before escaping)
)

// textColumn renders the non-null values of one array.
type textColumn struct {
	arr arrow.Array
	// app appends the text of row i, which is not null.
	app func(dst []byte, i int) []byte
}

// newTextColumn returns the renderer of arr, or an error for a type the
// text formats do not write.
func newTextColumn(arr arrow.Array, style textStyle) (textColumn, error) {
	c := textColumn{arr: arr}
	quote := func(f func([]byte, int) []byte) func([]byte, int) []byte {
		if style != styleJSON {
			return f
		}
		return func(dst []byte, i int) []byte {
			dst = append(dst, '"')
			dst = f(dst, i)
			return append(dst, '"')
		}
	}
	switch a := arr.(type) {
	case *array.Boolean:
		c.app = func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.Int8:
		c.app = intText(a.Int8Values())
	case *array.Int16:
		c.app = intText(a.Int16Values())
	case *array.Int32:
		c.app = intText(a.Int32Values())
	case *array.Int64:
		c.app = intText(a.Int64Values())
	case *array.Float64:
		vals := a.Float64Values()
		c.app = func(dst []byte, i int) []byte { return appendFloatText(dst, vals[i], style == styleJSON) }
	case *array.Decimal128:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal128Type).Scale
		c.app = func(dst []byte, i int) []byte { return appendDecimalText(dst, vals[i], scale) }
	case *array.String:
		if style == styleJSON {
			c.app = func(dst []byte, i int) []byte { return appendJSONText(dst, a.Value(i)) }
		} else {
			c.app = func(dst []byte, i int) []byte { return append(dst, a.Value(i)...) }
		}
	case *array.Binary:
		prefix := `\x`
		if style == styleJSON {
			prefix = `\\x` // the backslash escaped
		}
		c.app = quote(func(dst []byte, i int) []byte {
			dst = append(dst, prefix...)
			return hex.AppendEncode(dst, a.Value(i))
		})
	case *array.Date32:
		vals := a.Date32Values()
		c.app = quote(func(dst []byte, i int) []byte { return appendDateText(dst, int64(vals[i])) })
	case *array.Timestamp:
		typ := a.DataType().(*arrow.TimestampType)
		vals, unit, zoned := a.TimestampValues(), typ.Unit, typ.TimeZone != ""
		sep := byte('T')
		if style == stylePath {
			sep = ' '
		}
		c.app = quote(func(dst []byte, i int) []byte {
			return appendTimestampText(dst, int64(vals[i]), unit, sep, zoned)
		})
	default:
		return c, fmt.Errorf("type %s cannot be written as text", arr.DataType())
	}
	return c, nil
}

// textWritable reports whether newTextColumn renders type dt.
func textWritable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.STRING, arrow.BINARY, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

func intText[T int8 | int16 | int32 | int64](vals []T) func([]byte, int) []byte {
	return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(vals[i]), 10) }
}

// appendFloatText appends a DOUBLE in the shortest form that reads back to
// the same value, without an exponent between 1e-5 and 1e15, and always
// with a point or an exponent. NaN and the infinities are NaN, Infinity and
// -Infinity (JSON strings in JSON, which has no such numbers).
func appendFloatText(dst []byte, v float64, asJSON bool) []byte {
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
	start := len(dst)
	if abs := math.Abs(v); abs == 0 || (abs >= 1e-5 && abs < 1e15) {
		dst = strconv.AppendFloat(dst, v, 'f', -1, 64)
	} else {
		dst = strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	for _, b := range dst[start:] {
		if b == '.' || b == 'e' {
			return dst
		}
	}
	return append(dst, '.', '0')
}

// appendDecimalText appends a DECIMAL in plain notation with exactly scale
// digits after the point. Values that fit an int64 (all money columns)
// take the path without big.Int.
func appendDecimalText(dst []byte, n decimal128.Num, scale int32) []byte {
	hi, lo := n.HighBits(), n.LowBits()
	var digits []byte
	var buf [40]byte
	neg := n.Sign() < 0
	if (hi == 0 && lo>>63 == 0) || (hi == -1 && lo>>63 == 1) {
		mag := lo
		if neg {
			mag = -mag
		}
		digits = strconv.AppendUint(buf[:0], mag, 10)
	} else {
		v := n.BigInt()
		digits = v.Abs(v).Append(buf[:0], 10)
	}
	return appendScaledDigits(dst, neg, digits, scale)
}

// appendScaledDigits appends a magnitude's digits with the point scale
// digits from the right, padding with zeros so a digit precedes the point.
func appendScaledDigits(dst []byte, neg bool, digits []byte, scale int32) []byte {
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

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// date (the inverse of daysFromCivil).
func civilFromDays(days int64) (year int64, month, day int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if mp >= 10 {
		month = int(mp - 9)
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// appendDateText appends days since the epoch as YYYY-MM-DD. Years beyond
// four digits keep all their digits and a sign when negative (such dates
// do not read back: the readers take four-digit years).
func appendDateText(dst []byte, days int64) []byte {
	y, m, d := civilFromDays(days)
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPadded(dst, int64(d), 2)
}

// appendPadded appends v (not negative) with at least width digits.
func appendPadded(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for ; width > 0 || v > 0; width-- {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
}

// appendTimestampText appends an instant as date, sep, HH:MM:SS, and the
// fraction when it is not zero: six digits, or nine for nanoseconds that
// need them. A zoned timestamp is written in UTC with a Z.
func appendTimestampText(dst []byte, v int64, unit arrow.TimeUnit, sep byte, zoned bool) []byte {
	per := int64(1)
	switch unit {
	case arrow.Millisecond:
		per = 1e3
	case arrow.Microsecond:
		per = 1e6
	case arrow.Nanosecond:
		per = 1e9
	}
	sec := floorDiv(v, per)
	nsec := (v - sec*per) * (1e9 / per)
	days := floorDiv(sec, 86400)
	sod := sec - days*86400
	dst = appendDateText(dst, days)
	dst = append(dst, sep)
	dst = appendPadded(dst, sod/3600, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, sod/60%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, sod%60, 2)
	switch {
	case nsec == 0:
	case nsec%1000 == 0:
		dst = append(dst, '.')
		dst = appendPadded(dst, nsec/1000, 6)
	default:
		dst = append(dst, '.')
		dst = appendPadded(dst, nsec, 9)
	}
	if zoned {
		dst = append(dst, 'Z')
	}
	return dst
}

// appendJSONText appends s as a JSON string: quoted, with quotes,
// backslashes and control characters escaped and invalid UTF-8 replaced by
// U+FFFD. Runs of plain bytes are copied whole.
func appendJSONText(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
