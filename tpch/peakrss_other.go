//go:build !linux && !darwin

package tpch

// PeakRSS is the most resident memory the process has held, in bytes, and
// whether the system tells it: this system does not.
func PeakRSS() (int64, bool) { return 0, false }
