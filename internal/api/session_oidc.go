package api

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// OIDCAuthenticator is an Authenticator that also logs users in through
// their agency's OpenID Connect provider (auth.Authenticator is one).
// OIDCStart reports an agency without a provider as ErrNotFound;
// OIDCCallback uses a state once.
type OIDCAuthenticator interface {
	OIDCStart(ctx context.Context, agency string) (authURL, state string, err error)
	OIDCCallback(ctx context.Context, state, code, remoteAddr string) (sessionID string, p access.Principal, err error)
}

// OIDCStateCookie is the name of the cookie that binds a started OIDC
// login to the browser that started it.
const OIDCStateCookie = "vibora_oidc_state"

// oidcStateAge is the state cookie's lifetime: as long as the
// authenticator keeps a started login.
const oidcStateAge = 10 * time.Minute

// oidcStart sends the browser to its agency's provider. The state goes
// into a short-lived HttpOnly cookie sent only to that agency's callback,
// with the local path to return to (the return parameter, "/" by
// default).
func (a *API) oidcStart(w http.ResponseWriter, r *http.Request) error {
	oa, ok := a.auth.(OIDCAuthenticator)
	if !ok {
		return investigation.ErrNotFound
	}
	back := r.URL.Query().Get("return")
	if back == "" {
		back = "/"
	}
	if !localPath(back) {
		return badRequestf("return: want a path on this server")
	}
	agency := r.PathValue("agency")
	authURL, state, err := oa.OIDCStart(r.Context(), agency)
	if err != nil {
		return err
	}
	http.SetCookie(w, a.oidcStateCookie(agency, state+"."+base64.RawURLEncoding.EncodeToString([]byte(back)), int(oidcStateAge/time.Second)))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
	return nil
}

// oidcCallback finishes the login the provider sends the browser back
// with: the state must be the one in this browser's cookie. It opens a
// session (the same cookie a password login sets) and sends the browser
// to the local path it started from.
func (a *API) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	oa, ok := a.auth.(OIDCAuthenticator)
	if !ok {
		return investigation.ErrNotFound
	}
	agency := r.PathValue("agency")
	q := r.URL.Query()
	c, err := r.Cookie(OIDCStateCookie)
	if err != nil {
		return ErrUnauthenticated
	}
	// The cookie is spent whatever happens next.
	http.SetCookie(w, a.oidcStateCookie(agency, "", -1))
	state, enc, _ := strings.Cut(c.Value, ".")
	b, err := base64.RawURLEncoding.DecodeString(enc)
	back := string(b)
	if err != nil || !localPath(back) {
		return ErrUnauthenticated
	}
	got := q.Get("state")
	if state == "" || got == "" || subtle.ConstantTimeCompare([]byte(state), []byte(got)) != 1 {
		return ErrUnauthenticated
	}
	// The provider refused or the user cancelled (error=...): no code.
	if q.Get("code") == "" {
		return ErrUnauthenticated
	}
	id, _, err := oa.OIDCCallback(r.Context(), state, q.Get("code"), remoteHost(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, a.sessionCookie(id, 0))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// oidcStateCookie is the state cookie: HttpOnly, SameSite=Lax (the
// provider's redirect back is a cross-site navigation), Secure under TLS,
// sent only to the agency's callback; maxAge -1 deletes it.
func (a *API) oidcStateCookie(agency, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: OIDCStateCookie, Value: value, Path: "/api/v1/session/oidc/" + url.PathEscape(agency) + "/callback",
		MaxAge: maxAge, HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteLaxMode}
}

// localPath reports whether s is a path on this server: absolute, without
// scheme or host, and no form a browser reads as another site ("//host",
// "/\host").
func localPath(s string) bool {
	if len(s) > 2048 || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\") || !cleanText(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}
