//go:build unix

package platform

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time this process has used: benchmarks
// report it per row, which a busy machine distorts less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
