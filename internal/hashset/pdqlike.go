package hashset

import "math/bits"

// PDQLike reports whether a 64-hex string could be a PDQ hash of a real
// image. PDQ sets a bit when a DCT coefficient lies above the median of
// all 256, so a PDQ hash has 128 bits set (a few fewer when coefficients
// tie); a SHA-256 has a binomial count around 128 and lands within
// PDQLikeSlack of it less than half the time. One value proves little;
// every value of a list being PDQ-like is strong evidence.
func PDQLike(hex string) bool {
	if len(hex) != 64 {
		return false
	}
	n := 0
	for i := 0; i < 64; i++ {
		c := hex[i]
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return false
		}
		n += bits.OnesCount8(v)
	}
	return n >= 128-PDQLikeSlack && n <= 128+PDQLikeSlack
}

// PDQLikeSlack is how far from 128 set bits a PDQ-like value may be.
const PDQLikeSlack = 4
