package textfmt

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestAppendInterval(t *testing.T) {
	cases := []struct {
		v    arrow.MonthDayNanoInterval
		want string
	}{
		{arrow.MonthDayNanoInterval{Months: 1, Days: 2, Nanoseconds: 3 * 3600e9}, "1 month 2 days 03:00:00"},
		{arrow.MonthDayNanoInterval{Months: 14}, "14 months"},
		{arrow.MonthDayNanoInterval{Months: -1}, "-1 month"},
		{arrow.MonthDayNanoInterval{Days: -3}, "-3 days"},
		{arrow.MonthDayNanoInterval{Days: 1}, "1 day"},
		{arrow.MonthDayNanoInterval{}, "00:00:00"},
		{arrow.MonthDayNanoInterval{Nanoseconds: -5400e9}, "-01:30:00"},
		{arrow.MonthDayNanoInterval{Nanoseconds: 1500}, "00:00:00.000001500"},
		{arrow.MonthDayNanoInterval{Nanoseconds: 100 * 3600e9}, "100:00:00"},
		{arrow.MonthDayNanoInterval{Days: 2, Nanoseconds: 250e6}, "2 days 00:00:00.250000"},
		{arrow.MonthDayNanoInterval{Nanoseconds: math.MinInt64}, "-2562047:47:16.854775807"},
	}
	for _, tc := range cases {
		if got := string(AppendInterval([]byte("x "), tc.v)); got != "x "+tc.want {
			t.Errorf("%+v: got %q, want %q", tc.v, got, "x "+tc.want)
		}
	}
}
