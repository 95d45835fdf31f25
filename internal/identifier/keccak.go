package identifier

import (
	"encoding/binary"
	"math/bits"
)

// Legacy Keccak-256 (the pre-NIST padding 0x01 used by Ethereum and
// Monero). The standard library's crypto/sha3 implements only the NIST
// padding (0x06), so the permutation is implemented here.

var keccakRC = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
	0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
	0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// keccakRot holds the rotation offsets r[x+5y].
var keccakRot = [25]int{
	0, 1, 62, 28, 27,
	36, 44, 6, 55, 20,
	3, 10, 43, 25, 39,
	41, 45, 15, 21, 8,
	18, 2, 61, 56, 14,
}

// keccakPi[i] is the lane that lane i moves to in the ρ/π step:
// B[y, 2x+3y] = rot(A[x, y], r[x, y]).
var keccakPi = func() (t [25]int) {
	for x := 0; x < 5; x++ {
		for y := 0; y < 5; y++ {
			t[x+5*y] = y + 5*((2*x+3*y)%5)
		}
	}
	return t
}()

func keccakF1600(a *[25]uint64) {
	var b [25]uint64
	for round := 0; round < 24; round++ {
		// θ
		c0 := a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
		c1 := a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
		c2 := a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
		c3 := a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
		c4 := a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
		d := [5]uint64{
			c4 ^ bits.RotateLeft64(c1, 1),
			c0 ^ bits.RotateLeft64(c2, 1),
			c1 ^ bits.RotateLeft64(c3, 1),
			c2 ^ bits.RotateLeft64(c4, 1),
			c3 ^ bits.RotateLeft64(c0, 1),
		}
		// θ applied while doing ρ and π
		for i := 0; i < 25; i++ {
			b[keccakPi[i]] = bits.RotateLeft64(a[i]^d[i%5], keccakRot[i])
		}
		// χ
		for y := 0; y < 25; y += 5 {
			b0, b1, b2, b3, b4 := b[y], b[y+1], b[y+2], b[y+3], b[y+4]
			a[y] = b0 ^ (^b1 & b2)
			a[y+1] = b1 ^ (^b2 & b3)
			a[y+2] = b2 ^ (^b3 & b4)
			a[y+3] = b3 ^ (^b4 & b0)
			a[y+4] = b4 ^ (^b0 & b1)
		}
		// ι
		a[0] ^= keccakRC[round]
	}
}

// keccak256 returns the legacy Keccak-256 digest of data.
func keccak256(data []byte) [32]byte {
	const rate = 136
	var st [25]uint64
	for len(data) >= rate {
		for i := 0; i < rate/8; i++ {
			st[i] ^= binary.LittleEndian.Uint64(data[i*8:])
		}
		keccakF1600(&st)
		data = data[rate:]
	}
	var block [rate]byte
	copy(block[:], data)
	block[len(data)] ^= 0x01
	block[rate-1] ^= 0x80
	for i := 0; i < rate/8; i++ {
		st[i] ^= binary.LittleEndian.Uint64(block[i*8:])
	}
	keccakF1600(&st)
	var out [32]byte
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint64(out[i*8:], st[i])
	}
	return out
}
