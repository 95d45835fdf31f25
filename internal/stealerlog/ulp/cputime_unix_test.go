//go:build unix

package ulp

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return time.Nanosecond
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
