package investigation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/referral"
	"github.com/vibora-project/vibora/internal/store"
)

// ErrPassphrase marks a wrong or missing passphrase of a sealed key.
var ErrPassphrase = errors.New("wrong or missing passphrase")

// SigningKey is an agency's referral signing key as shown: never the
// private key.
type SigningKey struct {
	Agency    string `json:"agency"`
	Name      string `json:"name"`
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"` // base64
	Sealed    bool   `json:"sealed"`     // the private key is encrypted under a passphrase
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func signingKeyView(k store.SigningKey) SigningKey {
	return SigningKey{Agency: k.Agency, Name: k.Name, KeyID: k.KeyID, PublicKey: k.PublicKey, Sealed: !strings.HasPrefix(k.PrivateKey, plainPrefix),
		CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy}
}

// TrustedKey is an entry of the trusted-sender registry.
type TrustedKey struct {
	KeyID     string `json:"key_id"`
	Agency    string `json:"agency"`
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
	NotAfter  string `json:"not_after,omitempty"`
	AddedAt   string `json:"added_at"`
	AddedBy   string `json:"added_by"`
}

func trustedKeyView(k store.TrustedKey) TrustedKey {
	return TrustedKey{KeyID: k.KeyID, Agency: k.Agency, Name: k.Name, PublicKey: k.PublicKey, NotAfter: k.NotAfter, AddedAt: k.AddedAt, AddedBy: k.AddedBy}
}

// How a private key is kept: plainPrefix and the seed, or sealPrefix and
// the argon2id parameters, salt, nonce and XChaCha20-Poly1305 ciphertext
// of the seed (the key ID as associated data).
const (
	plainPrefix = "plain$"
	sealPrefix  = "argon2id-xchacha20poly1305$"
	maxKeyName  = 100
)

func checkKeyName(what, s string) error {
	if s == "" || len(s) > maxKeyName || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' }) {
		return fmt.Errorf("%s %q: 1 to %d printable characters without spaces or slashes: %w", what, s, maxKeyName, ErrInvalid)
	}
	return nil
}

// keyAgency is the agency a key is for: the one named, else the
// principal's; the principal must administer that agency's accounts.
func (s *Service) keyAgency(ctx context.Context, agency string, perm access.Permission) (access.Principal, string, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return p, "", err
	}
	if agency == "" {
		agency = p.Agency
	}
	if agency == "" {
		return p, "", fmt.Errorf("name the agency the key signs for (--agency): %w", ErrInvalid)
	}
	if err := checkKeyName("agency", agency); err != nil {
		return p, "", err
	}
	if !p.Allows(access.User, perm, agency) && !(perm == access.Read && p.Agency == agency) {
		return p, "", fmt.Errorf("signing keys of %s: %w", agency, access.ErrForbidden)
	}
	return p, agency, nil
}

// CreateKey makes a new Ed25519 signing key for an agency (agency "": the
// principal's). A non-empty passphrase seals the private key (argon2id,
// then XChaCha20-Poly1305); the private key is never shown or exported.
func (s *Service) CreateKey(ctx context.Context, agency, name string, passphrase []byte) (SigningKey, error) {
	p, agency, err := s.keyAgency(ctx, agency, access.Admin)
	if err != nil {
		return SigningKey{}, err
	}
	if err := checkKeyName("key name", name); err != nil {
		return SigningKey{}, err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return SigningKey{}, err
	}
	k := store.SigningKey{Agency: agency, Name: name, KeyID: referral.KeyID(pub), PublicKey: base64.StdEncoding.EncodeToString(pub),
		CreatedAt: s.timestamp(), CreatedBy: p.Name}
	if k.PrivateKey, err = s.sealKey(priv.Seed(), k.KeyID, passphrase); err != nil {
		return SigningKey{}, err
	}
	ch := &change{action: "key.create", object: "key:" + agency + "/" + name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertSigningKey(ctx, &k); err != nil {
			return err
		}
		ch.after = signingKeyView(k)
		return nil
	})
	return signingKeyView(k), err
}

func (s *Service) sealKey(seed []byte, keyID string, passphrase []byte) (string, error) {
	if len(passphrase) == 0 {
		return plainPrefix + base64.StdEncoding.EncodeToString(seed), nil
	}
	prm := s.pwParams
	salt := make([]byte, 16)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, salt, prm.Time, prm.Memory, prm.Threads, chacha20poly1305.KeySize))
	if err != nil {
		return "", err
	}
	ct := aead.Seal(nil, nonce, seed, []byte(keyID))
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s$%s", sealPrefix, prm.Memory, prm.Time, prm.Threads, b64(salt), b64(nonce), b64(ct)), nil
}

// openKey returns the private key of a stored key, unsealing it with
// passphrase when it is sealed.
func openKey(k store.SigningKey, passphrase []byte) (ed25519.PrivateKey, error) {
	var seed []byte
	if rest, ok := strings.CutPrefix(k.PrivateKey, plainPrefix); ok {
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: damaged", k.Name)
		}
		seed = b
	} else if rest, ok := strings.CutPrefix(k.PrivateKey, sealPrefix); ok {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("signing key %s is sealed: give its passphrase (--passphrase-stdin): %w (%w)", k.Name, ErrPassphrase, ErrInvalid)
		}
		parts := strings.Split(rest, "$")
		var m, t uint64
		var th uint64
		if len(parts) != 4 {
			return nil, fmt.Errorf("signing key %s: damaged", k.Name)
		}
		for _, kv := range strings.Split(parts[0], ",") {
			name, v, _ := strings.Cut(kv, "=")
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("signing key %s: damaged parameters", k.Name)
			}
			switch name {
			case "m":
				m = n
			case "t":
				t = n
			case "p":
				th = n
			}
		}
		if m == 0 || m > 1<<20 || t == 0 || t > 64 || th == 0 || th > 255 {
			return nil, fmt.Errorf("signing key %s: parameters out of bounds", k.Name)
		}
		dec := base64.RawStdEncoding.DecodeString
		salt, err1 := dec(parts[1])
		nonce, err2 := dec(parts[2])
		ct, err3 := dec(parts[3])
		if err := errors.Join(err1, err2, err3); err != nil || len(nonce) != chacha20poly1305.NonceSizeX {
			return nil, fmt.Errorf("signing key %s: damaged", k.Name)
		}
		aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, salt, uint32(t), uint32(m), uint8(th), chacha20poly1305.KeySize))
		if err != nil {
			return nil, err
		}
		if seed, err = aead.Open(nil, nonce, ct, []byte(k.KeyID)); err != nil {
			return nil, fmt.Errorf("signing key %s: %w (%w)", k.Name, ErrPassphrase, ErrInvalid)
		}
	} else {
		return nil, fmt.Errorf("signing key %s: unknown encoding", k.Name)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key %s: damaged", k.Name)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if referral.KeyID(priv.Public().(ed25519.PublicKey)) != k.KeyID {
		return nil, fmt.Errorf("signing key %s: does not match its key id", k.Name)
	}
	return priv, nil
}

// Keys lists the signing keys the principal may use: its agency's (all of
// them for an owner or hub administrator).
func (s *Service) Keys(ctx context.Context) ([]SigningKey, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.db.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := []SigningKey{}
	for _, k := range all {
		if p.Agency == k.Agency || p.Allows(access.User, access.Admin, k.Agency) {
			out = append(out, signingKeyView(k))
		}
	}
	return out, nil
}

// keyByName finds a signing key the principal may use by name: of the
// named agency, else of its own, else the only key of that name.
func (s *Service) keyByName(ctx context.Context, agency, name string) (store.SigningKey, error) {
	keys, err := s.Keys(ctx)
	if err != nil {
		return store.SigningKey{}, err
	}
	var found []SigningKey
	for _, k := range keys {
		if k.Name == name && (agency == "" || k.Agency == agency) {
			found = append(found, k)
		}
	}
	if len(found) > 1 {
		p, _ := s.principal(ctx)
		for _, k := range found {
			if k.Agency == p.Agency {
				found = []SigningKey{k}
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return store.SigningKey{}, fmt.Errorf("signing key %q: %w", name, ErrNotFound)
	case 1:
		return s.db.SigningKeyByName(ctx, found[0].Agency, name)
	}
	return store.SigningKey{}, fmt.Errorf("signing key %q: %d agencies have one, name the agency: %w", name, len(found), ErrInvalid)
}

// signer opens a signing key for use.
func (s *Service) signer(ctx context.Context, agency, name string, passphrase []byte) (referral.Signer, error) {
	k, err := s.keyByName(ctx, agency, name)
	if err != nil {
		return referral.Signer{}, err
	}
	priv, err := openKey(k, passphrase)
	if err != nil {
		return referral.Signer{}, err
	}
	return referral.NewSigner(priv, k.Agency, k.Name), nil
}

// ExportKey returns the public key file of a signing key (the key, its
// ID, agency and name): what a recipient adds with TrustKey. The export is
// audited.
func (s *Service) ExportKey(ctx context.Context, agency, name string) ([]byte, SigningKey, error) {
	k, err := s.keyByName(ctx, agency, name)
	if err != nil {
		return nil, SigningKey{}, err
	}
	pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, SigningKey{}, fmt.Errorf("signing key %s: damaged public key", k.Name)
	}
	if err := s.auditRead(ctx, "key.export", "key:"+k.Agency+"/"+k.Name, map[string]any{"key_id": k.KeyID}); err != nil {
		return nil, SigningKey{}, err
	}
	return referral.NewPublicKey(pub, k.Agency, k.Name).Marshal(), signingKeyView(k), nil
}

// TrustKey adds a sender's exported public key to the registry of the
// principal's agency, trusted until notAfter (zero: no end). Trusting a
// key again replaces its end.
func (s *Service) TrustKey(ctx context.Context, file []byte, notAfter time.Time) (TrustedKey, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return TrustedKey{}, err
	}
	if !p.Allows(access.User, access.Admin, p.Agency) {
		return TrustedKey{}, fmt.Errorf("trusted keys: %w", access.ErrForbidden)
	}
	pk, err := referral.ParsePublicKey(file)
	if err != nil {
		return TrustedKey{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	k := store.TrustedKey{Holder: p.Agency, KeyID: pk.ID, Agency: pk.Agency, Name: pk.Name, PublicKey: base64.StdEncoding.EncodeToString(pk.Key),
		AddedAt: s.timestamp(), AddedBy: p.Name}
	if !notAfter.IsZero() {
		k.NotAfter = notAfter.UTC().Format(time.RFC3339)
	}
	if k.NotAfter == "" && pk.NotAfter != "" {
		k.NotAfter = pk.NotAfter
	}
	ch := &change{action: "key.trust", object: "trusted-key:" + k.KeyID, after: trustedKeyView(k)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.PutTrustedKey(ctx, &k) })
	return trustedKeyView(k), err
}

// TrustedKeys lists the registry of the principal's agency.
func (s *Service) TrustedKeys(ctx context.Context) ([]TrustedKey, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.TrustedKeys(ctx, p.Agency)
	return views(list, trustedKeyView), err
}

// trust is the principal's agency's registry as referral.Trust.
func (s *Service) trust(ctx context.Context) (referral.Trust, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.TrustedKeys(ctx, p.Agency)
	if err != nil {
		return nil, err
	}
	t := referral.Trust{}
	for _, k := range list {
		pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("trusted key %s: damaged", k.KeyID)
		}
		pk := referral.NewPublicKey(pub, k.Agency, k.Name)
		pk.NotAfter = k.NotAfter
		t[pk.ID] = pk
	}
	return t, nil
}
