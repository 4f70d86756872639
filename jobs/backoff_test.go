package jobs

import (
	"testing"
	"time"
)

func TestBackoffDoublesWithJitterUnderTheCap(t *testing.T) {
	m := &Manager{cfg: Config{BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second}}
	for _, tc := range []struct {
		attempt int32
		base    time.Duration // before jitter
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{5, time.Second},
		{40, time.Second},
	} {
		lo, hi := tc.base/2, min(tc.base*3/2, m.cfg.BackoffMax)
		var seenLow, seenHigh bool
		for range 500 {
			d := m.backoff(tc.attempt)
			if d < lo || d > hi {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", tc.attempt, d, lo, hi)
			}
			seenLow = seenLow || d < tc.base
			seenHigh = seenHigh || d > tc.base
		}
		if !seenLow || (!seenHigh && tc.base < m.cfg.BackoffMax) {
			t.Errorf("backoff(%d) shows no jitter around %v", tc.attempt, tc.base)
		}
	}
}
