package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type countingBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *countingBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *countingBuffer) String() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

// TestLogBuffer: lines reach the writer whole and in order, batched: after
// the flush delay, when the buffer fills, and on Close; after Close at once.
func TestLogBuffer(t *testing.T) {
	var out countingBuffer
	b := newLogBuffer(&out)
	b.Write([]byte("one\n"))
	b.Write([]byte("two\n"))
	// The scheduled flush writes both in one call (waited for, not timed).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if s, n := out.String(); s == "one\ntwo\n" {
			if n != 1 {
				t.Errorf("%d writes for two lines logged together, want 1", n)
			}
			break
		}
		if time.Now().After(deadline) {
			s, _ := out.String()
			t.Fatalf("after 10 s the writer holds %q", s)
		}
	}
	// A full buffer is written at once.
	long := strings.Repeat("x", logBufferMax) + "\n"
	b.Write([]byte(long))
	if s, _ := out.String(); s != "one\ntwo\n"+long {
		t.Errorf("a full buffer was not written at once (%d bytes out)", len(s))
	}
	b.Write([]byte("three\n"))
	b.Close()
	if s, _ := out.String(); !strings.HasSuffix(s, long+"three\n") {
		t.Errorf("Close did not write the waiting line: %q", s[len(s)-10:])
	}
	b.Write([]byte("four\n"))
	if s, _ := out.String(); !strings.HasSuffix(s, "three\nfour\n") {
		t.Errorf("a line after Close was not written at once")
	}
}
