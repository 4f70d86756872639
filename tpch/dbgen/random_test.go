package dbgen

import (
	"testing"
	"time"
)

// skip(n) lands where n draws do, and mulMod is multiplication modulo
// 2³¹−1.
func TestGenStreamSkip(t *testing.T) {
	for _, n := range []int64{0, 1, 2, 7, 63, 64, 65, 1000, 12345} {
		drawn := stream{seed: 19620718}
		for range n {
			drawn.next()
		}
		skipped := stream{seed: 19620718}
		skipped.skip(n)
		if drawn.seed != skipped.seed {
			t.Errorf("skip(%d): seed %d, want %d", n, skipped.seed, drawn.seed)
		}
	}
	for _, ab := range [][2]int64{{0, 5}, {rngModulus - 1, rngModulus - 1}, {123456789, 16807}, {1 << 30, 1 << 30}} {
		if got, want := mulMod(ab[0], ab[1]), ab[0]*ab[1]%rngModulus; got != want {
			t.Errorf("mulMod(%d, %d) = %d, want %d", ab[0], ab[1], got, want)
		}
	}
}

// A stream spends perRow draws a row, however many the row used.
func TestGenStreamRows(t *testing.T) {
	s := newStream(42, 7, 0)
	for row := int64(1); row <= 10; row++ {
		for range row % 8 {
			s.intIn(1, 50)
		}
		s.endRow()
		if want := newStream(42, 7, row); s.seed != want.seed {
			t.Fatalf("after row %d: seed %d, want %d", row, s.seed, want.seed)
		}
	}
	s = newStream(7, 1, 0)
	for range 10000 {
		if v := s.intIn(-3, 3); v < -3 || v > 3 {
			t.Fatalf("intIn(-3, 3) = %d", v)
		}
	}
}

// Dates print as the calendar says over the whole range dbgen draws.
func TestGenDates(t *testing.T) {
	day := time.Date(1992, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := int32(epochDay1992); d < epochDay1992+dateRangeDays; d++ {
		if got, want := string(appendDate(nil, d)), day.Format(time.DateOnly); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
		day = day.AddDate(0, 0, 1)
	}
	if got := string(appendDate(nil, currentDate)); got != "1995-06-17" {
		t.Errorf("current date %s", got)
	}
	if got := string(appendDate(nil, epochDay1992+orderDateMax)); got != "1998-08-02" {
		t.Errorf("last order date %s", got)
	}
}
