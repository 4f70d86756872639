package textfmt

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// AppendInterval appends an interval as its months, days and time of day,
// leaving out the parts that are zero: "1 month 2 days 03:00:00",
// "-3 days", "-01:30:00", and "00:00:00" for the empty interval.
func AppendInterval(dst []byte, v arrow.MonthDayNanoInterval) []byte {
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
