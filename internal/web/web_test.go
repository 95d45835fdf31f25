package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// browser is an HTTP client with a cookie jar that does not follow
// redirects, against a seeded hub.
type browser struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t *testing.T, h *webtest.Hub) *browser {
	srv := httptest.NewServer(h.Handler)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Get(b.srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, webtest.Drain(res.Body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, webtest.Drain(res.Body)
}

// login logs user in and fails the test unless it worked.
func (b *browser) login(user string) {
	b.t.Helper()
	res, body := b.post("/login", url.Values{"username": {user}, "password": {webtest.Password(user)}, "return": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
}

// TestLoginFlow: an anonymous visitor is sent to the login page and back;
// a wrong password is refused alike for every user; the session cookie is
// HttpOnly and SameSite; the home page says who is logged in; logout ends
// the session.
func TestLoginFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		b := newBrowser(t, h)
		res, _ := b.get("/")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?return=%2F" {
			t.Fatalf("anonymous home: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body := b.get("/login?return=%2F")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != web.CSP || !strings.Contains(body, `name="password"`) {
			t.Fatalf("login page: %d %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
		}
		for _, user := range []string{webtest.AnalystNL, "nobody"} {
			res, body = b.post("/login", url.Values{"username": {user}, "password": {"not-the-password"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password.") {
				t.Errorf("wrong password of %s: %d", user, res.StatusCode)
			}
		}
		res, _ = b.post("/login", url.Values{"username": {webtest.AnalystNL}, "password": {webtest.Password(webtest.AnalystNL)}, "return": {"//evil.example/"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("login: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == web.SessionCookie {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Value == "" {
			t.Fatalf("session cookie %+v", cookie)
		}
		res, body = b.get("/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("home: %d", res.StatusCode)
		}
		for _, want := range []string{webtest.AnalystNL, "NL-TEST", "analyst", `href="/cases/alpha"`} {
			if !strings.Contains(body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		if strings.Contains(body, webtest.CaseDE) {
			t.Error("home of an NL analyst names the DE case")
		}
		// The session works for the API too: one cookie, one session.
		res, body = b.get("/api/v1/me")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `"name":"analyst-nl"`) {
			t.Errorf("API with the UI's session: %d %s", res.StatusCode, body)
		}
		res, _ = b.post("/logout", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Errorf("logout: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		// The old session id no longer works, even if a browser kept it.
		req, _ := http.NewRequest("GET", b.srv.URL+"/", nil)
		req.AddCookie(cookie)
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		webtest.Drain(res.Body)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("home with the ended session: %d", res.StatusCode)
		}
	})
}

// TestCrossOriginPost: a form posted from another site is refused, the
// login form included.
func TestCrossOriginPost(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	b := newBrowser(t, h)
	req, _ := http.NewRequest("POST", b.srv.URL+"/login", strings.NewReader(url.Values{"username": {webtest.AnalystNL}, "password": {webtest.Password(webtest.AnalystNL)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	webtest.Drain(res.Body)
	if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
		t.Errorf("cross-site login: %d, cookies %v", res.StatusCode, res.Cookies())
	}
}

// TestPagesAndHeaders: the stylesheet is served; an unknown page is an
// HTML 404 with the CSP; a path with a control character is refused.
func TestPagesAndHeaders(t *testing.T) {
	h := webtest.New(t, storetest.OpenSQLite)
	b := newBrowser(t, h)
	res, body := b.get("/static/vibora.css")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "--fg") {
		t.Errorf("stylesheet: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, _ := b.get("/static/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("static listing: %d", res.StatusCode)
	}
	b.login(webtest.AnalystNL)
	res, body = b.get("/no/such/page")
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Security-Policy") != web.CSP || !strings.Contains(body, "Not found") {
		t.Errorf("unknown page: %d %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	if res, _ := b.get("/login?return=%01"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("control character in the query: %d", res.StatusCode)
	}
	res, body = b.get("/api/v1/no-such-route")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
		t.Errorf("API 404: %d %s", res.StatusCode, body)
	}
}
