package cputime

import (
	"testing"
	"time"
)

// Process grows with work the process does and never goes back. The work
// runs until the process has had 10 ms of CPU, not for a wall time: on a
// loaded machine 50 ms of wall time gave it less than 10 (a CI run beside
// another measured 8.7).
func TestProcessGrows(t *testing.T) {
	before := Process()
	if before <= 0 {
		t.Fatalf("CPU time %v at the start of a test", before)
	}
	x := uint64(1)
	last := before
	for deadline := time.Now().Add(30 * time.Second); last < before+10*time.Millisecond && time.Now().Before(deadline); {
		for range 100_000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
		now := Process()
		if now < last {
			t.Fatalf("CPU time went back from %v to %v", last, now)
		}
		last = now
	}
	if last < before+10*time.Millisecond {
		t.Errorf("CPU time %v before 30 s of work and %v after (x=%d)", before, last, x)
	}
}
