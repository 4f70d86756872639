package sql

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

// numberLiteral types a numeric constant as Spark does: an integer is INT
// when it fits in 32 bits, else BIGINT, else DECIMAL(digits,0); a number
// with a point is a DECIMAL whose precision counts its significant digits
// and whose scale counts the digits after the point (0.06 is
// DECIMAL(2,2)); a number with an exponent is a DOUBLE.
func numberLiteral(text string) (*planner.Literal, error) {
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("number %s is out of range", text)
		}
		return &planner.Literal{Value: f, DataType: planner.TypeDouble}, nil
	}
	if !strings.Contains(text, ".") {
		// PostgreSQL's parser leaves integers beyond 32 bits as text, with
		// any 0x/0o/0b prefix and _ separators (which base 0 reads); a
		// leading zero alone is still decimal.
		base := 10
		if t := strings.TrimLeft(text, "+-"); len(t) > 1 && t[0] == '0' && strings.ContainsAny(t[1:2], "xXoObB") {
			base = 0
		} else {
			text = strings.ReplaceAll(text, "_", "")
		}
		v, ok := new(big.Int).SetString(text, base)
		if !ok {
			return nil, fmt.Errorf("invalid number %s", text)
		}
		switch {
		case v.IsInt64() && v.Int64() >= math.MinInt32 && v.Int64() <= math.MaxInt32:
			return &planner.Literal{Value: int32(v.Int64()), DataType: planner.TypeInt}, nil
		case v.IsInt64():
			return &planner.Literal{Value: v.Int64(), DataType: planner.TypeBigInt}, nil
		}
		p := digitCount(v)
		if p > planner.MaxDecimalPrecision {
			return nil, fmt.Errorf("number %s is out of range", text)
		}
		return &planner.Literal{Value: decimal128.FromBigInt(v), DataType: planner.Decimal(int32(p), 0)}, nil
	}
	unscaled, scale, ok := parseDecimalText(strings.ReplaceAll(text, "_", ""))
	if !ok {
		return nil, fmt.Errorf("invalid number %s", text)
	}
	p := max(digitCount(unscaled), scale)
	if p > planner.MaxDecimalPrecision {
		// Beyond DECIMAL(38) Spark falls back to DOUBLE.
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s is out of range", text)
		}
		return &planner.Literal{Value: f, DataType: planner.TypeDouble}, nil
	}
	return &planner.Literal{Value: decimal128.FromBigInt(unscaled), DataType: planner.Decimal(int32(p), int32(scale))}, nil
}

// parseDecimalText reads [-+]digits[.digits] into an unscaled integer and
// the number of digits after the point.
func parseDecimalText(text string) (*big.Int, int, bool) {
	s := strings.TrimSpace(text)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return nil, 0, false
	}
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			return nil, 0, false
		}
	}
	v, _ := new(big.Int).SetString("0"+intPart+frac, 10)
	if neg {
		v.Neg(v)
	}
	return v, len(frac), true
}

// digitCount is the number of decimal digits of |v| (1 for zero).
func digitCount(v *big.Int) int {
	s := new(big.Int).Abs(v).String()
	return len(s)
}

// parseDate reads YYYY-M-D (an ISO date, with month and day of one or two
// digits), ignoring a time part after a space or T, as Spark does.
func parseDate(s string) (arrow.Date32, bool) {
	t, rest, ok := parseDatePart(strings.TrimSpace(s))
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != 'T') {
		return 0, false
	}
	return arrow.Date32(floorDiv(t.Unix(), 86400)), true
}

func parseDatePart(s string) (time.Time, string, bool) {
	var parts [3]int
	i := 0
	for k := range 3 {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		maxLen := 2
		if k == 0 {
			maxLen = 4
		}
		if j == i || j-i > maxLen || (k == 0 && j-i != 4) {
			return time.Time{}, "", false
		}
		parts[k], _ = strconv.Atoi(s[i:j])
		i = j
		if k < 2 {
			if i >= len(s) || s[i] != '-' {
				return time.Time{}, "", false
			}
			i++
		}
	}
	y, m, d := parts[0], parts[1], parts[2]
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d {
		return time.Time{}, "", false
	}
	return t, s[i:], true
}

// parseTimestamp reads YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]] as microseconds
// since the epoch, without a time zone.
func parseTimestamp(s string) (arrow.Timestamp, bool) {
	t, rest, ok := parseDatePart(strings.TrimSpace(s))
	if !ok {
		return 0, false
	}
	micros := t.Unix() * 1e6
	if rest == "" {
		return arrow.Timestamp(micros), true
	}
	if rest[0] != ' ' && rest[0] != 'T' {
		return 0, false
	}
	clock, frac, hasFrac := strings.Cut(rest[1:], ".")
	fields := strings.Split(clock, ":")
	if len(fields) < 2 || len(fields) > 3 || (hasFrac && len(fields) != 3) {
		return 0, false
	}
	limits := []int{24, 60, 60}
	var hms [3]int
	for k, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil || len(f) == 0 || len(f) > 2 || v < 0 || v >= limits[k] {
			return 0, false
		}
		hms[k] = v
	}
	micros += int64(hms[0]*3600+hms[1]*60+hms[2]) * 1e6
	if hasFrac {
		if frac == "" || len(frac) > 9 {
			return 0, false
		}
		for _, c := range frac {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		us, _ := strconv.Atoi((frac + "000000")[:6])
		micros += int64(us)
	}
	return arrow.Timestamp(micros), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// The interval field masks PostgreSQL puts in an INTERVAL type's modifier
// (INTERVAL_MASK in its datetime.h).
const (
	maskMonth     = 1 << 1
	maskYear      = 1 << 2
	maskDay       = 1 << 3
	maskHour      = 1 << 10
	maskMinute    = 1 << 11
	maskSecond    = 1 << 12
	maskFullRange = 0x7FFF
)

// parseInterval reads an interval literal: a number with the unit given by
// the type modifier (INTERVAL '3' MONTH), or text with units
// (INTERVAL '1 year 2 months', '90 days', '-3 hours').
func parseInterval(s string, mask int32) (arrow.MonthDayNanoInterval, error) {
	var out arrow.MonthDayNanoInterval
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) == 1 && mask != 0 && mask != maskFullRange {
		unit := ""
		switch mask {
		case maskYear:
			unit = "year"
		case maskMonth:
			unit = "month"
		case maskDay:
			unit = "day"
		case maskHour:
			unit = "hour"
		case maskMinute:
			unit = "minute"
		case maskSecond:
			unit = "second"
		default:
			return out, fmt.Errorf("interval ranges such as YEAR TO MONTH are not supported")
		}
		fields = append(fields, unit)
	}
	if len(fields) == 0 || len(fields)%2 != 0 {
		return out, fmt.Errorf("invalid interval %q: expected a number and a unit, as in '3 days'", s)
	}
	for i := 0; i < len(fields); i += 2 {
		num, unit := fields[i], intervalUnits[fields[i+1]]
		if unit == "" {
			return out, fmt.Errorf("invalid interval %q: unknown unit %q", s, fields[i+1])
		}
		if unit == "second" {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 9e9 {
				return out, fmt.Errorf("invalid interval %q", s)
			}
			out.Nanoseconds += int64(math.Round(f * 1e9))
			continue
		}
		n, err := strconv.ParseInt(num, 10, 32)
		if err != nil || n > 1e6 || n < -1e6 {
			return out, fmt.Errorf("invalid interval %q", s)
		}
		switch unit {
		case "year":
			out.Months += int32(n) * 12
		case "month":
			out.Months += int32(n)
		case "week":
			out.Days += int32(n) * 7
		case "day":
			out.Days += int32(n)
		case "hour":
			out.Nanoseconds += n * 3600e9
		case "minute":
			out.Nanoseconds += n * 60e9
		case "millisecond":
			out.Nanoseconds += n * 1e6
		case "microsecond":
			out.Nanoseconds += n * 1e3
		}
	}
	return out, nil
}

// intervalUnits maps the unit words of interval text to their unit.
var intervalUnits = map[string]string{
	"year": "year", "years": "year", "yr": "year", "yrs": "year", "y": "year",
	"month": "month", "months": "month", "mon": "month", "mons": "month",
	"week": "week", "weeks": "week", "w": "week",
	"day": "day", "days": "day", "d": "day",
	"hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
	"minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute", "m": "minute",
	"second": "second", "seconds": "second", "sec": "second", "secs": "second", "s": "second",
	"millisecond": "millisecond", "milliseconds": "millisecond", "ms": "millisecond",
	"microsecond": "microsecond", "microseconds": "microsecond", "us": "microsecond",
}

// foldCast converts literal l to type to while binding, so that a constant
// compared with a column has the column's type (and a scan can use it
// against statistics). It returns nil when the conversion is left to run
// time (a Cast node); exact reports whether the conversion lost nothing,
// and an error means the value cannot be converted (ANSI mode fails on it).
func foldCast(l *planner.Literal, to arrow.DataType) (out *planner.Literal, exact bool, err error) {
	if l.Value == nil {
		return &planner.Literal{DataType: to}, true, nil
	}
	if arrow.TypeEqual(l.DataType, to) {
		return l, true, nil
	}
	lit := func(v any) *planner.Literal { return &planner.Literal{Value: v, DataType: to} }
	bad := func() error {
		return fmt.Errorf("cannot cast %s to %s", planner.FormatLiteral(l), planner.TypeName(to))
	}
	switch v := l.Value.(type) {
	case int8, int16, int32, int64:
		n := toInt64(v)
		switch {
		case planner.IsInteger(to):
			out, err := intLiteral(n, to)
			return out, err == nil, err
		case to.ID() == arrow.DECIMAL128:
			return decimalLiteral(big.NewInt(n), 0, to.(*arrow.Decimal128Type), l)
		case to.ID() == arrow.FLOAT64:
			return lit(float64(n)), n > -1<<53 && n < 1<<53, nil
		case planner.IsString(to):
			return lit(strconv.FormatInt(n, 10)), true, nil
		}
	case decimal128.Num:
		scale := l.DataType.(*arrow.Decimal128Type).Scale
		switch {
		case to.ID() == arrow.DECIMAL128:
			return decimalLiteral(v.BigInt(), scale, to.(*arrow.Decimal128Type), l)
		case planner.IsInteger(to):
			// Spark truncates the fraction when casting a decimal to an integer.
			q, r := new(big.Int).QuoRem(v.BigInt(), pow10(scale), new(big.Int))
			if !q.IsInt64() {
				return nil, false, bad()
			}
			out, err := intLiteral(q.Int64(), to)
			return out, err == nil && r.Sign() == 0, err
		case to.ID() == arrow.FLOAT64:
			return lit(v.ToFloat64(scale)), false, nil
		case planner.IsString(to):
			return lit(planner.FormatDecimal(v, scale)), true, nil
		}
	case string:
		return foldString(v, to, l)
	case bool:
		if planner.IsString(to) {
			return lit(strconv.FormatBool(v)), true, nil
		}
	case arrow.Date32:
		switch to.ID() {
		case arrow.TIMESTAMP:
			return lit(arrow.Timestamp(int64(v) * 86400e6)), true, nil
		case arrow.STRING:
			return lit(planner.FormatDate(v)), true, nil
		}
	case arrow.Timestamp:
		if to.ID() == arrow.DATE32 {
			d := floorDiv(int64(v), 86400e6)
			return lit(arrow.Date32(d)), d*86400e6 == int64(v), nil
		}
	}
	return nil, false, nil
}

func foldString(s string, to arrow.DataType, l *planner.Literal) (*planner.Literal, bool, error) {
	lit := func(v any) *planner.Literal { return &planner.Literal{Value: v, DataType: to} }
	bad := fmt.Errorf("cannot cast %s to %s", planner.FormatLiteral(l), planner.TypeName(to))
	t := strings.TrimSpace(s)
	switch {
	case to.ID() == arrow.DATE32:
		d, ok := parseDate(t)
		if !ok {
			return nil, false, bad
		}
		return lit(d), true, nil
	case to.ID() == arrow.TIMESTAMP:
		ts, ok := parseTimestamp(t)
		if !ok {
			return nil, false, bad
		}
		return lit(ts), true, nil
	case planner.IsInteger(to):
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, false, bad
		}
		out, err := intLiteral(n, to)
		return out, err == nil, err
	case to.ID() == arrow.DECIMAL128:
		v, scale, ok := parseDecimalText(t)
		if !ok {
			return nil, false, bad
		}
		return decimalLiteral(v, int32(scale), to.(*arrow.Decimal128Type), l)
	case to.ID() == arrow.FLOAT64:
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, false, bad
		}
		return lit(f), true, nil
	case to.ID() == arrow.BOOL:
		switch strings.ToLower(t) {
		case "true", "t", "yes", "y", "1":
			return lit(true), true, nil
		case "false", "f", "no", "n", "0":
			return lit(false), true, nil
		}
		return nil, false, bad
	case to.ID() == arrow.INTERVAL_MONTH_DAY_NANO:
		iv, err := parseInterval(t, 0)
		if err != nil {
			return nil, false, err
		}
		return lit(iv), true, nil
	case planner.IsString(to):
		return lit(s), true, nil
	}
	return nil, false, nil
}

func toInt64(v any) int64 {
	switch v := v.(type) {
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// intLiteral makes an integer literal of type to, failing on overflow.
func intLiteral(n int64, to arrow.DataType) (*planner.Literal, error) {
	var v any
	switch to.ID() {
	case arrow.INT8:
		if n >= math.MinInt8 && n <= math.MaxInt8 {
			v = int8(n)
		}
	case arrow.INT16:
		if n >= math.MinInt16 && n <= math.MaxInt16 {
			v = int16(n)
		}
	case arrow.INT32:
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			v = int32(n)
		}
	case arrow.INT64:
		v = n
	}
	if v == nil {
		return nil, fmt.Errorf("value %d is out of range for %s", n, planner.TypeName(to))
	}
	return &planner.Literal{Value: v, DataType: to}, nil
}

// decimalLiteral rescales the unscaled value v of the given scale to the
// decimal type to, rounding HALF_UP; exact is false when rounding changed it.
func decimalLiteral(v *big.Int, scale int32, to *arrow.Decimal128Type, l *planner.Literal) (*planner.Literal, bool, error) {
	exact := true
	r := new(big.Int).Set(v)
	switch {
	case to.Scale > scale:
		r.Mul(r, pow10(to.Scale-scale))
	case to.Scale < scale:
		div := pow10(scale - to.Scale)
		q, rem := new(big.Int).QuoRem(r, div, new(big.Int))
		exact = rem.Sign() == 0
		// HALF_UP: away from zero when the dropped part is at least half.
		if twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2)); twice.Cmp(div) >= 0 {
			if r.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
		r = q
	}
	if r.Sign() != 0 && digitCount(r) > int(to.Precision) {
		return nil, false, fmt.Errorf("value %s is out of range for %s", planner.FormatLiteral(l), planner.TypeName(to))
	}
	return &planner.Literal{Value: decimal128.FromBigInt(r), DataType: to}, exact, nil
}

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
