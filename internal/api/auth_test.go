package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestSessionCookie: a login sets an HttpOnly, SameSite cookie that
// authenticates; a cross-site POST riding on it is refused; logout ends it.
func TestSessionCookie(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"analyst-nl","password":"pw-analyst-nl"}`))
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
	for i := range maxFailures {
		if res, _ := h.do(anonymous, "POST", "/api/v1/session", `{"username":"viewer-nl","password":"guess"}`); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failed login %d: %d", i, res.StatusCode)
		}
	}
	res, body := h.do(anonymous, "POST", "/api/v1/session", `{"username":"viewer-nl","password":"pw-viewer-nl"}`)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"locked_out"`) {
		t.Errorf("login after lockout: %d %s", res.StatusCode, body)
	}
}

// TestRevokedToken: a token revoked between two requests is refused on the
// second.
func TestRevokedToken(t *testing.T) {
	h := newHub(t, storetest.OpenSQLite)
	if res, _ := h.do(analystNL, "GET", "/api/v1/cases", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("before revocation: %d", res.StatusCode)
	}
	h.auth.revoke("token-" + analystNL)
	if res, _ := h.do(analystNL, "GET", "/api/v1/cases", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("after revocation: %d", res.StatusCode)
	}
	for _, hdr := range []string{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "token-analyst-nl"} {
		req := httptest.NewRequest("GET", "/api/v1/cases", nil)
		req.Header.Set("Authorization", hdr)
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d", hdr, rec.Code)
		}
	}
}
