package deconflict

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// The token file format (docs/deconfliction.md):
//
//	line 1   "vibora-deconflict 1\n"
//	line 2   the Header as one line of JSON, then "\n"
//	tokens   Header.Count tokens of TokenSize bytes, sorted ascending, unique
//	trailer  the Ed25519 signature (64 bytes) of every byte before it
//
// The signer's public key is in the header; Read checks the signature and
// asks the caller whether it trusts that key.

// Magic is the first line of a token file.
const Magic = "vibora-deconflict 1\n"

// Scheme names.
const (
	SchemeHMAC = "hmac-sha256-hkdf"         // HMAC-SHA-256 under OperationKey
	SchemeOPRF = "oprf-ristretto255-sha512" // RFC 9497 VOPRF output, first 32 bytes
)

// NormalizationVersion is the version of identifier normalisation the
// tokens were made with (internal/identifier); both sides must agree.
const NormalizationVersion = 1

// Limits on what Read accepts.
const (
	MaxHeader = 64 << 10
	MaxTokens = 50_000_000
)

// Header describes a token file.
type Header struct {
	Scheme        string    `json:"scheme"`
	Normalization int       `json:"normalization"`
	Operation     string    `json:"operation"`
	Kinds         []string  `json:"kinds"` // identifier kinds tokenised, sorted
	Count         int       `json:"count"` // tokens in the file
	Creator       Creator   `json:"creator"`
	Created       time.Time `json:"created"`
	Expires       time.Time `json:"expires"`
	// OPRFKey is the hub's public OPRF key of the operation (hex), for
	// SchemeOPRF: tokens compare only under the same key.
	OPRFKey string `json:"oprf_key,omitempty"`
	// Signer is the Ed25519 public key that signed the file.
	Signer []byte `json:"signer"`
}

// Creator is whom to contact about a match.
type Creator struct {
	Agency  string `json:"agency"`
	Country string `json:"country,omitempty"`
	Contact string `json:"contact"`
}

// File is a read, verified token file.
type File struct {
	Header Header
	Tokens []Token // sorted, unique
}

// Errors of Read.
var (
	ErrFormat    = errors.New("not a vibora deconfliction file")
	ErrSignature = errors.New("signature does not verify")
	ErrUntrusted = errors.New("signer not trusted")
	ErrExpired   = errors.New("file expired")
)

// Write writes h and tokens as a token file signed by key. tokens must be
// sorted and unique (SortTokens); h.Count and h.Signer are set here.
func Write(w io.Writer, h Header, tokens []Token, key ed25519.PrivateKey) error {
	if !slices.IsSortedFunc(tokens, Token.Compare) {
		return errors.New("write token file: tokens not sorted")
	}
	for i := 1; i < len(tokens); i++ {
		if tokens[i] == tokens[i-1] {
			return errors.New("write token file: duplicate token")
		}
	}
	if h.Scheme != SchemeHMAC && h.Scheme != SchemeOPRF {
		return fmt.Errorf("write token file: unknown scheme %q", h.Scheme)
	}
	h.Count = len(tokens)
	h.Signer = key.Public().(ed25519.PublicKey)
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	var head bytes.Buffer
	head.WriteString(Magic)
	head.Write(hj)
	head.WriteByte('\n')
	// Ed25519 signs a message in one piece: the whole body is built once.
	body := make([]byte, 0, head.Len()+len(tokens)*TokenSize)
	body = append(body, head.Bytes()...)
	for _, t := range tokens {
		body = append(body, t[:]...)
	}
	sig := ed25519.Sign(key, body)
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if _, err := w.Write(sig); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	return nil
}

// Read reads and verifies a token file: its format, the signature, that
// trusted accepts the signer's key, and that it has not expired at now.
func Read(r io.Reader, trusted func(ed25519.PublicKey) bool, now time.Time) (*File, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, len(Magic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != Magic {
		return nil, fmt.Errorf("%w: bad first line", ErrFormat)
	}
	hj, err := readLine(br, MaxHeader)
	if err != nil {
		return nil, fmt.Errorf("%w: header at offset %d: %v", ErrFormat, len(Magic), err)
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: header at offset %d: %v", ErrFormat, len(Magic), err)
	}
	if err := h.check(); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	off := len(Magic) + len(hj) + 1
	body := make([]byte, 0, off+h.Count*TokenSize)
	body = append(append(append(body, Magic...), hj...), '\n')
	body = body[:off+h.Count*TokenSize]
	if _, err := io.ReadFull(br, body[off:]); err != nil {
		return nil, fmt.Errorf("%w: tokens at offset %d: %v (truncated)", ErrFormat, off, err)
	}
	sig := make([]byte, ed25519.SignatureSize)
	if _, err := io.ReadFull(br, sig); err != nil {
		return nil, fmt.Errorf("%w: signature at offset %d: truncated", ErrFormat, len(body))
	}
	if n, _ := br.Read(make([]byte, 1)); n != 0 {
		return nil, fmt.Errorf("%w: bytes after the signature at offset %d", ErrFormat, len(body)+len(sig))
	}
	if !ed25519.Verify(h.Signer, body, sig) {
		return nil, ErrSignature
	}
	if trusted == nil || !trusted(h.Signer) {
		return nil, fmt.Errorf("%w: %s", ErrUntrusted, KeyID(h.Signer))
	}
	if !now.Before(h.Expires) {
		return nil, fmt.Errorf("%w at %s", ErrExpired, h.Expires.UTC().Format(time.RFC3339))
	}
	f := &File{Header: h, Tokens: make([]Token, h.Count)}
	for i := range f.Tokens {
		copy(f.Tokens[i][:], body[off+i*TokenSize:])
		if i > 0 && f.Tokens[i].Compare(f.Tokens[i-1]) <= 0 {
			return nil, fmt.Errorf("%w: token %d not in ascending order", ErrFormat, i)
		}
	}
	return f, nil
}

func (h *Header) check() error {
	switch h.Scheme {
	case SchemeHMAC:
	case SchemeOPRF:
		if h.OPRFKey == "" {
			return errors.New("oprf scheme without oprf_key")
		}
	default:
		return fmt.Errorf("unknown scheme %q", h.Scheme)
	}
	if h.Normalization != NormalizationVersion {
		return fmt.Errorf("normalisation version %d, this vibora has %d", h.Normalization, NormalizationVersion)
	}
	if h.Count < 0 || h.Count > MaxTokens {
		return fmt.Errorf("count %d outside 0..%d", h.Count, MaxTokens)
	}
	if len(h.Signer) != ed25519.PublicKeySize {
		return errors.New("signer is not an Ed25519 public key")
	}
	if h.Operation == "" {
		return errors.New("no operation")
	}
	if h.Expires.IsZero() {
		return errors.New("no expiry")
	}
	return nil
}

func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > max {
			return nil, fmt.Errorf("longer than %d bytes", max)
		}
		if err == nil {
			return line[:len(line)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

// KeyID names an Ed25519 public key for people: "ed25519:" and the first
// 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	return "ed25519:" + fingerprint(pub)
}
