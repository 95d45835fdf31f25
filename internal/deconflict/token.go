package deconflict

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"slices"
)

// TokenSize is the length of a token in bytes.
const TokenSize = 32

// Token is one identifier's token.
type Token [TokenSize]byte

// Compare orders tokens bytewise.
func (t Token) Compare(u Token) int { return bytes.Compare(t[:], u[:]) }

// MinMasterKey is the shortest master key accepted, in bytes.
const MinMasterKey = 32

// ErrShortKey is returned for a master key under MinMasterKey bytes.
var ErrShortKey = errors.New("master key shorter than 32 bytes")

// OperationKey derives the HMAC key of one operation from the master key:
// HKDF-SHA-256 with no salt and the info "vibora deconflict v1 operation "
// followed by the operation id; 32 bytes.
func OperationKey(master []byte, operation string) ([]byte, error) {
	if len(master) < MinMasterKey {
		return nil, ErrShortKey
	}
	if operation == "" {
		return nil, errors.New("operation key: empty operation id")
	}
	k, err := hkdf.Key(sha256.New, master, nil, "vibora deconflict v1 operation "+operation, 32)
	if err != nil {
		return nil, fmt.Errorf("operation key: %w", err)
	}
	return k, nil
}

// Tokenizer computes HMAC-SHA-256 tokens under one key. It keeps one HMAC
// state and resets it between tokens (the inner and outer pads are hashed
// once); it is not safe for concurrent use.
type Tokenizer struct {
	mac hash.Hash
	sum []byte
}

// NewTokenizer returns a tokenizer for key (an OperationKey).
func NewTokenizer(key []byte) *Tokenizer {
	return &Tokenizer{mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size)}
}

// Token returns the token of one identifier key.
func (t *Tokenizer) Token(key string) Token {
	t.mac.Reset()
	t.mac.Write([]byte(key))
	t.sum = t.mac.Sum(t.sum[:0])
	return Token(t.sum)
}

// Tokens returns the tokens of keys, in order, appended to dst.
func (t *Tokenizer) Tokens(dst []Token, keys []string) []Token {
	dst = slices.Grow(dst, len(keys))
	for _, k := range keys {
		dst = append(dst, t.Token(k))
	}
	return dst
}

// SortTokens sorts tokens and drops duplicates, the order a file holds.
func SortTokens(ts []Token) []Token {
	slices.SortFunc(ts, Token.Compare)
	return slices.Compact(ts)
}

// Match returns the indexes of own whose tokens are in set (sorted, as a
// file holds them), in the order of own.
func Match(set []Token, own []Token) []int {
	var hits []int
	for i, t := range own {
		if _, ok := slices.BinarySearchFunc(set, t, Token.Compare); ok {
			hits = append(hits, i)
		}
	}
	return hits
}
