package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestSessionCookie: a login sets an HttpOnly, SameSite cookie that
// authenticates; a cross-site POST riding on it is refused; logout ends it.
func TestSessionCookie(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"analyst-nl","password":"`+password(analystNL)+`"}`))
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == api.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value == "" {
		t.Fatalf("session cookie %+v", cookie)
	}
	if strings.Contains(rec.Body.String(), cookie.Value) {
		t.Error("the session id is in the body")
	}
	send := func(method, path, site, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.AddCookie(cookie)
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := send("GET", "/api/v1/me", "", ""); c != http.StatusOK {
		t.Errorf("me by cookie: %d", c)
	}
	if c := send("POST", "/api/v1/cases", "cross-site", `{"name":"csrf"}`); c != http.StatusForbidden {
		t.Errorf("cross-site POST with the cookie: %d", c)
	}
	if c := send("POST", "/api/v1/cases", "same-origin", `{"name":"by-cookie"}`); c != http.StatusCreated {
		t.Errorf("same-origin POST with the cookie: %d", c)
	}
	if c := send("DELETE", "/api/v1/session", "same-origin", ""); c != http.StatusNoContent {
		t.Errorf("logout: %d", c)
	}
	if c := send("GET", "/api/v1/me", "", ""); c != http.StatusUnauthorized {
		t.Errorf("me after logout: %d", c)
	}
}

// TestLoginLockout: failed logins lock the account; then even the right
// password is refused with 429.
func TestLoginLockout(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	for i := range auth.DefaultMaxFailures {
		res, _ := h.do(anonymous, "POST", "/api/v1/session", `{"username":"viewer-nl","password":"guess-guess-guess"}`)
		// The failure that reaches the limit may already answer 429.
		if res.StatusCode != http.StatusUnauthorized && (i < auth.DefaultMaxFailures-1 || res.StatusCode != http.StatusTooManyRequests) {
			t.Fatalf("failed login %d: %d", i, res.StatusCode)
		}
	}
	res, body := h.do(anonymous, "POST", "/api/v1/session", `{"username":"viewer-nl","password":"`+password(viewerNL)+`"}`)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"locked_out"`) {
		t.Errorf("login after lockout: %d %s", res.StatusCode, body)
	}
}

// TestRevokedToken: a token revoked, or a user disabled, between two
// requests is refused on the second; so are malformed credentials.
func TestRevokedToken(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	for _, persona := range []string{analystNL, viewerNL} {
		if res, _ := h.do(persona, "GET", "/api/v1/cases", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("%s before: %d", persona, res.StatusCode)
		}
	}
	if _, err := h.svc.RevokeToken(h.seedCtx, h.tokenIDs[analystNL]); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.DisableUser(h.seedCtx, viewerNL); err != nil {
		t.Fatal(err)
	}
	for _, persona := range []string{analystNL, viewerNL} {
		if res, _ := h.do(persona, "GET", "/api/v1/cases", nil); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s after revocation or disabling: %d", persona, res.StatusCode)
		}
	}
	if res, _ := h.do(anonymous, "POST", "/api/v1/session", `{"username":"viewer-nl","password":"`+password(viewerNL)+`"}`); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("login of a disabled user: %d", res.StatusCode)
	}
	for _, hdr := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", h.tokens[agencyAdminNL], "Bearer vbr_" + strings.Repeat("A", 43)} {
		req := httptest.NewRequest("GET", "/api/v1/cases", nil)
		req.Header.Set("Authorization", hdr)
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d", hdr, rec.Code)
		}
	}
}

// TestShareRevokedAtOnce: an agency reads a case shared with it; once the
// share is withdrawn its next request answers 404, and a new share to
// another agency works from that agency's next request.
func TestShareRevokedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		if res, _ := h.do(analystBE, "GET", "/api/v1/cases/alpha/files", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("shared: %d", res.StatusCode)
		}
		if res, b := h.do(agencyAdminNL, "DELETE", "/api/v1/cases/alpha/shares/be", nil); res.StatusCode != http.StatusNoContent {
			t.Fatalf("unshare: %d %s", res.StatusCode, b)
		}
		if res, _ := h.do(analystBE, "GET", "/api/v1/cases/alpha/files", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("after unshare: %d", res.StatusCode)
		}
		if res, _ := h.do(analystDE, "GET", "/api/v1/cases/alpha", nil); res.StatusCode != http.StatusNotFound {
			t.Fatalf("not shared: %d", res.StatusCode)
		}
		if res, b := h.do(agencyAdminNL, "POST", "/api/v1/cases/alpha/shares", `{"agency":"de","role":"analyst"}`); res.StatusCode != http.StatusCreated {
			t.Fatalf("share: %d %s", res.StatusCode, b)
		}
		if res, _ := h.do(analystDE, "GET", "/api/v1/cases/alpha", nil); res.StatusCode != http.StatusOK {
			t.Errorf("after share: %d", res.StatusCode)
		}
		h.chainIntact()
	})
}

// TestRevokedByAnotherProcess: the server caches what a token grants, and
// the command line changes accounts through a store of its own (another
// process on the same file or database). Each change it makes — a token
// revoked, a user disabled, a role changed, a password changed, a share
// withdrawn — holds from the server's next request on.
func TestRevokedByAnotherProcess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := newHub(t, open)
		ctx := context.Background()
		cliDB, err := store.Open(ctx, h.db.DSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cliDB.Close() })
		cli := investigation.New(cliDB, "operator", investigation.WithPasswordParams(secret.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}))
		roles := func(persona string) string {
			t.Helper()
			res, b := h.do(persona, "GET", "/api/v1/me", nil)
			if res.StatusCode != http.StatusOK {
				return fmt.Sprint(res.StatusCode)
			}
			var me struct {
				Principal struct {
					Roles []string `json:"roles"`
				} `json:"principal"`
			}
			decode(t, b, &me)
			return strings.Join(me.Principal.Roles, ",")
		}
		// Twice each, so that the second answer comes from the cache.
		for range 2 {
			for _, persona := range []string{analystNL, viewerNL, analystDE} {
				if got := roles(persona); got == "401" {
					t.Fatalf("%s before: %s", persona, got)
				}
			}
			if res, _ := h.do(analystBE, "GET", "/api/v1/cases/alpha/files", nil); res.StatusCode != http.StatusOK {
				t.Fatalf("shared before: %d", res.StatusCode)
			}
		}
		login, _ := h.do(anonymous, "POST", "/api/v1/session", `{"username":"analyst-de","password":"`+password(analystDE)+`"}`)
		var cookie *http.Cookie
		for _, c := range login.Cookies() {
			if c.Name == api.SessionCookie {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatalf("login: %d, no session cookie", login.StatusCode)
		}
		bySession := func() int {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, req)
			return rec.Code
		}
		if c := bySession(); c != http.StatusOK {
			t.Fatalf("session before: %d", c)
		}

		if _, err := cli.RevokeToken(ctx, h.tokenIDs[analystNL]); err != nil {
			t.Fatal(err)
		}
		if got := roles(analystNL); got != "401" {
			t.Errorf("token revoked by another process: %s, want 401", got)
		}
		if _, err := cli.DisableUser(ctx, viewerNL); err != nil {
			t.Fatal(err)
		}
		if got := roles(viewerNL); got != "401" {
			t.Errorf("user disabled by another process: %s, want 401", got)
		}
		before := roles(analystDE)
		if _, err := cli.SetRole(ctx, analystDE, "viewer"); err != nil {
			t.Fatal(err)
		}
		if got := roles(analystDE); got == before || !strings.Contains(got, "viewer") {
			t.Errorf("role changed by another process: roles %s, were %s; want viewer", got, before)
		}
		if _, err := cli.SetPassword(ctx, analystDE, "another-synthetic-pass-0002"); err != nil {
			t.Fatal(err)
		}
		if c := bySession(); c != http.StatusUnauthorized {
			t.Errorf("session after a password change by another process: %d, want 401", c)
		}
		if err := cli.UnshareCase(ctx, "alpha", "be"); err != nil {
			t.Fatal(err)
		}
		if res, _ := h.do(analystBE, "GET", "/api/v1/cases/alpha/files", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("share withdrawn by another process: %d, want 404", res.StatusCode)
		}
		h.chainIntact()
	})
}
