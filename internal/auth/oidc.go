package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// OIDCClient is an agency's OpenID Connect provider and Vibora's
// registration with it. Users log in through it once an administrator has
// linked them to their identity there (investigation.LinkOIDC), never by
// e-mail address.
type OIDCClient struct {
	Issuer       string // the provider's issuer URL
	ClientID     string
	ClientSecret string // "" for a public client (PKCE only)
	RedirectURL  string // the server's callback URL registered with the provider
}

// oidcStateTTL bounds how long a started login may take.
const oidcStateTTL = 10 * time.Minute

// maxPendingLogins bounds the started, unfinished logins held in memory.
const maxPendingLogins = 10_000

// pendingLogin is a started login: what the callback must match.
type pendingLogin struct {
	agency   string
	nonce    string
	verifier string // PKCE code verifier
	expires  time.Time
}

// discoveryTimeout bounds the fetch of a provider's discovery document and
// keys, so that a provider that hangs does not hold a login request open.
const discoveryTimeout = 10 * time.Second

// oidcState holds the started logins and the providers, discovered once.
type oidcState struct {
	mu        sync.Mutex
	pending   map[string]pendingLogin // by state
	providers map[string]*oidc.Provider
}

func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (a *Authenticator) provider(ctx context.Context, agency string) (OIDCClient, *oidc.Provider, error) {
	c, ok := a.cfg.OIDC[agency]
	if !ok {
		return c, nil, fmt.Errorf("agency %q has no OIDC provider: %w", agency, investigation.ErrNotFound)
	}
	a.oidc.mu.Lock()
	p := a.oidc.providers[agency]
	a.oidc.mu.Unlock()
	if p != nil {
		return c, p, nil
	}
	dctx, cancel := context.WithTimeout(ctx, discoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(dctx, c.Issuer)
	if err != nil {
		// Not cached: the next login tries the discovery again.
		return c, nil, fmt.Errorf("OIDC discovery of agency %q at %s: %v: %w", agency, c.Issuer, err, ErrProviderUnavailable)
	}
	a.oidc.mu.Lock()
	a.oidc.providers[agency] = p
	a.oidc.mu.Unlock()
	return c, p, nil
}

func (c OIDCClient) oauth2(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.RedirectURL, Scopes: []string{oidc.ScopeOpenID}}
}

// OIDCStart begins a login through an agency's provider: the URL to send
// the browser to, and the state that comes back to the callback. The
// server must bind state to the browser (a short-lived HttpOnly cookie) and
// refuse a callback whose state is not the browser's, so that nobody can
// log someone else in. The login uses a nonce and PKCE (S256). An agency
// without a provider is investigation.ErrNotFound.
func (a *Authenticator) OIDCStart(ctx context.Context, agency string) (authURL, state string, err error) {
	c, p, err := a.provider(ctx, agency)
	if err != nil {
		return "", "", err
	}
	pl := pendingLogin{agency: agency, nonce: randomToken(), verifier: oauth2.GenerateVerifier(), expires: a.cfg.Now().Add(oidcStateTTL)}
	state = randomToken()
	a.oidc.mu.Lock()
	if len(a.oidc.pending) >= maxPendingLogins {
		now := a.cfg.Now()
		for k, v := range a.oidc.pending {
			if !now.Before(v.expires) {
				delete(a.oidc.pending, k)
			}
		}
	}
	full := len(a.oidc.pending) >= maxPendingLogins
	if !full {
		a.oidc.pending[state] = pl
	}
	a.oidc.mu.Unlock()
	if full {
		return "", "", fmt.Errorf("too many logins in progress: %w", ErrLockedOut)
	}
	return c.oauth2(p).AuthCodeURL(state, oidc.Nonce(pl.nonce), oauth2.S256ChallengeOption(pl.verifier)), state, nil
}

// OIDCCallback finishes a login: it exchanges the code (with the PKCE
// verifier), verifies the ID token (signature, issuer, audience, expiry,
// nonce) and opens a session for the user linked to that identity in that
// agency. A state is used once.
func (a *Authenticator) OIDCCallback(ctx context.Context, state, code, remoteAddr string) (string, access.Principal, error) {
	key := addressKey(remoteAddr)
	if a.addressLocked(key) {
		return "", access.Principal{}, ErrLockedOut
	}
	a.oidc.mu.Lock()
	pl, ok := a.oidc.pending[state]
	delete(a.oidc.pending, state)
	a.oidc.mu.Unlock()
	if !ok || !a.cfg.Now().Before(pl.expires) {
		a.addressFailed(key)
		return "", access.Principal{}, ErrUnauthenticated
	}
	c, p, err := a.provider(ctx, pl.agency)
	if err != nil {
		return "", access.Principal{}, err
	}
	tok, err := c.oauth2(p).Exchange(ctx, code, oauth2.VerifierOption(pl.verifier))
	if err != nil {
		a.addressFailed(key)
		return "", access.Principal{}, fmt.Errorf("OIDC code exchange: %v: %w", err, ErrUnauthenticated)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: c.ClientID, Now: a.cfg.Now}).Verify(ctx, raw)
	if err != nil {
		a.addressFailed(key)
		return "", access.Principal{}, fmt.Errorf("OIDC ID token: %v: %w", err, ErrUnauthenticated)
	}
	if idt.Nonce != pl.nonce {
		a.addressFailed(key)
		return "", access.Principal{}, fmt.Errorf("OIDC ID token: nonce mismatch: %w", ErrUnauthenticated)
	}
	return a.svc.OIDCLogin(ctx, pl.agency, idt.Issuer, idt.Subject, remoteAddr, a.pol)
}
