package gorows

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Date is a calendar date without a time of day or a time zone: it becomes
// an Arrow date32 (SQL DATE), where a time.Time becomes a timestamp.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses 'YYYY-MM-DD'.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// days returns the date as days since 1970-01-01, failing for a date that
// does not exist (February 30th).
func (d Date) days() (arrow.Date32, error) {
	t := d.Time()
	if DateOf(t) != d {
		return 0, fmt.Errorf("%s is not a valid date", d)
	}
	days := t.Unix() / 86400 // exact: midnight UTC is a whole number of days
	if int64(int32(days)) != days {
		return 0, fmt.Errorf("%s is out of the range of DATE", d)
	}
	return arrow.Date32(days), nil
}

// dateOfDays is the inverse of days.
func dateOfDays(days int64) time.Time {
	return time.Unix(days*86400, 0).UTC()
}
