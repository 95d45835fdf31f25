package cputime

import (
	"testing"
	"time"
)

// Process grows with work the process does and never goes back.
func TestProcessGrows(t *testing.T) {
	before := Process()
	x := uint64(1)
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
		for range 1000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	after := Process()
	if before <= 0 || after < before+10*time.Millisecond {
		t.Errorf("CPU time %v before 50 ms of work and %v after (x=%d)", before, after, x)
	}
}
