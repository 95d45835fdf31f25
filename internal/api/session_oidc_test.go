package api_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/authtest"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// In the matrix's hub no agency has a provider; a callback without the
// state cookie is refused.
func init() {
	matrix = append(matrix,
		matrixRow{"GET", "/api/v1/session/oidc/nl", "", want(notFound, notFound, notFound, notFound, notFound, notFound, notFound)},
		matrixRow{"GET", "/api/v1/session/oidc/nl/callback?state=s&code=c", "", want(unauth, unauth, unauth, unauth, unauth, unauth, unauth)},
	)
}

// browserGet sends a GET as a browser with cookies.
func browserGet(h *hub, target string, cookies ...*http.Cookie) *http.Response {
	req := httptest.NewRequest("GET", target, nil)
	req.RemoteAddr = "192.0.2.60:40000"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return rec.Result()
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestOIDCSession: a browser logs in through nl's provider (an in-process
// issuer) over the real router and reads /api/v1/me with the session
// cookie the callback set; a callback without this browser's state cookie,
// an unlinked identity, an identity of another agency's user and an agency
// without a provider are refused; the return path is local only.
func TestOIDCSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ti := authtest.NewIssuer(t, time.Now)
		h := newHubAuth(t, open, auth.Config{OIDC: map[string]auth.OIDCClient{
			"nl": {Issuer: ti.URL, ClientID: ti.ClientID, ClientSecret: ti.Secret, RedirectURL: "http://example.com/api/v1/session/oidc/nl/callback"},
		}})
		for persona, sub := range map[string]string{analystNL: "sub-analyst-nl", analystBE: "sub-analyst-be"} {
			if _, err := h.svc.LinkOIDC(h.seedCtx, persona, ti.URL, sub); err != nil {
				t.Fatal(err)
			}
		}
		// start begins a login; it returns the state cookie and the
		// provider's authorization URL.
		start := func(ret string) (*http.Cookie, string) {
			t.Helper()
			target := "/api/v1/session/oidc/nl"
			if ret != "" {
				target += "?return=" + url.QueryEscape(ret)
			}
			res := browserGet(h, target)
			c := cookieNamed(res, api.OIDCStateCookie)
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, ti.URL+"/auth?") || c == nil {
				t.Fatalf("start: %d %q %+v", res.StatusCode, loc, c)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/api/v1/session/oidc/nl/callback" || c.MaxAge != 600 || c.Secure {
				t.Errorf("state cookie %+v", c)
			}
			if strings.Contains(loc, c.Value) {
				t.Errorf("the provider sees the whole state cookie")
			}
			return c, loc
		}

		// The full login.
		stateCookie, authURL := start("/cases/alpha?tab=files")
		_, callback := ti.Authorize(t, authURL, "sub-analyst-nl")
		if res := browserGet(h, callback); res.StatusCode != http.StatusUnauthorized || cookieNamed(res, api.SessionCookie) != nil {
			t.Errorf("callback without the state cookie: %d", res.StatusCode)
		}
		other, _ := start("")
		if res := browserGet(h, callback, other); res.StatusCode != http.StatusUnauthorized || cookieNamed(res, api.SessionCookie) != nil {
			t.Errorf("callback with another login's state cookie: %d", res.StatusCode)
		}
		forged := *stateCookie
		forged.Value = "forged" + forged.Value[6:]
		if res := browserGet(h, callback, &forged); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("callback with a forged state cookie: %d", res.StatusCode)
		}
		// Refused callbacks spent nothing: the browser that started the
		// login finishes it.
		res := browserGet(h, callback, stateCookie)
		session := cookieNamed(res, api.SessionCookie)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/alpha?tab=files" || session == nil || session.Value == "" {
			t.Fatalf("callback: %d %q %+v", res.StatusCode, res.Header.Get("Location"), session)
		}
		if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
			t.Errorf("session cookie %+v", session)
		}
		if c := cookieNamed(res, api.OIDCStateCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("the state cookie is not deleted: %+v", c)
		}
		res = browserGet(h, "/api/v1/me", session)
		var me struct {
			Principal struct{ Name, Agency, Method string } `json:"principal"`
		}
		decode(t, readAll(t, res), &me)
		if res.StatusCode != http.StatusOK || me.Principal.Name != analystNL || me.Principal.Agency != "nl" || me.Principal.Method != "oidc" {
			t.Errorf("me after an OIDC login: %d %+v", res.StatusCode, me)
		}
		// The state is used once.
		if res := browserGet(h, callback, stateCookie); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("callback replayed: %d", res.StatusCode)
		}

		// Identities that open no session.
		for _, sub := range []string{"sub-nobody", "sub-analyst-be"} {
			c, authURL := start("")
			_, callback := ti.Authorize(t, authURL, sub)
			if res := browserGet(h, callback, c); res.StatusCode != http.StatusUnauthorized || cookieNamed(res, api.SessionCookie) != nil {
				t.Errorf("%s: %d", sub, res.StatusCode)
			}
		}
		// The provider sent an error instead of a code.
		c, authURL := start("")
		q, _ := url.ParseQuery(authURL[strings.Index(authURL, "?")+1:])
		if res := browserGet(h, "/api/v1/session/oidc/nl/callback?error=access_denied&state="+url.QueryEscape(q.Get("state")), c); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("provider error: %d", res.StatusCode)
		}

		// Agencies without a provider, and unknown ones.
		for _, ag := range []string{"be", "no-such-agency"} {
			if res := browserGet(h, "/api/v1/session/oidc/"+ag); res.StatusCode != http.StatusNotFound || cookieNamed(res, api.OIDCStateCookie) != nil {
				t.Errorf("start at %s: %d", ag, res.StatusCode)
			}
		}
		// No redirect off this server.
		for _, ret := range []string{"//evil.example.org/x", "https://evil.example.org/", "/\\evil.example.org", "/%2F%2Fevil.example.org", "cases", "javascript:alert(1)"} {
			if res := browserGet(h, "/api/v1/session/oidc/nl?return="+url.QueryEscape(ret)); res.StatusCode != http.StatusBadRequest || cookieNamed(res, api.OIDCStateCookie) != nil {
				t.Errorf("return %q: %d", ret, res.StatusCode)
			}
		}

		// Hostile input in the agency, the return path, the state and the
		// code: a 4xx, never a 5xx.
		for _, v := range []string{"%27%20OR%201%3D1%20--", "..%2F..%2Fetc%2Fpasswd", "%00", "%ff%fe", strings.Repeat("a", 5000), "nl%0d%0aSet-Cookie:%20x=y"} {
			for _, target := range []string{"/api/v1/session/oidc/" + v, "/api/v1/session/oidc/nl?return=/" + v,
				"/api/v1/session/oidc/" + v + "/callback?state=s&code=c", "/api/v1/session/oidc/nl/callback?state=" + v + "&code=" + v} {
				res := browserGet(h, target, c)
				if res.StatusCode < 400 && res.StatusCode != http.StatusFound || res.StatusCode >= 500 {
					t.Errorf("%.80s: %d", target, res.StatusCode)
				}
			}
		}

		// Audited as password logins are.
		actions := func(prefix string) string {
			var got []string
			if err := h.svc.AuditLog(h.seedCtx, prefix, func(r audit.Record) error { got = append(got, r.Action); return nil }); err != nil {
				t.Fatal(err)
			}
			return strings.Join(got, " ")
		}
		if got := actions("user:" + analystNL); !strings.Contains(got, "auth.login") {
			t.Errorf("audit of analyst-nl: %q", got)
		}
		if got := actions("oidc:sub-nobody"); got != "auth.login.failure" {
			t.Errorf("audit of an unlinked identity: %q", got)
		}
		if got := actions("user:" + analystBE); !strings.HasSuffix(got, "auth.login.failure") {
			t.Errorf("audit of another agency's user: %q", got)
		}
		h.chainIntact()
	})
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOIDCProviderDown: a provider that cannot be reached is a 502 with a
// message that says so (not an internal error), and is tried again on the
// next login rather than remembered as broken.
func TestOIDCProviderDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		// A listener closed at once: its port refuses connections.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		issuer := "http://" + ln.Addr().String()
		ln.Close()
		h := newHubAuth(t, open, auth.Config{OIDC: map[string]auth.OIDCClient{
			"nl": {Issuer: issuer, ClientID: "vibora", ClientSecret: "synthetic", RedirectURL: "http://example.com/api/v1/session/oidc/nl/callback"},
		}})
		for range 2 {
			res := browserGet(h, "/api/v1/session/oidc/nl")
			body := string(readAll(t, res))
			if res.StatusCode != http.StatusBadGateway || !strings.Contains(body, "provider_unavailable") || !strings.Contains(body, "log in with a password") {
				t.Fatalf("login through an unreachable provider: %d %s", res.StatusCode, body)
			}
			if cookieNamed(res, api.OIDCStateCookie) != nil {
				t.Errorf("a state cookie was set for a login that cannot start")
			}
		}
	})
}
