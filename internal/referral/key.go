package referral

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// KeyAlgorithm is the only signature algorithm of a package.
const KeyAlgorithm = "ed25519"

// PublicKey is an agency's public signing key as it travels: in a bag's
// signatures/signer.pub, in the file `vibora key export` writes, and in the
// trusted-sender registry (with NotAfter, the end of the trust).
type PublicKey struct {
	Algorithm string            `json:"algorithm"`
	ID        string            `json:"key_id"`
	Agency    string            `json:"agency"`
	Name      string            `json:"name"`
	Key       ed25519.PublicKey `json:"public_key"`
	NotAfter  string            `json:"not_after,omitempty"` // RFC 3339; empty: no end
}

// KeyID is the identifier of a public key: the first 16 hex digits of
// its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// NewPublicKey describes pub.
func NewPublicKey(pub ed25519.PublicKey, agency, name string) PublicKey {
	return PublicKey{Algorithm: KeyAlgorithm, ID: KeyID(pub), Agency: agency, Name: name, Key: pub}
}

// Marshal encodes the key as one JSON line; ParsePublicKey accepts only
// this encoding, so a key file has one spelling.
func (k PublicKey) Marshal() []byte {
	b, _ := json.Marshal(k) // the fields cannot fail to encode
	return append(b, '\n')
}

// ParsePublicKey reads a public key file: known fields only, the key
// 32 bytes, its ID matching, and the bytes exactly those Marshal writes.
func ParsePublicKey(b []byte) (PublicKey, error) {
	var k PublicKey
	if len(b) > MaxTagFile {
		return k, fmt.Errorf("public key: larger than %d bytes", MaxTagFile)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&k); err != nil {
		return k, fmt.Errorf("public key: %w", err)
	}
	if k.Algorithm != KeyAlgorithm {
		return k, fmt.Errorf("public key: algorithm %q, want %s", k.Algorithm, KeyAlgorithm)
	}
	if len(k.Key) != ed25519.PublicKeySize {
		return k, fmt.Errorf("public key: %d bytes, want %d", len(k.Key), ed25519.PublicKeySize)
	}
	if k.ID != KeyID(k.Key) {
		return k, fmt.Errorf("public key: id %q does not match the key (%s)", k.ID, KeyID(k.Key))
	}
	if k.NotAfter != "" {
		if _, err := time.Parse(time.RFC3339, k.NotAfter); err != nil {
			return k, fmt.Errorf("public key: not_after: %w", err)
		}
	}
	if !bytes.Equal(b, k.Marshal()) {
		return k, fmt.Errorf("public key: not in its canonical encoding")
	}
	return k, nil
}

// Expired reports whether the trust in k has ended at now.
func (k PublicKey) Expired(now time.Time) bool {
	if k.NotAfter == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, k.NotAfter)
	return err != nil || !now.Before(t)
}

// Signer is a private key with its public description.
type Signer struct {
	Key    ed25519.PrivateKey
	Public PublicKey
}

// NewSigner pairs a private key with its public description.
func NewSigner(priv ed25519.PrivateKey, agency, name string) Signer {
	return Signer{Key: priv, Public: NewPublicKey(priv.Public().(ed25519.PublicKey), agency, name)}
}

// Trust is the registry of trusted senders' keys, by key ID.
type Trust map[string]PublicKey

// NewTrust indexes keys by ID.
func NewTrust(keys ...PublicKey) Trust {
	t := Trust{}
	for _, k := range keys {
		t[k.ID] = k
	}
	return t
}

// check finds the trusted key matching signer at now: the same key, agency
// and name.
func (t Trust) check(signer PublicKey, now time.Time) (PublicKey, *Failure) {
	k, ok := t[signer.ID]
	if !ok || !bytes.Equal(k.Key, signer.Key) || k.Agency != signer.Agency || k.Name != signer.Name {
		return k, &Failure{Check: CheckUntrusted, File: SignerFile, Detail: fmt.Sprintf("key %s (%s, %s) is not in the trusted-sender registry", signer.ID, signer.Agency, signer.Name)}
	}
	if k.Expired(now) {
		return k, &Failure{Check: CheckExpired, File: SignerFile, Detail: fmt.Sprintf("trust in key %s (%s) ended at %s", k.ID, k.Agency, k.NotAfter)}
	}
	return k, nil
}
