// Package secret makes and checks the secrets accounts use: passwords
// hashed with argon2id and stored as PHC strings, generated passwords, API
// tokens and session ids. Tokens and session ids are 256-bit random values,
// so only their SHA-256 is stored: a fast hash is enough for a secret that
// cannot be guessed, and checking one costs one hash and one lookup.
//
// Password hashes use argon2id (RFC 9106) with DefaultParams: 64 MiB of
// memory, 3 passes, 4 lanes, a 16-byte random salt and a 32-byte key, RFC
// 9106's second recommended setting: about 0.18 s of CPU and 0.27 s of
// wall time per hash on a shared 2-core machine (BenchmarkHashPassword).
// They are stored as
//
//	$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>
//
// with salt and key in unpadded standard base64. Checking reads the
// parameters from the string, so hashes made with other parameters still
// verify, and NeedsRehash tells the caller to upgrade them.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are the parameters new password hashes use.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}

// Bounds on parameters read from a PHC string, so that a damaged or hostile
// string cannot make a check allocate without limit.
const (
	maxPHCLen   = 512
	maxMemory   = 1 << 20 // KiB: 1 GiB
	maxTime     = 64
	minSaltLen  = 8
	maxSaltLen  = 64
	minKeyLen   = 16
	maxKeyLen   = 64
	phcPrefix   = "$argon2id$v=19$"
	minPassword = 12
	maxPassword = 1024
)

// Errors.
var (
	ErrPHC      = errors.New("not an argon2id PHC string")
	ErrPassword = errors.New("unacceptable password")
)

// PHC is a parsed argon2id password hash.
type PHC struct {
	Params
	Salt []byte
	Key  []byte
}

// String is the PHC string form.
func (h PHC) String() string {
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, h.Memory, h.Time, h.Threads, enc.EncodeToString(h.Salt), enc.EncodeToString(h.Key))
}

// ParsePHC parses an argon2id PHC string of version 19, refusing
// parameters outside sane bounds.
func ParsePHC(s string) (PHC, error) {
	var h PHC
	if len(s) > maxPHCLen {
		return h, fmt.Errorf("%w: %d bytes, at most %d", ErrPHC, len(s), maxPHCLen)
	}
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return h, fmt.Errorf("%w: want prefix %s", ErrPHC, phcPrefix)
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return h, fmt.Errorf("%w: want parameters, salt and key", ErrPHC)
	}
	params := strings.Split(parts[0], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: want m=,t=,p=", ErrPHC)
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(params[i], name)
		if !ok || v == "" || (len(v) > 1 && v[0] == '0') {
			return h, fmt.Errorf("%w: parameter %d: want %sN", ErrPHC, i+1, name)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, fmt.Errorf("%w: parameter %s: %v", ErrPHC, name, err)
		}
		vals[i] = n
	}
	h.Memory, h.Time = uint32(vals[0]), uint32(vals[1])
	if vals[2] < 1 || vals[2] > 255 {
		return h, fmt.Errorf("%w: p=%d: want 1..255", ErrPHC, vals[2])
	}
	h.Threads = uint8(vals[2])
	if h.Time < 1 || h.Time > maxTime {
		return h, fmt.Errorf("%w: t=%d: want 1..%d", ErrPHC, h.Time, maxTime)
	}
	if h.Memory < 8*uint32(h.Threads) || h.Memory > maxMemory {
		return h, fmt.Errorf("%w: m=%d: want %d..%d KiB", ErrPHC, h.Memory, 8*uint32(h.Threads), maxMemory)
	}
	var err error
	if h.Salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[1]); err != nil || len(h.Salt) < minSaltLen || len(h.Salt) > maxSaltLen {
		return h, fmt.Errorf("%w: salt: want %d..%d bytes of unpadded base64", ErrPHC, minSaltLen, maxSaltLen)
	}
	if h.Key, err = base64.RawStdEncoding.Strict().DecodeString(parts[2]); err != nil || len(h.Key) < minKeyLen || len(h.Key) > maxKeyLen {
		return h, fmt.Errorf("%w: key: want %d..%d bytes of unpadded base64", ErrPHC, minKeyLen, maxKeyLen)
	}
	h.SaltLen, h.KeyLen = uint32(len(h.Salt)), uint32(len(h.Key))
	return h, nil
}

// CheckPasswordPolicy refuses passwords too short to resist guessing or too
// long to hash (bytes, after no normalisation).
func CheckPasswordPolicy(password string) error {
	switch {
	case len(password) < minPassword:
		return fmt.Errorf("%w: at least %d characters", ErrPassword, minPassword)
	case len(password) > maxPassword:
		return fmt.Errorf("%w: at most %d bytes", ErrPassword, maxPassword)
	}
	return nil
}

// HashPassword hashes a password with a new random salt and returns the PHC
// string.
func HashPassword(password string, p Params) (string, error) {
	if p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen || p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen ||
		p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory {
		return "", fmt.Errorf("argon2id parameters %+v out of bounds", p)
	}
	h := PHC{Params: p, Salt: make([]byte, p.SaltLen)}
	if _, err := rand.Read(h.Salt); err != nil {
		return "", err
	}
	h.Key = argon2.IDKey([]byte(password), h.Salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return h.String(), nil
}

// CheckPassword reports whether password matches the PHC string, comparing
// in constant time. An unparsable string is an error, never a match.
func CheckPassword(phc, password string) (bool, error) {
	h, err := ParsePHC(phc)
	if err != nil {
		return false, err
	}
	if len(password) > maxPassword {
		return false, nil
	}
	key := argon2.IDKey([]byte(password), h.Salt, h.Time, h.Memory, h.Threads, h.KeyLen)
	return subtle.ConstantTimeCompare(key, h.Key) == 1, nil
}

// NeedsRehash reports whether a PHC string was made with other parameters
// than p, so that a successful login should store a new hash.
func NeedsRehash(phc string, p Params) bool {
	h, err := ParsePHC(phc)
	return err != nil || h.Params != p
}

// passwordAlphabet has no look-alike characters (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// GeneratePassword returns a random password of 24 characters from a
// 57-character alphabet: about 140 bits, in groups of four for reading
// aloud (abcd-efgh-...).
func GeneratePassword() string {
	const n = len(passwordAlphabet)
	var b strings.Builder
	var buf [64]byte
	for i := 0; i < 24; {
		rand.Read(buf[:])
		for _, c := range buf {
			if i == 24 {
				break
			}
			if int(c) >= 256/n*n { // rejection keeps every character equally likely
				continue
			}
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(passwordAlphabet[int(c)%n])
			i++
		}
	}
	return b.String()
}

// TokenPrefix starts every API token, so that a leaked one is recognisable
// (secret scanners, logs).
const TokenPrefix = "vbr_"

// tokenLen is the length of a token: the prefix and 32 bytes in unpadded
// base64url.
var tokenLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(32)

// NewToken returns a new API token and the digest to store for it.
func NewToken() (token, digest string) {
	token = TokenPrefix + random32()
	return token, Digest(token)
}

// LooksLikeToken reports whether s has the shape of a token: checked before
// any lookup, so that garbage costs nothing.
func LooksLikeToken(s string) bool {
	if len(s) != tokenLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	for i := len(TokenPrefix); i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NewSessionID returns a new opaque session id (for a cookie) and the
// digest to store for it.
func NewSessionID() (id, digest string) {
	id = random32()
	return id, Digest(id)
}

// Digest is the hex SHA-256 of a token or session id: what the store keeps.
func Digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// random32 is 32 random bytes in unpadded base64url. crypto/rand.Read
// never fails (Go 1.24 and later).
func random32() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
