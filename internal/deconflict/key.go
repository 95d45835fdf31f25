package deconflict

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

func fingerprint(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// ParseMasterKey reads a master key file's content: 64 or more hex digits
// (surrounding white space ignored), as MasterKeyFile writes.
func ParseMasterKey(b []byte) ([]byte, error) {
	s := strings.TrimSpace(string(b))
	k, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("master key file: not hex")
	}
	if len(k) < MinMasterKey {
		return nil, ErrShortKey
	}
	return k, nil
}

// MasterKeyFile is the content of a master key file for key.
func MasterKeyFile(key []byte) []byte { return []byte(hex.EncodeToString(key) + "\n") }

// MarshalSigningKey encodes an Ed25519 private key as PKCS #8 PEM.
func MarshalSigningKey(key ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseSigningKey decodes a PKCS #8 PEM Ed25519 private key (as
// MarshalSigningKey or `openssl genpkey -algorithm ed25519` write).
func ParseSigningKey(b []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("signing key: no PRIVATE KEY PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("signing key: not Ed25519")
	}
	return ek, nil
}

// MarshalPublicKey encodes an Ed25519 public key as PKIX PEM.
func MarshalPublicKey(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKeys decodes every PKIX PEM Ed25519 public key in b.
func ParsePublicKeys(b []byte) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "PUBLIC KEY" {
			continue
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("public key: %w", err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, errors.New("public key: not Ed25519")
		}
		keys = append(keys, ek)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PUBLIC KEY PEM block")
	}
	return keys, nil
}
