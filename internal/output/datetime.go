package output

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/planner"
)

const (
	secPerDay = 86400
	msPerDay  = secPerDay * 1000
)

// floorDiv divides rounding toward negative infinity, so that instants
// before 1970 fall on the right day.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted), without time.Time and its
// allocations.
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

// appendDate appends days since the epoch as YYYY-MM-DD, the text of
// planner.FormatDate.
func appendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		// Outside four digits: whatever time.Format does, as planner does.
		return planner.EpochDate.AddDate(0, 0, int(days)).AppendFormat(dst, "2006-01-02")
	}
	dst = appendDigits(dst, int(y), 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, m, 2)
	dst = append(dst, '-')
	return appendDigits(dst, d, 2)
}

// appendDigits appends v, which is not negative, in exactly width digits.
func appendDigits(dst []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for ; width > 0 || v > 0; width-- {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[i:]...)
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

// appendTimestamp appends an instant in ISO 8601, 2020-01-31T10:00:00, as
// planner.FormatTimestamp does: fractional seconds only when not zero, six
// digits of them (nine for nanoseconds that need them). A timestamp with a
// time zone is an instant, written in UTC with a Z.
func appendTimestamp(dst []byte, v int64, unit arrow.TimeUnit, zoned bool) []byte {
	sec, nsec := splitUnit(v, unit)
	days := floorDiv(sec, secPerDay)
	dst = appendDate(dst, days)
	dst = append(dst, 'T')
	dst = appendClock(dst, sec-days*secPerDay, nsec)
	if zoned {
		dst = append(dst, 'Z')
	}
	return dst
}

// appendTimeOfDay appends a TIME value as HH:MM:SS[.ffffff].
func appendTimeOfDay(dst []byte, v int64, unit arrow.TimeUnit) []byte {
	sec, nsec := splitUnit(v, unit)
	return appendClock(dst, sec, nsec)
}

// appendClock appends seconds since midnight as HH:MM:SS and the fraction
// when it is not zero.
func appendClock(dst []byte, sec, nsec int64) []byte {
	dst = appendDigits(dst, int(sec/3600), 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, int(sec/60%60), 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, int(sec%60), 2)
	switch {
	case nsec == 0:
	case nsec%1000 == 0:
		dst = append(dst, '.')
		dst = appendDigits(dst, int(nsec/1000), 6)
	default:
		dst = append(dst, '.')
		dst = appendDigits(dst, int(nsec), 9)
	}
	return dst
}

// appendInterval appends an interval as its months, days and time of day,
// leaving out the parts that are zero: "1 month 2 days 03:00:00", "-3 days",
// "00:00:00" for the empty interval.
func appendInterval(dst []byte, v arrow.MonthDayNanoInterval) []byte {
	start := len(dst)
	part := func(n int64, one, many string) {
		if n == 0 {
			return
		}
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		dst = strconv.AppendInt(dst, n, 10)
		if n == 1 || n == -1 {
			dst = append(dst, one...)
		} else {
			dst = append(dst, many...)
		}
	}
	part(int64(v.Months), " month", " months")
	part(int64(v.Days), " day", " days")
	if v.Nanoseconds != 0 || len(dst) == start {
		if len(dst) > start {
			dst = append(dst, ' ')
		}
		ns := v.Nanoseconds
		if ns < 0 {
			dst = append(dst, '-')
			ns = -max(ns, -math.MaxInt64) // -MinInt64 overflows; 1ns off is harmless
		}
		dst = appendClock(dst, ns/1e9, ns%1e9)
	}
	return dst
}
