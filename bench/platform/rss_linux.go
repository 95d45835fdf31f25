package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// resetPeakRSS resets the process's resident set high-water mark
// (Linux: clear_refs 5).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the resident set high-water mark in bytes (VmHWM).
func peakRSS() int64 { return procStatus("VmHWM")[0] }

// procStatus reads the named fields of /proc/self/status (sizes in kB),
// in bytes; 0 for a field it lacks.
func procStatus(names ...string) []int64 {
	out := make([]int64, len(names))
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		for i, want := range names {
			if name == want {
				n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				out[i] = n << 10
			}
		}
	}
	return out
}

// minorFaults is how many minor page faults the process has taken
// (/proc/self/stat field 10): each first touch of memory fresh from the
// system is one, and on these machines they cost microseconds each.
func minorFaults() int64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 8 {
		return 0
	}
	n, _ := strconv.ParseInt(f[7], 10, 64) // field 10: state is field 3, f[0]
	return n
}
