package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOutOfRangeOptions: numeric options outside their range are usage
// errors with a hint, never silently replaced by a default.
func TestOutOfRangeOptions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	if _, e, code := run(t, db, "case", "create", "c1"); code != 0 {
		t.Fatal(e)
	}
	src := t.TempDir()
	for _, args := range [][]string{
		{"clusters", "--case", "c1", "--max-distance", "99"},
		{"clusters", "--case", "c1", "--max-distance", "-3"},
		{"clusters", "--case", "c1", "--min-quality", "101"},
		{"match", "--max-distance", "32", src},
		{"match", "--min-quality", "-1", src},
		{"match", "--min-quality", "200", src},
		{"ingest", "--case", "c1", "--exhibit", "E1", "--max-distance", "40", src},
		{"ingest", "--case", "c1", "--exhibit", "E1", "--min-quality", "-5", src},
		{"ingest", "--case", "c1", "--exhibit", "E1", "--workers", "-2", src},
		{"ingest", "--case", "c1", "--exhibit", "E1", "--max-depth", "-7", src},
	} {
		_, e, code := run(t, db, args...)
		if code != ExitUsage || !strings.Contains(e, "out of range") || !strings.Contains(e, "hint:") {
			t.Errorf("%v: code %d, stderr %q", args, code, e)
		}
	}
	// In range, including the edges, they run.
	for _, args := range [][]string{
		{"clusters", "--case", "c1", "--max-distance", "0"},
		{"clusters", "--case", "c1", "--max-distance", "31", "--min-quality", "0"},
		{"match", "--max-distance", "0", "--min-quality", "100", src},
	} {
		if _, e, code := run(t, db, args...); code != 0 {
			t.Errorf("%v: code %d, stderr %q", args, code, e)
		}
	}
}
