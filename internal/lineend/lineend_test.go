package lineend

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func lines(t *testing.T, r io.Reader) []string {
	t.Helper()
	b, err := io.ReadAll(NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.Split(s, "\n")
}

func TestLineEnds(t *testing.T) {
	for _, in := range []string{"a\rb\r\rc\r", "a\nb\n\nc\n", "a\r\nb\r\n\r\nc\r\n", "a\rb\n\r\nc\r\n"} {
		for name, r := range map[string]io.Reader{"whole": strings.NewReader(in), "bytewise": iotest.OneByteReader(strings.NewReader(in)),
			"halves": iotest.HalfReader(strings.NewReader(in))} {
			got := lines(t, r)
			if strings.Join(got, "|") != "a|b||c|" {
				t.Errorf("%q %s: %q", in, name, got)
			}
		}
	}
}

// FuzzReader: the result never holds a lone '\r', and splitting it on
// "\n" (after "\r\n" -> "\n") gives as many lines as splitting the input
// on any of the three line ends.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"", "\r", "\r\n", "\n\r", "a\rb\r\nc\nd"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, chunk uint8) {
		r := io.Reader(strings.NewReader(s))
		if chunk%2 == 0 {
			r = iotest.OneByteReader(r)
		}
		b, err := io.ReadAll(NewReader(r))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != len(s) {
			t.Fatalf("%q: %d bytes out of %d", s, len(b), len(s))
		}
		norm := bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		if bytes.IndexByte(norm, '\r') >= 0 {
			t.Fatalf("lone CR left: %q -> %q", s, b)
		}
		want := strings.Count(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n")
		if got := bytes.Count(norm, []byte("\n")); got != want {
			t.Fatalf("%q: %d line ends, want %d", s, got, want)
		}
	})
}
