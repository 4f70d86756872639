package main

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has Linux kill the child when the harness dies,
// even by SIGKILL, so that no child outlives it.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
