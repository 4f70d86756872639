package tpch

import (
	"slices"
	"time"
)

// Timing sums up the run times of one query.
type Timing struct {
	Min    time.Duration
	Median time.Duration
}

// Summarize returns the least and the median of times (the mean of the two
// middle ones for an even count); zero for no times. times is not changed.
func Summarize(times []time.Duration) Timing {
	if len(times) == 0 {
		return Timing{}
	}
	s := slices.Clone(times)
	slices.Sort(s)
	mid := len(s) / 2
	med := s[mid]
	if len(s)%2 == 0 {
		med = (s[mid-1] + s[mid]) / 2
	}
	return Timing{Min: s[0], Median: med}
}

// Millis is d in milliseconds.
func Millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// MillisAll is each of ds in milliseconds.
func MillisAll(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = Millis(d)
	}
	return out
}
