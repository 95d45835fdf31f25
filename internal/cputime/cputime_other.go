//go:build !unix

// Package cputime reads the CPU time this process has used, which the
// benchmarks divide their work by: on a shared, noisy machine it is
// distorted far less than wall time.
package cputime

import "time"

var start = time.Now()

// Process falls back to the wall time since the process started where
// getrusage is missing.
func Process() time.Duration { return time.Since(start) }

// System is 0 where getrusage is missing.
func System() time.Duration { return 0 }
