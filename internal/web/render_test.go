package web

import (
	"strings"
	"testing"
)

// TestBreakPoints: the pieces join to the value, each but the last ends
// with a separator, and no piece holds a separator before its end.
func TestBreakPoints(t *testing.T) {
	for in, want := range map[string][]string{
		"":                       nil,
		"alex":                   {"alex"},
		"sky.sample@example.org": {"sky.", "sample@", "example.", "org"},
		"https://board.example.org/login.php?next=/u/1": {"https:", "/", "/", "board.", "example.", "org/", "login.", "php?", "next=", "/", "u/", "1"},
		"user_name-2+tag#x":                             {"user_", "name-", "2+", "tag#", "x"},
		"@":                                             {"@"},
	} {
		got := breakPoints(in)
		if strings.Join(got, "|") != strings.Join(want, "|") || strings.Join(got, "") != in {
			t.Errorf("breakPoints(%q) = %q, want %q", in, got, want)
		}
	}
}
