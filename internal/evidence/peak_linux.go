package evidence

import "syscall"

// PeakMemory returns the largest resident set size the process has had so
// far, in bytes (getrusage's ru_maxrss), or 0 where it is not known.
func PeakMemory() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}
