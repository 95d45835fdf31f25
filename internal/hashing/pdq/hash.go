package pdq

import (
	"encoding/hex"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit PDQ hash. Byte 0 is the first byte of the reference
// implementation's hex form (the most significant 16-bit word comes first),
// so Hash.String and ParseHex round-trip with Meta's pdq-photo-hasher output.
type Hash [32]byte

// String returns the 64-character lower-case hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHex parses a 64-character hex PDQ hash (either case).
func ParseHex(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("pdq hash %q: want 64 hex characters, got %d", s, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("pdq hash %q: %w", s, err)
	}
	return h, nil
}

// Distance is the Hamming distance between two hashes (0..256).
func Distance(a, b Hash) int {
	d := 0
	for i := 0; i < 32; i += 8 {
		x := uint64(a[i]) | uint64(a[i+1])<<8 | uint64(a[i+2])<<16 | uint64(a[i+3])<<24 |
			uint64(a[i+4])<<32 | uint64(a[i+5])<<40 | uint64(a[i+6])<<48 | uint64(a[i+7])<<56
		y := uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
		d += bits.OnesCount64(x ^ y)
	}
	return d
}
