//go:build !linux

package evidence

// PeakMemory returns 0: the peak resident set size is only read on Linux.
func PeakMemory() int64 { return 0 }
