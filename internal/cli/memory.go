package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// memoryLimitFlag is --memory-limit: a byte size with a binary or decimal
// unit (2GiB, 512MiB, 1.5G, 800M), or "none" (no budget). Unset, it takes
// VIBORA_MEMORY_LIMIT, then the default of the ingest.
type memoryLimitFlag struct{ v *int64 }

func (f *memoryLimitFlag) String() string {
	if f.v == nil || *f.v == 0 {
		return ""
	}
	return memoryBudget(*f.v)
}

func (f *memoryLimitFlag) Type() string { return "size" }

func (f *memoryLimitFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*f.v = n
	return nil
}

// parseSize reads a memory size; "none", "off" and "0" are -1 (no limit).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "none", "off", "0":
		return -1, nil
	}
	units := []struct {
		suffix string
		mul    float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1}}
	mul := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mul = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mul
			break
		}
	}
	x, err := strconv.ParseFloat(t, 64)
	if err != nil || x <= 0 || x*mul < 64<<20 {
		return 0, fmt.Errorf("memory size %q: want a size of at least 64MiB such as 2GiB or 512MiB, or none", s)
	}
	return int64(x * mul), nil
}

// memoryBudget shows a budget in binary units ("none" for no limit).
func memoryBudget(n int64) string {
	switch {
	case n <= 0:
		return "none"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
}

// envMemoryLimit applies VIBORA_MEMORY_LIMIT when the flag was not given.
func envMemoryLimit(v *int64) error {
	s := os.Getenv("VIBORA_MEMORY_LIMIT")
	if *v != 0 || s == "" {
		return nil
	}
	n, err := parseSize(s)
	if err != nil {
		return fmt.Errorf("VIBORA_MEMORY_LIMIT: %w", err)
	}
	*v = n
	return nil
}
