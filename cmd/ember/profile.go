package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
)

// envCPUProfile names the environment variable that makes any ember
// command write a CPU profile (go tool pprof reads it): the value is the
// file, where "%p" becomes the process id, so that a master and its
// workers started with the same environment write apart.
const envCPUProfile = "EMBER_CPUPROFILE"

// startCPUProfile starts profiling when EMBER_CPUPROFILE is set and
// returns what stops it; the profile is complete once that has run.
func startCPUProfile() (stop func(), err error) {
	path := os.Getenv(envCPUProfile)
	if path == "" {
		return func() {}, nil
	}
	path = strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid()))
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
