package textfmt

import (
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// TestAppendDateMatchesTime checks dates over the whole DATE32 range
// against time.Format, years of more than four digits and before year 1
// included.
func TestAppendDateMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	days := []int64{0, -1, 1, -719162, -719163, -719528, -719529, 2932896, 2932897, 11016, 59, 60, 365, 366,
		math.MaxInt32, math.MinInt32}
	for i := 0; i < 5000; i++ {
		days = append(days, int64(int32(rng.Uint32())), rng.Int63n(3_652_059)-719_162)
	}
	for _, d := range days {
		want := epoch.AddDate(0, 0, int(d)).Format("2006-01-02")
		if got := string(AppendDate(nil, d)); got != want {
			t.Fatalf("date %d: got %s, want %s", d, got, want)
		}
	}
}

func TestAppendDate(t *testing.T) {
	cases := []struct {
		days int64
		want string
	}{
		{0, "1970-01-01"},
		{18292, "2020-01-31"},
		{-1, "1969-12-31"},
		{-719162, "0001-01-01"},
		{-719163, "0000-12-31"},
		{-719529, "-0001-12-31"},
		{2932896, "9999-12-31"},
		{2932897, "10000-01-01"},
	}
	for _, tc := range cases {
		if got := string(AppendDate([]byte("d="), tc.days)); got != "d="+tc.want {
			t.Errorf("%d: got %s, want d=%s", tc.days, got, tc.want)
		}
	}
}

func TestAppendDateMillis(t *testing.T) {
	cases := []struct {
		ms   int64
		want string
	}{
		{0, "1970-01-01"},
		{86_399_999, "1970-01-01"},
		{86_400_000, "1970-01-02"},
		{-1, "1969-12-31"},
		{-86_400_000, "1969-12-31"},
		{-86_400_001, "1969-12-30"},
	}
	for _, tc := range cases {
		if got := string(AppendDateMillis(nil, tc.ms)); got != tc.want {
			t.Errorf("%d: got %s, want %s", tc.ms, got, tc.want)
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	cases := []struct {
		v     int64
		unit  arrow.TimeUnit
		sep   byte
		zoned bool
		want  string
	}{
		{0, arrow.Second, 'T', false, "1970-01-01T00:00:00"},
		{-1, arrow.Second, 'T', false, "1969-12-31T23:59:59"},
		{1_580_464_800_123, arrow.Millisecond, 'T', false, "2020-01-31T10:00:00.123000"},
		{1_580_464_800_500_000, arrow.Microsecond, 'T', false, "2020-01-31T10:00:00.500000"},
		{1_580_464_800_500_000, arrow.Microsecond, ' ', false, "2020-01-31 10:00:00.500000"},
		{-1, arrow.Microsecond, 'T', false, "1969-12-31T23:59:59.999999"},
		{1_000_000_001, arrow.Nanosecond, 'T', true, "1970-01-01T00:00:01.000000001Z"},
		{2_000_000_000, arrow.Nanosecond, 'T', true, "1970-01-01T00:00:02Z"},
		{2_000_001_000, arrow.Nanosecond, ' ', true, "1970-01-01 00:00:02.000001Z"},
	}
	for _, tc := range cases {
		if got := string(AppendTimestamp(nil, tc.v, tc.unit, tc.sep, tc.zoned)); got != tc.want {
			t.Errorf("%d %s: got %s, want %s", tc.v, tc.unit, got, tc.want)
		}
	}
}

// TestAppendTimestampMatchesTime checks random instants of every unit
// against time.Format.
func TestAppendTimestampMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	units := []struct {
		unit arrow.TimeUnit
		ns   int64 // nanoseconds per unit
	}{{arrow.Second, 1e9}, {arrow.Millisecond, 1e6}, {arrow.Microsecond, 1e3}, {arrow.Nanosecond, 1}}
	for _, u := range units {
		for i := 0; i < 3000; i++ {
			v := int64(rng.Uint64())
			if u.unit == arrow.Second {
				v %= 1e14 // time.Time holds years up to about 292 billion
			}
			if i%3 == 0 {
				v -= v % (1e9 / u.ns) // whole seconds, where it means anything
			}
			sec, nsec := v/(1e9/u.ns), v%(1e9/u.ns)*u.ns
			tm := time.Unix(sec, nsec).UTC()
			layout := "2006-01-02T15:04:05"
			switch {
			case tm.Nanosecond() == 0:
			case tm.Nanosecond()%1000 == 0:
				layout += ".000000"
			default:
				layout += ".000000000"
			}
			if got, want := string(AppendTimestamp(nil, v, u.unit, 'T', false)), tm.Format(layout); got != want {
				t.Fatalf("%d %s: got %s, want %s", v, u.unit, got, want)
			}
		}
	}
}

func TestAppendTimeOfDay(t *testing.T) {
	cases := []struct {
		v    int64
		unit arrow.TimeUnit
		want string
	}{
		{0, arrow.Second, "00:00:00"},
		{86399, arrow.Second, "23:59:59"},
		{37230_000, arrow.Millisecond, "10:20:30"},
		{37230_001, arrow.Millisecond, "10:20:30.001000"},
		{37230_000_000, arrow.Microsecond, "10:20:30"},
		{1, arrow.Microsecond, "00:00:00.000001"},
		{1, arrow.Nanosecond, "00:00:00.000000001"},
	}
	for _, tc := range cases {
		if got := string(AppendTimeOfDay(nil, tc.v, tc.unit)); got != tc.want {
			t.Errorf("%d %s: got %s, want %s", tc.v, tc.unit, got, tc.want)
		}
	}
}
