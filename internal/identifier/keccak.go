package identifier

import "golang.org/x/crypto/sha3"

// keccak256 returns the legacy Keccak-256 digest of data (the pre-NIST
// padding 0x01 used by Ethereum and Monero; the standard library's
// crypto/sha3 has only the NIST padding). It is golang.org/x/crypto's,
// whose unrolled permutation took 347-398 ns for an Ethereum address
// against 927-1036 for the loop this package had (go test -bench, three
// runs each): a platform import checksums every deposit address.
func keccak256(data []byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(data)
	var out [32]byte
	h.Sum(out[:0])
	return out
}
