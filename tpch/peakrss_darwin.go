package tpch

import "syscall"

// PeakRSS is the most resident memory the process has held, in bytes, and
// whether the system tells it.
func PeakRSS() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return int64(ru.Maxrss), true // macOS counts bytes
}
