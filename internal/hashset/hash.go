package hashset

import (
	"bytes"
	"fmt"
	"strings"
)

// HashKind names a hash algorithm a list can carry.
type HashKind uint8

// Hash kinds. HashAuto (the zero value) means "tell by length".
const (
	HashAuto HashKind = iota
	HashMD5
	HashSHA1
	HashSHA256
	HashPDQ
)

var hashKindNames = [...]string{"auto", "md5", "sha1", "sha256", "pdq"}

func (k HashKind) String() string {
	if int(k) < len(hashKindNames) {
		return hashKindNames[k]
	}
	return fmt.Sprintf("HashKind(%d)", k)
}

// HexLen is the length of the kind's hex form (0 for HashAuto).
func (k HashKind) HexLen() int {
	switch k {
	case HashMD5:
		return 32
	case HashSHA1:
		return 40
	case HashSHA256, HashPDQ:
		return 64
	}
	return 0
}

// ParseHashKind reads a hash kind name as used in column headers and the
// --hash-kind option ("md5", "sha1"/"sha-1", "sha256"/"sha-256", "pdq",
// "auto" or ""); case and surrounding space are ignored.
func ParseHashKind(s string) (HashKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return HashAuto, nil
	case "md5":
		return HashMD5, nil
	case "sha1", "sha-1":
		return HashSHA1, nil
	case "sha256", "sha-256":
		return HashSHA256, nil
	case "pdq":
		return HashPDQ, nil
	}
	return HashAuto, fmt.Errorf("hash kind %q: want md5, sha1, sha256 or pdq", s)
}

// KindByLength tells a hex hash's kind from its length: 32 = MD5, 40 =
// SHA-1, 64 = SHA-256 or PDQ. A 64-character value is ambiguous: it is
// hash64 when that is HashPDQ or HashSHA256, and SHA-256 otherwise. The
// rule everywhere: a column header or file hint naming the kind wins, then
// the caller's option, then SHA-256.
func KindByLength(n int, hash64 HashKind) (HashKind, bool) {
	switch n {
	case 32:
		return HashMD5, true
	case 40:
		return HashSHA1, true
	case 64:
		if hash64 == HashPDQ {
			return HashPDQ, true
		}
		return HashSHA256, true
	}
	return HashAuto, false
}

// ParseHex decodes the hex text s as a hash of kind k into dst (which must
// be at least k.HexLen()/2 long) without allocating. Upper and lower case
// are accepted; surrounding space must already be trimmed. With k ==
// HashAuto the kind is told by length (64 hex = hash64, see KindByLength).
// The returned kind is the one decoded. Errors are lowercase and name the
// kind; they never include the whole input.
func ParseHex[T ~string | ~[]byte](s T, k HashKind, hash64 HashKind, dst []byte) (HashKind, error) {
	if k == HashAuto {
		var ok bool
		if k, ok = KindByLength(len(s), hash64); !ok {
			return HashAuto, fmt.Errorf("hash: %d characters is not an md5 (32), sha1 (40) or sha256/pdq (64) length", len(s))
		}
	}
	if n := k.HexLen(); len(s) != n {
		return k, fmt.Errorf("%s: want %d hex characters, got %d", k, n, len(s))
	}
	// Decode first, check once: a non-hex byte maps to 0xff, so the OR
	// of all values is over 15 exactly when one is not hex.
	dst = dst[:len(s)/2]
	var bad byte
	for i := range dst {
		hi, lo := hexVal[s[2*i]], hexVal[s[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	if bad <= 15 {
		return k, nil
	}
	for at := 0; at < len(s); at++ {
		if hexVal[s[at]] > 15 {
			return k, fmt.Errorf("%s: invalid hex character %q at %d", k, s[at], at+1)
		}
	}
	return k, nil
}

// hexVal maps a byte to its hex value, or 0xff for a non-hex byte.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c - 'a' + 10)
		t[c-32] = byte(c - 'a' + 10)
	}
	return t
}()

func unhex(c byte) (byte, bool) {
	v := hexVal[c]
	return v, v != 0xff
}

// IsHex reports whether s is non-empty and all hex digits.
func IsHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return true
}

// LooksLikeHash reports whether s is hex of an MD5, SHA-1 or SHA-256/PDQ
// length (used by header detection).
func LooksLikeHash(s string) bool {
	_, ok := KindByLength(len(s), HashAuto)
	return ok && IsHex(s)
}

// NormaliseHex returns the canonical text form of a hash: trimmed and
// lower-case; it does not validate.
func NormaliseHex(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// SetHex parses s (trimmed; any case) as a hash of kind k (HashAuto: by
// length, 64 hex = hash64) and stores it in r. An empty s is not an error
// and sets nothing.
func (r *Record) SetHex(s string, k HashKind, hash64 HashKind) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var buf [32]byte
	k, err := ParseHex(s, k, hash64, buf[:])
	if err != nil {
		return err
	}
	r.SetHash(k, buf[:k.HexLen()/2])
	return nil
}

// Digests of the empty input. A known-material list entry with one of
// these would match every empty file; importers of known lists reject it.
var (
	emptyMD5    = [16]byte{0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e}
	emptySHA1   = [20]byte{0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55, 0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09}
	emptySHA256 = [32]byte{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55}
)

// EmptyFileHash reports which hash of r, if any, is the digest of
// zero bytes ("" when none is).
func (r *Record) EmptyFileHash() string {
	switch {
	case r.Present&HasMD5 != 0 && r.MD5 == emptyMD5:
		return "md5"
	case r.Present&HasSHA1 != 0 && r.SHA1 == emptySHA1:
		return "sha1"
	case r.Present&HasSHA256 != 0 && bytes.Equal(r.SHA256[:], emptySHA256[:]):
		return "sha256"
	}
	return ""
}

// CheckKnown applies the checks every importer of a known/watch list
// makes before returning a record: at least one comparable hash, and no
// digest of the empty file. It returns a reason, or "" when r is usable.
func (r *Record) CheckKnown() string {
	if !r.HasHash() {
		if r.PhotoDNA != "" {
			return "only a photodna hash (never compared): no usable hash"
		}
		return "no usable hash"
	}
	if k := r.EmptyFileHash(); k != "" {
		return k + " is the digest of an empty file; it would match every empty file"
	}
	return ""
}
