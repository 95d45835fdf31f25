//go:build unix

// Package cputime reads the CPU time this process has used, which the
// benchmarks divide their work by: on a shared, noisy machine it is
// distorted far less than wall time.
package cputime

import (
	"syscall"
	"time"
)

// Process is the user+system CPU time this process has used so far (0
// when the system will not say).
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// System is the part of Process spent in the kernel on the process's
// behalf (system calls, page faults): on a virtual machine, memory the
// guest has never touched costs far more there than memory it reuses.
func System() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Stime.Nano())
}
