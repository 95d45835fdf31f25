package vics

import "testing"

// TestPlainLen checks the word-at-a-time scan against a byte loop at every
// position of inputs that put each stopping byte at every offset of a word.
func TestPlainLen(t *testing.T) {
	slow := func(b []byte) int {
		n := 0
		for n < len(b) && !strStop[b[n]] {
			n++
		}
		return n
	}
	stops := []byte{'"', '\\', 0, 0x1f, '\n'}
	plain := []byte{' ', '!', '#', '[', ']', 0x7f, 0x80, 0xff, 'a', '0'}
	for _, stop := range stops {
		for _, fill := range plain {
			for n := 0; n < 40; n++ {
				b := make([]byte, 40)
				for i := range b {
					b[i] = fill
				}
				b[n] = stop
				for from := 0; from <= n; from++ {
					if got, want := plainLen(b[from:]), slow(b[from:]); got != want {
						t.Fatalf("stop %#x fill %#x at %d from %d: plainLen %d, want %d", stop, fill, n, from, got, want)
					}
				}
			}
			b := []byte("0123456789abcdef0123")
			b[3] = fill
			if got := plainLen(b); got != len(b) {
				t.Fatalf("no stop, fill %#x: plainLen %d, want %d", fill, got, len(b))
			}
		}
	}
}
