package textfmt

import (
	"github.com/apache/arrow-go/v18/arrow"
)

const (
	secPerDay = 86400
	msPerDay  = secPerDay * 1000
)

// AppendDate appends days since 1970-01-01 as YYYY-MM-DD. Years beyond four
// digits keep all their digits, and years before 1 (the year before 1 is 0)
// have a minus sign, as time.Format writes them.
func AppendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	dst = appendDigits(dst, y, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendDigits(dst, int64(d), 2)
}

// AppendDateMillis appends a DATE64 value, milliseconds since the epoch, as
// AppendDate appends its day.
func AppendDateMillis(dst []byte, ms int64) []byte {
	return AppendDate(dst, floorDiv(ms, msPerDay))
}

// AppendTimestamp appends an instant, v units since the epoch, in ISO 8601:
// the date, sep (T in ISO 8601; Spark's partition directories use a space),
// HH:MM:SS and the fractional seconds when they are not zero, six digits of
// them (nine for nanoseconds that need them). A zoned timestamp (one whose
// type has a time zone) is an instant, written in UTC with a Z.
func AppendTimestamp(dst []byte, v int64, unit arrow.TimeUnit, sep byte, zoned bool) []byte {
	sec, nsec := splitUnit(v, unit)
	days := floorDiv(sec, secPerDay)
	dst = AppendDate(dst, days)
	dst = append(dst, sep)
	dst = appendClock(dst, sec-days*secPerDay, nsec)
	if zoned {
		dst = append(dst, 'Z')
	}
	return dst
}

// AppendTimeOfDay appends a TIME value, v units since midnight, as
// HH:MM:SS and the fractional seconds when they are not zero.
func AppendTimeOfDay(dst []byte, v int64, unit arrow.TimeUnit) []byte {
	sec, nsec := splitUnit(v, unit)
	return appendClock(dst, sec, nsec)
}

// appendClock appends seconds since midnight as HH:MM:SS and the fraction
// when it is not zero.
func appendClock(dst []byte, sec, nsec int64) []byte {
	dst = appendDigits(dst, sec/3600, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec/60%60, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec%60, 2)
	switch {
	case nsec == 0:
	case nsec%1000 == 0:
		dst = append(dst, '.')
		dst = appendDigits(dst, nsec/1000, 6)
	default:
		dst = append(dst, '.')
		dst = appendDigits(dst, nsec, 9)
	}
	return dst
}

// splitUnit splits a count of unit since midnight or the epoch into whole
// seconds and nanoseconds, the nanoseconds never negative.
func splitUnit(v int64, unit arrow.TimeUnit) (sec, nsec int64) {
	per := int64(1)
	switch unit {
	case arrow.Millisecond:
		per = 1e3
	case arrow.Microsecond:
		per = 1e6
	case arrow.Nanosecond:
		per = 1e9
	}
	sec = floorDiv(v, per)
	return sec, (v - sec*per) * (1e9 / per)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted), without time.Time.
func civil(days int64) (year int64, month, day int) {
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

// floorDiv divides rounding toward negative infinity, so that instants
// before 1970 fall on the right day.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// appendDigits appends v, which is not negative, in at least width digits.
func appendDigits(dst []byte, v int64, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for ; width > 0 || v > 0; width-- {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
}
