// Package web is Vibora's browser workspace: server-rendered pages over the
// investigation service, served by vibora serve next to the REST API.
//
// The shape follows the API's: one route table (routes.go), one small file
// per page action (case_show.go, login.go) that loads through one
// investigation method with the request's context (which carries the
// authenticated Principal), fills a view struct and renders a template.
// Handlers hold no SQL and no permission logic: the service's single
// access check decides, and the error pages turn store.ErrNotFound into 404
// and access.ErrForbidden into 403.
//
// Templates (templates/common/*.html, templates/views/*.html) and static
// files (static/) are embedded. html/template escapes everything; evidence
// text is hostile and never reaches a page as template.HTML. No page shows
// media content. Every UI response carries a strict Content-Security-Policy
// without inline script or style.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

// Authenticator proves who a request acts for (auth.Authenticator is one):
// a password login that opens a server-side session, the session behind
// the cookie, and its end.
type Authenticator interface {
	Login(ctx context.Context, username, password, remoteAddr string) (sessionID string, p access.Principal, err error)
	Session(ctx context.Context, sessionID string) (access.Principal, error)
	Logout(ctx context.Context, sessionID string) error
}

// SessionCookie is the session cookie's name, the API's: a session opened
// by either works for both.
const SessionCookie = "vibora_session"

// CSP is the Content-Security-Policy of every UI response: our own
// scripts, styles and images only, nothing inline, no frames, no plugins.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Config describes the UI. Service, Auth and Logger are required.
type Config struct {
	Service *investigation.Service // a server's service (no local actor)
	Auth    Authenticator
	Logger  *slog.Logger
	// SecureCookies marks the session cookie Secure: the server runs TLS.
	SecureCookies bool
	// Jobs runs background jobs; nil: pages that start jobs say so.
	Jobs *job.Manager
	// OIDCAgencies names the agencies whose OpenID Connect provider is
	// configured: the login page offers a button for each, leading to the
	// API's /api/v1/session/oidc/{agency}.
	OIDCAgencies []string
	// API, when set, serves every path under /api/: the handler New
	// returns is then the whole site (vibora serve's composition).
	API http.Handler
}

// UI is the browser workspace's handler.
type UI struct {
	cfg   Config
	svc   *investigation.Service
	log   *slog.Logger
	views *views
	mux   *http.ServeMux
}

// New builds the UI and registers every route of the table.
func New(cfg Config) http.Handler {
	cfg.OIDCAgencies = slices.Sorted(slices.Values(cfg.OIDCAgencies))
	u := &UI{cfg: cfg, svc: cfg.Service, log: cfg.Logger, views: mustParseViews(), mux: http.NewServeMux()}
	for _, rt := range routes {
		u.mux.Handle(rt.Method+" "+rt.Path, u.handler(rt))
	}
	u.mux.Handle("GET /static/", staticHandler())
	u.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u.fail(w, r, investigation.ErrNotFound)
	})
	if cfg.API != nil {
		u.mux.Handle("/api/", cfg.API)
	}
	return u
}

// ServeHTTP serves the UI.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.mux.ServeHTTP(w, r) }

// handlerFunc is the shape of every page action: an error it returns is
// answered by an error page (fail).
type handlerFunc func(u *UI, w http.ResponseWriter, r *http.Request) error

// handler wraps a route's action with the UI's headers, URL checks and
// authentication (unless the route is public).
func (u *UI) handler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("Cache-Control", "no-store")
		if !cleanURL(r) {
			u.fail(w, r, badRequestf("the address holds characters no page uses"))
			return
		}
		p, err := u.authenticate(r)
		switch {
		case err == nil:
			// A public page still knows who is logged in (the nav shows it).
			r = r.WithContext(access.NewContext(r.Context(), p))
		case !rt.Public:
			u.fail(w, r, err)
			return
		default:
			// An anonymous visitor acts as no one: a principal without
			// roles replaces whatever the server's context carried.
			r = r.WithContext(access.NewContext(r.Context(), access.Principal{}))
		}
		if err := rt.Handle(u, w, r); err != nil {
			u.fail(w, r, err)
		}
	})
}

// authenticate finds the principal of the session cookie.
func (u *UI) authenticate(r *http.Request) (access.Principal, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return access.Principal{}, investigation.ErrUnauthenticated
	}
	p, err := u.cfg.Auth.Session(r.Context(), c.Value)
	if err != nil {
		return access.Principal{}, err
	}
	p.RequestID, p.RemoteAddr = server.RequestID(r.Context()), remoteHost(r)
	return p, nil
}

// sessionCookie is the session cookie: HttpOnly, SameSite=Strict, Secure
// under TLS, for the whole site; maxAge -1 deletes it.
func (u *UI) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: u.cfg.SecureCookies, SameSite: http.SameSiteStrictMode}
}

// cleanURL reports whether the path and query are valid UTF-8 without
// control characters: no name a page shows has them.
func cleanURL(r *http.Request) bool {
	if !cleanText(r.URL.Path) {
		return false
	}
	if r.URL.RawQuery == "" {
		return true
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return false
	}
	for k, vs := range q {
		for _, v := range vs {
			if !cleanText(k) || !cleanText(v) {
				return false
			}
		}
	}
	return true
}

func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return false
		}
	}
	return true
}

// localPath reports whether s is a path on this server that a redirect may
// lead to: absolute, no scheme or host, no form a browser reads as another
// site ("//host", "/\host").
func localPath(s string) bool {
	if s == "" || len(s) > 2048 || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\") || !cleanText(s) {
		return false
	}
	p, err := url.Parse(s)
	return err == nil && p.Scheme == "" && p.Host == "" && p.User == nil && strings.HasPrefix(p.Path, "/") && !strings.HasPrefix(p.Path, "//")
}

// remoteHost is the address the request came from, without its port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
