package investigation

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// decodeHex agrees with encoding/hex on every input that fits, and
// refuses what does not fit its buffer.
func TestDecodeHex(t *testing.T) {
	for _, s := range []string{"", "00", "ff", "FF", "0a1B", "d41d8cd98f00b204e9800998ecf8427e",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"0", "abc", "0g", "g0", "zz", "0/", "0:", "`0", "@0", "0G", "0\x00", "\xff\xff", "ab cd", "é0"} {
		var buf [32]byte
		got, ok := decodeHex(buf[:], s)
		want, err := hex.DecodeString(s)
		if ok != (err == nil) || (ok && !bytes.Equal(got, want)) {
			t.Errorf("decodeHex(%q) = %x, %v; encoding/hex: %x, %v", s, got, ok, want, err)
		}
	}
	var small [2]byte
	if d, ok := decodeHex(small[:], "00ff00"); ok {
		t.Errorf("decodeHex of 3 bytes into 2 = %x, true", d)
	}
}

// BenchmarkDecodeHex decodes a SHA-256 digest's hex, as each uploaded
// file of a platform dump is looked up in the banks.
func BenchmarkDecodeHex(b *testing.B) {
	const s = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	var buf [32]byte
	for b.Loop() {
		if _, ok := decodeHex(buf[:], s); !ok {
			b.Fatal("not hex")
		}
	}
}

// BenchmarkDecodeHexString is encoding/hex's DecodeString of the same
// digest, for comparison.
func BenchmarkDecodeHexString(b *testing.B) {
	const s = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for b.Loop() {
		if _, err := hex.DecodeString(s); err != nil {
			b.Fatal(err)
		}
	}
}
