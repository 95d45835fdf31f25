package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
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

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// testIssuer is an in-process OpenID Connect provider: discovery and keys
// from oidctest, and an authorization-code token endpoint that checks the
// PKCE verifier and signs ID tokens on the test's clock.
type testIssuer struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	secret   string
	now      func() time.Time
	mu       sync.Mutex
	codes    map[string]grant
	// tamper, when set, changes the claims of the next ID token.
	tamper func(claims map[string]any)
}

type grant struct{ sub, nonce, challenge, redirect string }

func newTestIssuer(t *testing.T, now func() time.Time) *testIssuer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ti := &testIssuer{key: key, clientID: "vibora-hub", secret: "synthetic-client-secret", now: now, codes: map[string]grant{}}
	disc := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/", disc)
	mux.HandleFunc("POST /token", ti.token)
	ti.srv = httptest.NewServer(mux)
	t.Cleanup(ti.srv.Close)
	disc.SetIssuer(ti.srv.URL)
	return ti
}

// authorize plays the browser and the provider's login page: sub logs in,
// and the provider redirects back with a code.
func (ti *testIssuer) authorize(t *testing.T, authURL, sub string) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if !strings.HasPrefix(authURL, ti.srv.URL+"/auth?") || q.Get("client_id") != ti.clientID || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		!strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("authorization URL %s", authURL)
	}
	code := fmt.Sprintf("code-%d", len(ti.codes)+1)
	ti.mu.Lock()
	ti.codes[code] = grant{sub: sub, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	ti.mu.Unlock()
	return code
}

func (ti *testIssuer) token(w http.ResponseWriter, r *http.Request) {
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
	case id != ti.clientID || sec != ti.secret:
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	case !known || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
		return
	}
	now := ti.now()
	claims := map[string]any{"iss": ti.srv.URL, "aud": ti.clientID, "sub": g.sub, "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": g.sub + "@example.org"}
	if tamper != nil {
		tamper(claims)
	}
	b, _ := json.Marshal(claims)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(ti.key, "k1", oidc.RS256, string(b))})
}

func TestOIDCLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
		opts := []investigation.Option{investigation.WithClock(clk.Now), investigation.WithPasswordParams(fast)}
		owner := investigation.New(db, "owner", opts...)
		ti := newTestIssuer(t, clk.Now)
		other := newTestIssuer(t, clk.Now)
		for _, ag := range []string{"NL-POL", "BE-FCCU"} {
			if _, err := owner.AddAgency(ctx, ag, ag[:2]); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range [][2]string{{"vera", "NL-POL"}, {"bram", "BE-FCCU"}, {"ivo", "NL-POL"}} {
			if _, err := owner.AddUser(ctx, investigation.NewUser{Name: u[0], Agency: u[1], Role: "analyst", Password: password}); err != nil {
				t.Fatal(err)
			}
		}
		// vera and bram are linked to identities at NL-POL's provider; ivo
		// at BE-FCCU's, which is another provider.
		for _, l := range [][3]string{{"vera", ti.srv.URL, "sub-vera"}, {"bram", ti.srv.URL, "sub-bram"}, {"ivo", other.srv.URL, "sub-vera"}} {
			if _, err := owner.LinkOIDC(ctx, l[0], l[1], l[2]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := owner.LinkOIDC(ctx, "ivo", ti.srv.URL, "sub-vera"); !errors.Is(err, investigation.ErrExists) {
			t.Errorf("one identity linked twice: %v", err)
		}
		if _, err := owner.LinkOIDC(ctx, "ivo", "not-a-url", "x"); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("issuer that is no URL: %v", err)
		}
		client := auth.OIDCClient{Issuer: ti.srv.URL, ClientID: ti.clientID, ClientSecret: ti.secret, RedirectURL: "https://hub.example.org/oidc/callback"}
		a := auth.New(investigation.New(db, "", opts...), auth.Config{Now: clk.Now, OIDC: map[string]auth.OIDCClient{"NL-POL": client}})

		login := func(sub string) (string, access.Principal, error) {
			authURL, state, err := a.OIDCStart(ctx, "NL-POL")
			if err != nil {
				t.Fatal(err)
			}
			return a.OIDCCallback(ctx, state, ti.authorize(t, authURL, sub), "192.0.2.50")
		}
		id, p, err := login("sub-vera")
		if err != nil {
			t.Fatalf("OIDC login: %v", err)
		}
		if p.Name != "vera" || p.Agency != "NL-POL" || p.Method != access.OIDC {
			t.Errorf("principal %+v", p)
		}
		if got, err := a.Session(ctx, id); err != nil || got.Name != "vera" || got.Method != access.OIDC {
			t.Errorf("session of an OIDC login: %+v, %v", got, err)
		}
		// Refused: an unlinked identity, a user of another agency, no
		// provider for the agency.
		if _, _, err := login("sub-nobody"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("unlinked identity: %v", err)
		}
		if _, _, err := login("sub-bram"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("identity of a user of another agency: %v", err)
		}
		if _, _, err := a.OIDCStart(ctx, "BE-FCCU"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("agency without a provider: %v", err)
		}
		// Refused: tampered tokens.
		for name, tamper := range map[string]func(map[string]any){
			"wrong nonce":    func(c map[string]any) { c["nonce"] = "other" },
			"wrong audience": func(c map[string]any) { c["aud"] = "another-client" },
			"wrong issuer":   func(c map[string]any) { c["iss"] = other.srv.URL },
			"expired":        func(c map[string]any) { c["exp"] = clk.Now().Add(-time.Minute).Unix() },
		} {
			ti.mu.Lock()
			ti.tamper = tamper
			ti.mu.Unlock()
			if _, _, err := login("sub-vera"); !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("%s: %v, want refused", name, err)
			}
		}
		// A state is used once and expires; a code is checked against PKCE.
		authURL, state, err := a.OIDCStart(ctx, "NL-POL")
		if err != nil {
			t.Fatal(err)
		}
		code := ti.authorize(t, authURL, "sub-vera")
		if _, _, err := a.OIDCCallback(ctx, "forged-state", code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("forged state: %v", err)
		}
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); err != nil {
			t.Errorf("genuine state after a forged one: %v", err)
		}
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("state used twice: %v", err)
		}
		authURL, state, _ = a.OIDCStart(ctx, "NL-POL")
		code = ti.authorize(t, authURL, "sub-vera")
		clk.Add(11 * time.Minute)
		if _, _, err := a.OIDCCallback(ctx, state, code, "192.0.2.50"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("state older than 10 minutes: %v", err)
		}
		// A disabled user is refused, and its OIDC session ends.
		if _, err := owner.DisableUser(ctx, "vera"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Session(ctx, id); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("session of a disabled user: %v", err)
		}
		if _, _, err := login("sub-vera"); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("OIDC login of a disabled user: %v", err)
		}
		if got := (hub{owner: owner}).actions(t, "user:vera"); !strings.HasPrefix(got, "auth.login auth.login ") || !strings.HasSuffix(got, "auth.login.failure") {
			t.Errorf("audit of vera's OIDC logins: %q", got)
		}
		if got := (hub{owner: owner}).actions(t, "oidc:sub-nobody"); got != "auth.login.failure" {
			t.Errorf("audit of an unlinked identity: %q", got)
		}
		if rep, err := owner.VerifyAudit(ctx); err != nil || !rep.OK() {
			t.Errorf("audit chain: %+v, %v", rep, err)
		}
	})
}
