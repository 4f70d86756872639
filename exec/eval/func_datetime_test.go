package eval

import (
	"testing"
	"time"

	"github.com/ember-sql/ember/planner"
)

func TestDateTimeFunctions(t *testing.T) {
	d := col(0, tDate)
	ts := col(0, tTS)
	str := func(v string) planner.Expr { return lit(v, tStr) }
	runCases(t, []evalCase{
		{expr: fn("dayofweek", tI32, d), in: []input{in(tDate, "2021-07-04", "2021-07-10", "1970-01-01", "1969-12-31", nil)}, want: rows("1", "7", "5", "4", "NULL")},
		{expr: fn("dayofyear", tI32, d), in: []input{in(tDate, "2021-07-04", "2020-12-31", "2021-01-01")}, want: rows("185", "366", "1")},
		{expr: fn("weekofyear", tI32, d), in: []input{in(tDate, "2021-01-01", "2020-12-31", "2021-07-04", "2021-01-04", "2019-12-30")}, want: rows("53", "53", "26", "1", "1")},
		{expr: fn("quarter", tI32, d), in: []input{in(tDate, "2021-03-31", "2021-04-01", "2021-12-31")}, want: rows("1", "2", "4")},
		{name: "dayofweek of a timestamp", expr: fn("dayofweek", tI32, ts), in: []input{in(tTS, "2021-07-04 23:59:59", "1969-12-31 23:00:00")}, want: rows("1", "4")},
		{name: "quarter of a string", expr: fn("quarter", tI32, col(0, tStr)), in: []input{in(tStr, "2021-08-01")}, want: rows("3")},
		{expr: fn("hour", tI32, ts), in: []input{in(tTS, "2021-07-04 10:30:15", "1969-12-31 23:59:59", nil)}, want: rows("10", "23", "NULL")},
		{expr: fn("minute", tI32, ts), in: []input{in(tTS, "2021-07-04 10:30:15", "1969-12-31 23:59:59")}, want: rows("30", "59")},
		{expr: fn("second", tI32, ts), in: []input{in(tTS, "2021-07-04 10:30:15.9", "1969-12-31 23:59:59.5")}, want: rows("15", "59")},
		{name: "hour of a date", expr: fn("hour", tI32, d), in: []input{in(tDate, "2021-07-04")}, want: rows("0")},
		{expr: fn("last_day", tDate, d), in: []input{in(tDate, "2020-02-10", "2021-02-28", "2021-12-01", nil)}, want: rows("2020-02-29", "2021-02-28", "2021-12-31", "NULL")},
		{expr: fn("add_months", tDate, d, col(1, tI32)), in: []input{in(tDate, "2020-01-31", "2020-03-31", "2020-02-29", nil), in(tI32, 1, -1, 12, 1)},
			want: rows("2020-02-29", "2020-02-29", "2021-02-28", "NULL")},
		{name: "add_months overflow", expr: fn("add_months", tDate, d, lit(2000000000, tI32)), in: []input{in(tDate, "2020-01-31")}, err: "out of range"},
		{expr: fn("make_date", tDate, col(0, tI32), col(1, tI32), col(2, tI32)), in: []input{in(tI32, 2021, 2020, nil), in(tI32, 7, 2, 1), in(tI32, 4, 29, 1)},
			want: rows("2021-07-04", "2020-02-29", "NULL")},
		{name: "make_date of an invalid date", expr: fn("make_date", tDate, col(0, tI32), col(1, tI32), col(2, tI32)), in: []input{in(tI32, 2021), in(tI32, 2), in(tI32, 29)}, err: "invalid date"},
		{name: "make_date month 13", expr: fn("make_date", tDate, col(0, tI32), col(1, tI32), col(2, tI32)), in: []input{in(tI32, 2021), in(tI32, 13), in(tI32, 1)}, err: "invalid date"},
		{name: "date_add", expr: fn("date_add", tDate, d, lit(2, tI32)), in: []input{in(tDate, "2020-02-28", nil)}, want: rows("2020-03-01", "NULL")},
		{name: "date_sub", expr: fn("date_sub", tDate, d, col(1, tI32)), in: []input{in(tDate, "2020-03-01"), in(tI32, 1)}, want: rows("2020-02-29")},
		{name: "datediff", expr: fn("datediff", tI32, d, col(1, tDate)), in: []input{in(tDate, "2020-03-01", "2020-01-01"), in(tDate, "2020-01-01", "2020-03-01")}, want: rows("60", "-60")},
		{expr: fn("date_trunc", tTS, str("month"), ts), in: []input{in(tTS, "2021-07-04 10:30:15", "1969-12-31 23:59:59", nil)},
			want: rows("2021-07-01T00:00:00", "1969-12-01T00:00:00", "NULL")},
		{expr: fn("date_trunc", tTS, str("WEEK"), ts), in: []input{in(tTS, "2021-07-04 10:30:15", "2021-07-05 00:00:00", "1970-01-01 12:00:00")},
			want: rows("2021-06-28T00:00:00", "2021-07-05T00:00:00", "1969-12-29T00:00:00")},
		{expr: fn("date_trunc", tTS, str("hour"), ts), in: []input{in(tTS, "1969-12-31 23:30:00")}, want: rows("1969-12-31T23:00:00")},
		{expr: fn("date_trunc", tTS, str("millisecond"), ts), in: []input{in(tTS, "2021-07-04 10:30:15.123456")}, want: rows("2021-07-04T10:30:15.123000")},
		{name: "date_trunc, unknown unit", expr: fn("date_trunc", tTS, str("fortnight"), ts), in: []input{in(tTS, "2021-07-04 10:30:15")}, want: rows("NULL")},
		{name: "date_trunc, column units", expr: fn("date_trunc", tTS, col(1, tStr), ts),
			in:   []input{in(tTS, "2021-08-04 10:30:15", "2021-08-04 10:30:15", "2021-08-04 10:30:15", "2021-08-04 10:30:15", "2021-08-04 10:30:15"), in(tStr, "quarter", "yy", "bad", nil, "Minute")},
			want: rows("2021-07-01T00:00:00", "2021-01-01T00:00:00", "NULL", "NULL", "2021-08-04T10:30:00")},
		{expr: fn("trunc", tDate, d, str("quarter")), in: []input{in(tDate, "2021-08-04", nil)}, want: rows("2021-07-01", "NULL")},
		{name: "trunc to a day is NULL", expr: fn("trunc", tDate, d, col(1, tStr)), in: []input{in(tDate, "2021-08-04", "2021-08-04"), in(tStr, "day", "mon")}, want: rows("NULL", "2021-08-01")},
		{expr: fn("date_format", tStr, ts, str("yyyy-MM-dd HH:mm:ss")), in: []input{in(tTS, "2021-07-04 09:05:03", nil)}, want: rows("2021-07-04 09:05:03", "NULL")},
		{expr: fn("date_format", tStr, ts, str("EEEE d MMMM yy, h a, D 'day' ''SSSSSS''")), in: []input{in(tTS, "2021-01-04 00:05:03.000250")},
			want: rows("Monday 4 January 21, 12 AM, 4 day '000250'")},
		{name: "date_format, column patterns", expr: fn("date_format", tStr, ts, col(1, tStr)), in: []input{in(tTS, "2021-07-04 21:00:00", "2021-07-04 21:00:00"), in(tStr, "y/M/d", "hh a")},
			want: rows("2021/7/4", "09 PM")},
		{name: "date_format, bad pattern", expr: fn("date_format", tStr, ts, str("yyyy-ww")), in: []input{in(tTS, "2021-07-04 21:00:00")}, err: "unsupported datetime pattern"},
		{expr: fn("to_date", tDate, col(0, tStr), str("dd/MM/yyyy")), in: []input{in(tStr, "04/07/2021", nil)}, want: rows("2021-07-04", "NULL")},
		{name: "to_date, adjacent fields", expr: fn("to_date", tDate, col(0, tStr), str("yyyyMMdd")), in: []input{in(tStr, "20210704")}, want: rows("2021-07-04")},
		{name: "to_date, month names", expr: fn("to_date", tDate, col(0, tStr), str("d MMM yy")), in: []input{in(tStr, "4 jul 21", "31 Dec 99")}, want: rows("2021-07-04", "2099-12-31")},
		{name: "to_date, day of year", expr: fn("to_date", tDate, col(0, tStr), str("yyyy-DDD")), in: []input{in(tStr, "2020-366")}, want: rows("2020-12-31")},
		{name: "to_date, bad day", expr: fn("to_date", tDate, col(0, tStr), str("yyyy-MM-dd")), in: []input{in(tStr, "2021-02-29")}, err: "cannot parse"},
		{name: "to_date, trailing text", expr: fn("to_date", tDate, col(0, tStr), str("yyyy-MM-dd")), in: []input{in(tStr, "2021-02-01x")}, err: "cannot parse"},
		{name: "to_date, two-digit MM", expr: fn("to_date", tDate, col(0, tStr), str("yyyy-MM-dd")), in: []input{in(tStr, "2021-2-01")}, err: "cannot parse"},
		{name: "to_date, one-letter M", expr: fn("to_date", tDate, col(0, tStr), str("yyyy-M-d")), in: []input{in(tStr, "2021-2-1", "2021-12-31")}, want: rows("2021-02-01", "2021-12-31")},
		{name: "to_date without a pattern", expr: fn("to_date", tDate, col(0, tStr)), in: []input{in(tStr, "2021-07-04", nil)}, want: rows("2021-07-04", "NULL")},
		{name: "to_date without a pattern, bad", expr: fn("to_date", tDate, col(0, tStr)), in: []input{in(tStr, "x")}, err: "cannot cast"},
		{expr: fn("to_timestamp", tTS, col(0, tStr), str("dd.MM.yyyy hh:mm:ss.SSS a")), in: []input{in(tStr, "04.07.2021 09:30:15.5 pm", "04.07.2021 12:00:00.000 AM")},
			want: rows("2021-07-04T21:30:15.500000", "2021-07-04T00:00:00")},
		{name: "to_timestamp, hour 24", expr: fn("to_timestamp", tTS, col(0, tStr), str("HH:mm")), in: []input{in(tStr, "24:00")}, err: "cannot parse"},
		{name: "to_timestamp, column patterns", expr: fn("to_timestamp", tTS, col(0, tStr), col(1, tStr)), in: []input{in(tStr, "2021", "07/2021"), in(tStr, "yyyy", "MM/yyyy")},
			want: rows("2021-01-01T00:00:00", "2021-07-01T00:00:00")},
	})
}

func TestCurrentTime(t *testing.T) {
	zone := time.FixedZone("x", 2*3600)
	now := time.Date(2021, 7, 4, 23, 30, 0, 0, zone)
	if got := planner.FormatLiteral(planner.CurrentTime("current_date", now)); got != "DATE '2021-07-04'" {
		t.Errorf("current_date = %s", got)
	}
	if got := planner.FormatLiteral(planner.CurrentTime("current_timestamp", now)); got != "TIMESTAMP '2021-07-04T23:30:00'" {
		t.Errorf("current_timestamp = %s", got)
	}
	// A call that reaches the evaluator gets the current time.
	v, err := EvalConstant(fn("current_date", tDate))
	if err != nil {
		t.Fatal(err)
	}
	if want := planner.CurrentTime("current_date", time.Now()).Value; v.Value != want {
		t.Errorf("current_date() = %v, want %v", v.Value, want)
	}
}

func TestDatePattern(t *testing.T) {
	for _, p := range []string{"yyyy-MM-dd", "'T'HH", "EEE", "''", "a"} {
		if _, err := compileDatePattern([]byte(p)); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	for _, p := range []string{"YYYY", "'abc", "ddd", "q", "SSSSSSSSSS"} {
		if _, err := compileDatePattern([]byte(p)); err == nil {
			t.Errorf("%q: expected an error", p)
		}
	}
}
