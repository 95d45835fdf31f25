package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SigningKey is an agency's Ed25519 signing key. PrivateKey is the sealed
// or plain encoding internal/investigation writes; it never leaves the
// store.
type SigningKey struct {
	ID         int64
	Agency     string
	Name       string
	KeyID      string
	PublicKey  string // base64
	PrivateKey string
	CreatedAt  string
	CreatedBy  string
}

const signingKeyCols = "id, agency, name, key_id, public_key, private_key, created_at, created_by"

func scanSigningKey(s interface{ Scan(...any) error }) (SigningKey, error) {
	var k SigningKey
	err := s.Scan(&k.ID, &k.Agency, &k.Name, &k.KeyID, &k.PublicKey, &k.PrivateKey, &k.CreatedAt, &k.CreatedBy)
	return k, err
}

// InsertSigningKey stores a new key and sets its ID; ErrExists when the
// agency already has a key of that name.
func (tx *Tx) InsertSigningKey(ctx context.Context, k *SigningKey) error {
	id, err := tx.insertID(ctx, "INSERT INTO signing_keys (agency, name, key_id, public_key, private_key, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
		k.Agency, k.Name, k.KeyID, k.PublicKey, k.PrivateKey, k.CreatedAt, k.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("signing key %q of %q: %w", k.Name, k.Agency, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert signing key %q: %w", k.Name, err)
	}
	k.ID = id
	return nil
}

// SigningKeys lists the signing keys by agency and name.
func (q q) SigningKeys(ctx context.Context) ([]SigningKey, error) {
	rows, err := q.query(ctx, "SELECT "+signingKeyCols+" FROM signing_keys ORDER BY agency, name")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSigningKey)
}

// SigningKeyByName returns the agency's key of that name, or ErrNotFound.
func (q q) SigningKeyByName(ctx context.Context, agency, name string) (SigningKey, error) {
	k, err := scanSigningKey(q.queryRow(ctx, "SELECT "+signingKeyCols+" FROM signing_keys WHERE agency = ? AND name = ?", agency, name))
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("signing key %q: %w", name, ErrNotFound)
	}
	return k, err
}

// TrustedKey is a sender's public key an agency (Holder) trusts.
type TrustedKey struct {
	ID        int64
	Holder    string
	KeyID     string
	Agency    string
	Name      string
	PublicKey string // base64
	NotAfter  string
	AddedAt   string
	AddedBy   string
}

const trustedKeyCols = "id, holder, key_id, agency, name, public_key, not_after, added_at, added_by"

func scanTrustedKey(s interface{ Scan(...any) error }) (TrustedKey, error) {
	var k TrustedKey
	err := s.Scan(&k.ID, &k.Holder, &k.KeyID, &k.Agency, &k.Name, &k.PublicKey, &k.NotAfter, &k.AddedAt, &k.AddedBy)
	return k, err
}

// PutTrustedKey adds a key to a holder's registry, or replaces the entry
// of the same key ID (a new end of trust), and sets its ID.
func (tx *Tx) PutTrustedKey(ctx context.Context, k *TrustedKey) error {
	id, err := tx.insertID(ctx, "INSERT INTO trusted_keys (holder, key_id, agency, name, public_key, not_after, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"+
		" ON CONFLICT (holder, key_id) DO UPDATE SET agency = excluded.agency, name = excluded.name, public_key = excluded.public_key, not_after = excluded.not_after, added_at = excluded.added_at, added_by = excluded.added_by",
		k.Holder, k.KeyID, k.Agency, k.Name, k.PublicKey, k.NotAfter, k.AddedAt, k.AddedBy)
	if err != nil {
		return fmt.Errorf("trust key %s: %w", k.KeyID, err)
	}
	k.ID = id
	return nil
}

// TrustedKeys lists the keys holder trusts, by key ID.
func (q q) TrustedKeys(ctx context.Context, holder string) ([]TrustedKey, error) {
	rows, err := q.query(ctx, "SELECT "+trustedKeyCols+" FROM trusted_keys WHERE holder = ? ORDER BY key_id", holder)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTrustedKey)
}
