package store

import (
	"testing"
	"time"
)

// FuzzLoginUnix: a login time reads as the general RFC 3339 parser reads
// it, whether the fast form takes it or not.
func FuzzLoginUnix(f *testing.F) {
	for _, s := range []string{"2024-03-02T10:00:00Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-03-02T24:00:00Z",
		"2024-03-02T10:00:60Z", "2024-03-02T10:00:00+02:00", "2024-03-02 10:00:00Z", "2024-03-02T10:00:0aZ", "+024-03-02T10:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok, err := loginUnix(s)
		if s == "" {
			if ok || err != nil {
				t.Fatalf("empty time: %d, %v, %v", got, ok, err)
			}
			return
		}
		want, werr := time.Parse(time.RFC3339, s)
		if (err == nil) != (werr == nil) || (err == nil && (!ok || got != want.Unix())) {
			t.Fatalf("loginUnix(%q) = %d, %v, %v; time.Parse: %d, %v", s, got, ok, err, want.Unix(), werr)
		}
	})
}
