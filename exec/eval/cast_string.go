package eval

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Casts from and to strings. Parsing trims leading and trailing white
// space (and other ASCII control characters) like Spark; a string that is
// not a valid value of the target type is an error quoting it.

// castFromString returns the cast from a string type to to.
func castFromString(from, to arrow.DataType) (castFn, bool, error) {
	switch to.ID() {
	case arrow.BOOL:
		return parseCast(to, func(mem memory.Allocator, s binarySource[int32], valid []byte, n int) (*memory.Buffer, int) {
			buf := newBitmap(mem, n)
			ob := buf.Bytes()
			for i := 0; i < n; i++ {
				if !isValid(valid, 0, i) {
					continue
				}
				v, ok := parseBool(trimSpace(s.data[s.offs[i]:s.offs[i+1]]))
				if !ok {
					buf.Release()
					return nil, i
				}
				if v {
					ob[i>>3] |= 1 << (i & 7)
				}
			}
			return buf, -1
		}), true, nil
	case arrow.INT8:
		return parseCast(to, parseInts[int8]), true, nil
	case arrow.INT16:
		return parseCast(to, parseInts[int16]), true, nil
	case arrow.INT32:
		return parseCast(to, parseInts[int32]), true, nil
	case arrow.INT64:
		return parseCast(to, parseInts[int64]), true, nil
	case arrow.FLOAT64:
		return parseCast(to, parseFixed(func(b []byte) (float64, bool) { return parseDouble(b) })), true, nil
	case arrow.FLOAT32:
		return parseCast(to, parseFixed(func(b []byte) (float32, bool) {
			f, ok := parseDouble(b)
			return float32(f), ok
		})), true, nil
	case arrow.DECIMAL128:
		d := to.(*arrow.Decimal128Type)
		return parseCast(to, parseFixed(func(b []byte) (decimal128.Num, bool) { return parseDecimal(b, d.Precision, d.Scale) })), true, nil
	case arrow.DATE32:
		return parseCast(to, parseFixed(parseDate)), true, nil
	case arrow.TIMESTAMP:
		per := nanosPerUnit(to.(*arrow.TimestampType).Unit)
		return parseCast(to, parseFixed(func(b []byte) (int64, bool) {
			us, ok := parseTimestamp(b)
			if !ok {
				return 0, false
			}
			if per < 1000 {
				return mulInt64(us, 1000/per)
			}
			return floorDiv(us, per/1000), true
		})), true, nil
	}
	return nil, false, fmt.Errorf("cannot cast %s to %s", planner.TypeName(from), planner.TypeName(to))
}

// parser converts the valid rows of a string array into a values buffer,
// returning the first row it cannot parse (and no buffer), or -1.
type parser func(mem memory.Allocator, s binarySource[int32], valid []byte, n int) (*memory.Buffer, int)

func parseCast(to arrow.DataType, parse parser) castFn {
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		u, err := asUTF8(mem, a)
		if err != nil {
			return nil, err
		}
		defer u.Release()
		valid := copyValidity(mem, u)
		s := binaryOf[int32](u)
		buf, bad := parse(mem, s, bytesOf(valid), u.Len())
		if bad >= 0 {
			releaseBufs(valid)
			return nil, castError(quote(s.data[s.offs[bad]:s.offs[bad+1]]), to, "")
		}
		return makeArray(to, u.Len(), []*memory.Buffer{valid, buf}), nil
	}
}

// parseFixed makes a parser for a fixed-width type from a parse of one
// trimmed value.
func parseFixed[T any](parse func([]byte) (T, bool)) parser {
	return func(mem memory.Allocator, s binarySource[int32], valid []byte, n int) (*memory.Buffer, int) {
		buf, out := newValues[T](mem, n)
		var zero T
		for i := 0; i < n; i++ {
			if !isValid(valid, 0, i) {
				out[i] = zero
				continue
			}
			v, ok := parse(trimSpace(s.data[s.offs[i]:s.offs[i+1]]))
			if !ok {
				buf.Release()
				return nil, i
			}
			out[i] = v
		}
		return buf, -1
	}
}

func parseInts[T intT](mem memory.Allocator, s binarySource[int32], valid []byte, n int) (*memory.Buffer, int) {
	lo, hi := intRange[T]()
	return parseFixed(func(b []byte) (T, bool) {
		v, ok := parseInt(b)
		return T(v), ok && v >= lo && v <= hi
	})(mem, s, valid, n)
}

func quote(b []byte) string {
	if len(b) > 64 {
		b = append(b[:64:64], "..."...)
	}
	return "'" + string(b) + "'"
}

// trimSpace trims ASCII white space and control characters.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && b[i] <= ' ' {
		i++
	}
	for j > i && b[j-1] <= ' ' {
		j--
	}
	return b[i:j]
}

// parseInt reads [+-]digits. A fractional part is an error, as in
// Spark's ANSI mode (its legacy mode truncates).
func parseInt(b []byte) (int64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i++
	}
	start := i
	var u uint64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + uint64(b[i]-'0')
		if u > 1<<63 {
			return 0, false
		}
	}
	if i == start || i != len(b) {
		return 0, false
	}
	if neg {
		return int64(-u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// parseDouble reads a decimal floating-point number, or NaN, Infinity and
// their signed forms. Go's hexadecimal and underscore forms are refused.
func parseDouble(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	for _, ch := range b {
		if ch == '_' || ch == 'x' || ch == 'X' || ch == 'p' || ch == 'P' {
			return 0, false
		}
	}
	// ParseFloat does not keep its argument, so the bytes need not be
	// copied into a string.
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, !math.IsInf(f, 0) // underflow to 0 is fine, overflow is not
		}
		return 0, false
	}
	return f, true
}

// parseBool reads Spark's boolean spellings, in any case.
func parseBool(b []byte) (bool, bool) {
	if len(b) > 5 {
		return false, false
	}
	var low [5]byte
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		low[i] = ch
	}
	switch string(low[:len(b)]) {
	case "t", "true", "y", "yes", "1":
		return true, true
	case "f", "false", "n", "no", "0":
		return false, true
	}
	return false, false
}

// parseDecimal reads [+-]digits[.digits][e[+-]digits] as DECIMAL(p,s),
// rounding HALF_UP to scale s; false if malformed or too large.
func parseDecimal(b []byte, p, s int32) (decimal128.Num, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i++
	}
	var mant int64
	var digits []byte // significant digits, when more than 18
	nd, frac, seen := 0, 0, false
	dot := false
	for ; i < len(b); i++ {
		ch := b[i]
		if ch == '.' {
			if dot {
				return decimal128.Num{}, false
			}
			dot = true
			continue
		}
		if ch < '0' || ch > '9' {
			break
		}
		seen = true
		if dot {
			frac++
		}
		if nd == 0 && ch == '0' {
			continue // leading zeros carry no digits
		}
		nd++
		if nd <= 18 {
			mant = mant*10 + int64(ch-'0')
		}
		digits = append(digits, ch)
	}
	if !seen {
		return decimal128.Num{}, false
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if exp < 10000 {
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return decimal128.Num{}, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) {
		return decimal128.Num{}, false
	}
	if nd == 0 {
		return decimal128.Num{}, true
	}
	shift := int(s) - frac + exp
	if nd <= 18 {
		var v int64
		ok := true
		switch {
		case shift >= 0 && shift <= 18:
			v, ok = mulInt64(mant, pow10i64[shift])
		case shift < 0 && shift >= -18:
			v = divRoundHalfUp(mant, pow10i64[-shift])
		case shift < -18:
			v = 0 // mant < 10^18 is below half of 10^19
		default:
			ok = false
		}
		if ok && inPrecision(v, p) {
			if neg {
				v = -v
			}
			return numOf(v), true
		}
	}
	var z, r big.Int
	z.SetString(string(digits), 10)
	switch {
	case shift > 80:
		return decimal128.Num{}, false
	case shift >= 0:
		z.Mul(&z, pow10big[shift])
	case shift >= -80:
		roundBig(&z, &r, &z, pow10big[-shift])
	default:
		z.SetInt64(0)
	}
	if neg {
		z.Neg(&z)
	}
	return numFromBig(&z, p)
}

// parseDate reads [+-]yyyy[-m[m][-d[d]]] optionally followed by a space
// or T and anything (a time, ignored), as Spark does.
func parseDate(b []byte) (int32, bool) {
	days, rest, ok := parseDatePart(b)
	if !ok || (len(rest) > 0 && rest[0] != ' ' && rest[0] != 'T') {
		return 0, false
	}
	return int32(days), true
}

// parseDatePart reads the date at the start of b and returns the rest.
func parseDatePart(b []byte) (int64, []byte, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i++
	}
	num := func(minDigits, maxDigits int) (int64, bool) {
		start := i
		var v int64
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < maxDigits {
			v = v*10 + int64(b[i]-'0')
			i++
		}
		return v, i-start >= minDigits && (i == len(b) || b[i] < '0' || b[i] > '9')
	}
	y, ok := num(4, 7)
	if !ok {
		return 0, nil, false
	}
	if neg {
		y = -y
	}
	m, d := int64(1), int64(1)
	if i < len(b) && b[i] == '-' {
		i++
		if m, ok = num(1, 2); !ok {
			return 0, nil, false
		}
		if i < len(b) && b[i] == '-' {
			i++
			if d, ok = num(1, 2); !ok {
				return 0, nil, false
			}
		}
	}
	if m < 1 || m > 12 || d < 1 || d > int64(daysInMonth(y, int(m))) {
		return 0, nil, false
	}
	days := daysFromCivil(y, int(m), int(d))
	if days != int64(int32(days)) {
		return 0, nil, false
	}
	return days, b[i:], true
}

// parseTimestamp reads a date optionally followed by [ T]h[h]:m[m][:s[s]
// [.fraction]] and an optional Z, as microseconds since the epoch.
// Fractions finer than microseconds are truncated.
func parseTimestamp(b []byte) (int64, bool) {
	days, rest, ok := parseDatePart(b)
	if !ok {
		return 0, false
	}
	var tod int64
	if len(rest) > 0 {
		if rest[0] != ' ' && rest[0] != 'T' {
			return 0, false
		}
		i := 1
		num := func(maxDigits int) (int64, bool) {
			start := i
			var v int64
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && i-start < maxDigits {
				v = v*10 + int64(rest[i]-'0')
				i++
			}
			return v, i > start
		}
		h, ok1 := num(2)
		if !ok1 || i >= len(rest) || rest[i] != ':' {
			return 0, false
		}
		i++
		m, ok2 := num(2)
		if !ok2 {
			return 0, false
		}
		var s, micros int64
		if i < len(rest) && rest[i] == ':' {
			i++
			var ok3 bool
			if s, ok3 = num(2); !ok3 {
				return 0, false
			}
			if i < len(rest) && rest[i] == '.' {
				i++
				start := i
				for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
					if i-start < 6 {
						micros = micros*10 + int64(rest[i]-'0')
					}
				}
				for k := i - start; k < 6; k++ {
					micros *= 10
				}
			}
		}
		if i < len(rest) && rest[i] == 'Z' {
			i++
		}
		if i != len(rest) || h > 23 || m > 59 || s > 59 {
			return 0, false
		}
		tod = ((h*60+m)*60+s)*1_000_000 + micros
	}
	v, ok := mulInt64(days, 86400*1_000_000)
	if !ok {
		return 0, false
	}
	return addInt64(v, tod)
}

// castToString returns the cast of from values to the string type to.
func castToString(from, to arrow.DataType) (castFn, bool, error) {
	var format func(b *strBuilder, a arrow.Array, i int)
	switch from.ID() {
	case arrow.BOOL:
		format = func(b *strBuilder, a arrow.Array, i int) {
			bits, off := bitsOf(a)
			if bitutil.BitIsSet(bits, off+i) {
				b.appendString("true")
			} else {
				b.appendString("false")
			}
		}
	case arrow.INT8:
		format = func(b *strBuilder, a arrow.Array, i int) { b.appendInt(int64(values[int8](a)[i])) }
	case arrow.INT16:
		format = func(b *strBuilder, a arrow.Array, i int) { b.appendInt(int64(values[int16](a)[i])) }
	case arrow.INT32:
		format = func(b *strBuilder, a arrow.Array, i int) { b.appendInt(int64(values[int32](a)[i])) }
	case arrow.INT64:
		format = func(b *strBuilder, a arrow.Array, i int) { b.appendInt(values[int64](a)[i]) }
	case arrow.FLOAT64:
		format = func(b *strBuilder, a arrow.Array, i int) {
			b.scratch = formatDouble(b.scratch[:0], values[float64](a)[i])
			b.append(b.scratch)
		}
	case arrow.FLOAT32:
		format = func(b *strBuilder, a arrow.Array, i int) {
			b.scratch = formatFloat(b.scratch[:0], float64(values[float32](a)[i]), 32)
			b.append(b.scratch)
		}
	case arrow.DECIMAL128:
		scale := from.(*arrow.Decimal128Type).Scale
		format = func(b *strBuilder, a arrow.Array, i int) {
			b.scratch = appendDecimal(b.scratch[:0], values[decimal128.Num](a)[i], scale)
			b.append(b.scratch)
		}
	case arrow.DATE32:
		format = func(b *strBuilder, a arrow.Array, i int) {
			b.scratch = appendDate(b.scratch[:0], int64(values[int32](a)[i]))
			b.append(b.scratch)
		}
	case arrow.TIMESTAMP:
		per := nanosPerUnit(from.(*arrow.TimestampType).Unit)
		format = func(b *strBuilder, a arrow.Array, i int) {
			v := values[int64](a)[i]
			if per > 1000 {
				v *= per / 1000
			} else {
				v = floorDiv(v, 1000/per)
			}
			b.scratch = appendTimestamp(b.scratch[:0], v)
			b.append(b.scratch)
		}
	default:
		return nil, false, fmt.Errorf("cannot cast %s to %s", planner.TypeName(from), planner.TypeName(to))
	}
	return func(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
		n := a.Len()
		b := newStrBuilder(mem, n, n*8)
		bm, off := validityOf(a)
		for i := 0; i < n; i++ {
			if isValid(bm, off, i) {
				format(b, a, i)
			} else {
				b.appendEmpty()
			}
		}
		out := b.finish(planner.TypeString, copyValidity(mem, a))
		if to.ID() == arrow.STRING {
			return out, nil
		}
		defer out.Release()
		return convertOffsets(mem, out, to)
	}, false, nil
}

// formatDouble renders a double like Java's Double.toString, as Spark
// does: plain notation with at least one fractional digit between 1e-3
// and 1e7 (0.5, 100.0), scientific notation outside (1.0E10, 1.0E-4).
func formatDouble(buf []byte, f float64) []byte { return formatFloat(buf, f, 64) }

func formatFloat(buf []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(buf, "-0.0"...)
		}
		return append(buf, "0.0"...)
	}
	if abs := math.Abs(f); abs >= 1e-3 && abs < 1e7 {
		start := len(buf)
		buf = strconv.AppendFloat(buf, f, 'f', -1, bitSize)
		for _, ch := range buf[start:] {
			if ch == '.' {
				return buf
			}
		}
		return append(buf, ".0"...)
	}
	var tmp [40]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, bitSize) // d[.ddd]e±xx
	k := 0
	for e[k] != 'e' {
		k++
	}
	buf = append(buf, e[:k]...)
	hasDot := false
	for _, ch := range e[:k] {
		hasDot = hasDot || ch == '.'
	}
	if !hasDot {
		buf = append(buf, ".0"...)
	}
	exp, _ := strconv.Atoi(string(e[k+1:]))
	buf = append(buf, 'E')
	return strconv.AppendInt(buf, int64(exp), 10)
}

// appendFloatE appends the shortest decimal form of f in e notation.
func appendFloatE(buf []byte, f float64) []byte { return strconv.AppendFloat(buf, f, 'e', -1, 64) }

// appendDecimal appends an unscaled decimal in plain notation with exactly
// scale fractional digits, as planner.FormatDecimal renders it.
func appendDecimal(buf []byte, v decimal128.Num, scale int32) []byte {
	iv, ok := fitsInt64(v)
	if !ok || iv == math.MinInt64 {
		return append(buf, planner.FormatDecimal(v, scale)...)
	}
	if iv < 0 {
		buf = append(buf, '-')
		iv = -iv
	}
	var tmp [24]byte
	digits := strconv.AppendInt(tmp[:0], iv, 10)
	if scale <= 0 {
		return append(buf, digits...)
	}
	if int(scale) >= len(digits) {
		buf = append(buf, '0', '.')
		for k := len(digits); k < int(scale); k++ {
			buf = append(buf, '0')
		}
		return append(buf, digits...)
	}
	cut := len(digits) - int(scale)
	buf = append(buf, digits[:cut]...)
	buf = append(buf, '.')
	return append(buf, digits[cut:]...)
}

// appendDate appends a day number as YYYY-MM-DD, as planner.FormatDate
// renders it.
func appendDate(buf []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return append(buf, planner.FormatDate(arrow.Date32(days))...)
	}
	return append(buf, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// appendTimestamp appends microseconds since the epoch as Spark casts a
// TIMESTAMP to a string: "yyyy-MM-dd HH:mm:ss", then the fraction of a
// second without its trailing zeros (".5", ".000001") when it is not zero.
func appendTimestamp(buf []byte, us int64) []byte {
	days, tod := floorDiv(us, 86400*1_000_000), floorMod(us, 86400*1_000_000)
	y, _, _ := civil(days)
	if y < 0 || y > 9999 {
		// Rare: reshape planner.FormatTimestamp's ISO 8601 text.
		iso := planner.FormatTimestamp(arrow.Timestamp(us))
		if strings.Contains(iso, ".") {
			iso = strings.TrimRight(iso, "0")
		}
		return append(buf, strings.Replace(iso, "T", " ", 1)...)
	}
	buf = appendDate(buf, days)
	secs, micros := tod/1_000_000, tod%1_000_000
	h, mi, s := secs/3600, secs/60%60, secs%60
	buf = append(buf, ' ', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if micros != 0 {
		buf = append(buf, '.')
		for p := int64(100000); micros != 0; p /= 10 {
			buf = append(buf, byte('0'+micros/p))
			micros %= p
		}
	}
	return buf
}

// asUTF8 returns a string array with 32-bit offsets: a itself (retained)
// or a large string array converted.
func asUTF8(mem memory.Allocator, a arrow.Array) (arrow.Array, error) {
	switch a.DataType().ID() {
	case arrow.STRING:
		a.Retain()
		return a, nil
	case arrow.LARGE_STRING:
		return convertOffsets(mem, a, planner.TypeString)
	}
	return nil, fmt.Errorf("eval: expected a string, got %s", planner.TypeName(a.DataType()))
}

// convertOffsets switches a string or binary array between 32- and 64-bit
// offsets, sharing its data buffer.
func convertOffsets(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	d := a.Data()
	n := d.Len()
	wide := func(t arrow.DataType) bool { return t.ID() == arrow.LARGE_STRING || t.ID() == arrow.LARGE_BINARY }
	if wide(a.DataType()) == wide(to) {
		nd := array.NewData(to, n, d.Buffers(), nil, d.NullN(), d.Offset())
		defer nd.Release()
		return array.MakeFromData(nd), nil
	}
	var offBuf *memory.Buffer
	if wide(to) {
		src := binaryOf[int32](a)
		var dst []int64
		offBuf, dst = newValues[int64](mem, n+1)
		for i := range dst {
			if src.offs != nil {
				dst[i] = int64(src.offs[i])
			} else {
				dst[i] = 0
			}
		}
	} else {
		src := binaryOf[int64](a)
		var dst []int32
		offBuf, dst = newValues[int32](mem, n+1)
		for i := range dst {
			var v int64
			if src.offs != nil {
				v = src.offs[i]
			}
			if v > math.MaxInt32 {
				offBuf.Release()
				return nil, fmt.Errorf("eval: string data of %d bytes is too large for VARCHAR offsets", v)
			}
			dst[i] = int32(v)
		}
	}
	var dataBuf *memory.Buffer
	if bufs := d.Buffers(); len(bufs) > 2 {
		dataBuf = bufs[2]
	}
	if dataBuf != nil {
		dataBuf.Retain()
	}
	return makeArray(to, n, []*memory.Buffer{copyValidity(mem, a), offBuf, dataBuf}), nil
}
