package investigation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/store"
)

// MaxTokenLifetime bounds how long an API token may live.
const MaxTokenLifetime = 5 * 365 * 24 * time.Hour

// NewToken is a created token with its secret, shown once and never
// stored.
type NewToken struct {
	Token
	Secret string `json:"token"`
}

// CreateToken creates an API token for a user: its own, or one of a user
// its principal administers. expires > 0 sets its lifetime (at most
// MaxTokenLifetime); 0 makes a token that does not expire. The secret is
// returned once; only its SHA-256 is stored.
func (s *Service) CreateToken(ctx context.Context, user, name string, expires time.Duration) (NewToken, error) {
	p, u, err := s.userFor(ctx, user, true)
	if err != nil {
		return NewToken{}, err
	}
	if u.Disabled {
		return NewToken{}, fmt.Errorf("user %q is disabled: %w", u.Name, ErrInvalid)
	}
	name = strings.TrimSpace(name)
	if len(name) > 100 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return NewToken{}, fmt.Errorf("token name: at most 100 printable characters: %w", ErrInvalid)
	}
	if expires < 0 || expires > MaxTokenLifetime {
		return NewToken{}, fmt.Errorf("token lifetime %s: want 0 (no expiry) up to %s: %w", expires, MaxTokenLifetime, ErrInvalid)
	}
	sec, digest := secret.NewToken()
	now := s.now()
	t := store.Token{UserID: u.ID, User: u.Name, Agency: u.Agency, Name: name, SecretSHA256: digest, CreatedAt: audit.FormatTime(now), CreatedBy: p.Name}
	if expires > 0 {
		t.ExpiresAt = audit.FormatTime(now.Add(expires))
	}
	ch := &change{action: "token.create", object: "user:" + u.Name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertToken(ctx, &t); err != nil {
			return err
		}
		ch.after, ch.detail = tokenView(t), map[string]any{"token_id": t.ID, "expires_at": t.ExpiresAt}
		return nil
	})
	return NewToken{Token: tokenView(t), Secret: sec}, err
}

// Tokens lists the tokens the principal may see, by id: its own, and
// those of the users it administers.
func (s *Service) Tokens(ctx context.Context) ([]Token, error) {
	list, err := s.tokens(ctx, 0, 0)
	return views(list, tokenView), err
}

// TokenPage is one page of the tokens a principal may see, by id.
type TokenPage struct {
	Tokens []Token
	// After is the position to resume from: the id of the page's last
	// token, or 0 when no token follows it.
	After int64
}

// TokenPage lists up to limit (1..MaxPage) of the tokens the principal may
// see (see Tokens) with an id above after (0 for the first page), read in
// SQL.
func (s *Service) TokenPage(ctx context.Context, after int64, limit int) (TokenPage, error) {
	limit = pageLimit(limit)
	list, err := s.tokens(ctx, max(after, 0), limit+1)
	if err != nil {
		return TokenPage{}, err
	}
	var page TokenPage
	if len(list) > limit {
		list = list[:limit]
		page.After = list[limit-1].ID
	}
	page.Tokens = orEmptySlice(views(list, tokenView))
	return page, nil
}

// tokens reads the tokens the principal may see with an id above after, at
// most limit (0: all).
func (s *Service) tokens(ctx context.Context, after int64, limit int) ([]store.Token, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	if agencyID, err := s.userScope(ctx, p); err == nil {
		return s.db.TokenPage(ctx, 0, agencyID, after, limit)
	} else if uid, ok := p.UserID(); ok {
		return s.db.TokenPage(ctx, uid, 0, after, limit)
	} else {
		return nil, err
	}
}

// RevokeToken revokes a token: its own, or one of a user its principal
// administers; any other is not found. Revoking takes effect on the next
// request.
func (s *Service) RevokeToken(ctx context.Context, id int64) (Token, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return Token{}, err
	}
	t, err := s.db.TokenByID(ctx, id)
	if err != nil {
		return Token{}, err
	}
	if uid, ok := p.UserID(); !ok || uid != t.UserID {
		if _, _, err := s.userFor(ctx, t.User, false); err != nil {
			return Token{}, fmt.Errorf("token %d: %w", id, err)
		}
	}
	if t.RevokedAt != "" {
		return tokenView(t), nil
	}
	before := tokenView(t)
	t.RevokedAt = s.timestamp()
	ch := &change{action: "token.revoke", object: "user:" + t.User, before: before, after: tokenView(t), detail: map[string]any{"token_id": t.ID}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.RevokeToken(ctx, t.ID, t.RevokedAt) })
	return tokenView(t), err
}

// accountPrincipal is the principal an account acts as.
func accountPrincipal(u store.User, m access.Method) access.Principal {
	return access.Principal{ID: access.UserPrincipalID(u.ID), Name: u.Name, Agency: u.Agency, Roles: []access.Role{access.Role(u.Role)}, Method: m}
}
