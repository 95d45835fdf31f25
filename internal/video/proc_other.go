//go:build !linux

package video

import (
	"os"
	"os/exec"
)

// harden relies on the context's kill of the child alone: process groups
// and the parent-death signal are Linux-specific here.
func harden(cmd *exec.Cmd) {}

func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

// limitMemory is not available: the child runs without an address-space
// cap (the time limit still applies).
func limitMemory(pid int, bytes int64) error { return nil }

// growPipe keeps the system's pipe size.
func growPipe(f *os.File) {}
