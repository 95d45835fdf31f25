// Package authtest is an in-process OpenID Connect provider for tests of
// logins through an agency's provider (auth and api tests).
package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// Issuer is an in-process OpenID Connect provider: discovery and keys from
// oidctest, and an authorization-code token endpoint that checks the
// client's secret and PKCE verifier and signs ID tokens on the test's clock.
type Issuer struct {
	URL      string // the issuer URL
	ClientID string
	Secret   string
	srv      *httptest.Server
	key      *rsa.PrivateKey
	now      func() time.Time
	mu       sync.Mutex
	codes    map[string]grant
	issued   int
	tamper   func(claims map[string]any)
	loginAs  string // who the login page logs in (LoginAs)
}

type grant struct{ sub, nonce, challenge, redirect string }

// NewIssuer starts a provider, stopped when t ends; now is its clock.
func NewIssuer(t testing.TB, now func() time.Time) *Issuer {
	return NewIssuerOn(t, now, "")
}

// NewIssuerOn starts a provider whose URL names host (with the port it
// listens on) instead of 127.0.0.1: "localhost" puts it on another site
// than a hub on 127.0.0.1, as a real provider is, for tests in a browser.
func NewIssuerOn(t testing.TB, now func() time.Time, host string) *Issuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ti := &Issuer{key: key, ClientID: "vibora-hub", Secret: "synthetic-client-secret", now: now, codes: map[string]grant{}}
	disc := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/", disc)
	mux.HandleFunc("POST /token", ti.token)
	mux.HandleFunc("GET /auth", ti.login)
	ti.srv = httptest.NewServer(mux)
	t.Cleanup(ti.srv.Close)
	ti.URL = ti.srv.URL
	if host != "" {
		u, err := url.Parse(ti.srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = host + ":" + u.Port()
		ti.URL = u.String()
	}
	disc.SetIssuer(ti.URL)
	return ti
}

// Tamper changes the claims of the next ID token by fn.
func (ti *Issuer) Tamper(fn func(claims map[string]any)) {
	ti.mu.Lock()
	ti.tamper = fn
	ti.mu.Unlock()
}

// Authorize plays the browser and the provider's login page: sub logs in
// at authURL (which must be a well-formed authorization request of this
// client with a nonce, state and S256 PKCE challenge), and the provider
// redirects back. It returns the code and the callback URL the provider
// sends the browser to (redirect_uri with code and state).
func (ti *Issuer) Authorize(t testing.TB, authURL, sub string) (code, callback string) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(authURL, ti.URL+"/auth?") || q.Get("client_id") != ti.ClientID || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		!strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("authorization URL %s", authURL)
	}
	ti.mu.Lock()
	ti.issued++
	code = fmt.Sprintf("code-%d", ti.issued)
	ti.codes[code] = grant{sub: sub, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	ti.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		t.Fatalf("redirect_uri: %v", err)
	}
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	return code, back.String()
}

// LoginAs makes the provider's login page (GET /auth, what a browser is
// sent to) log sub in at once and redirect back, as a provider does after
// its user typed a password; until it is called, the page answers 403.
func (ti *Issuer) LoginAs(sub string) {
	ti.mu.Lock()
	ti.loginAs = sub
	ti.mu.Unlock()
}

func (ti *Issuer) login(w http.ResponseWriter, r *http.Request) {
	ti.mu.Lock()
	sub := ti.loginAs
	ti.mu.Unlock()
	if sub == "" {
		http.Error(w, "no test login configured", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	if q.Get("client_id") != ti.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "malformed authorization request", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Scheme == "" {
		http.Error(w, "redirect_uri", http.StatusBadRequest)
		return
	}
	ti.mu.Lock()
	ti.issued++
	code := fmt.Sprintf("code-%d", ti.issued)
	ti.codes[code] = grant{sub: sub, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	ti.mu.Unlock()
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (ti *Issuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, sec, ok := r.BasicAuth()
	if !ok {
		id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	ti.mu.Lock()
	g, known := ti.codes[r.PostForm.Get("code")]
	delete(ti.codes, r.PostForm.Get("code"))
	tamper := ti.tamper
	ti.tamper = nil
	ti.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case id != ti.ClientID || sec != ti.Secret:
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	case !known || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	now := ti.now()
	claims := map[string]any{"iss": ti.URL, "aud": ti.ClientID, "sub": g.sub, "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": g.sub + "@example.org"}
	if tamper != nil {
		tamper(claims)
	}
	b, _ := json.Marshal(claims)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(ti.key, "k1", oidc.RS256, string(b))})
}
