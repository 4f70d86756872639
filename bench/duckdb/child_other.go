//go:build !linux

package main

import "os/exec"

// setParentDeathSignal does nothing here: a child notices that the
// harness is gone when its stdin ends.
func setParentDeathSignal(cmd *exec.Cmd) {}
