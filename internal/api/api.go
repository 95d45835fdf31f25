// Package api is Vibora's REST API under /api/v1: one route table
// (routes.go), thin handlers per resource (case_handlers.go, ...), and the
// OpenAPI document (openapi.json), which a test keeps equal to the table.
//
// A handler decodes the request, calls one investigation method with the
// request's context, which carries the authenticated Principal, and encodes
// the result; the service's single access check decides what the caller
// may see and do. The JSON shapes are the ones vibora --json prints.
package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
	"github.com/vibora-project/vibora/internal/server"
)

// Authenticator proves who a request acts for: a password login that opens
// a server-side session, the session behind a cookie, or an API token. It
// reports a failed proof as ErrUnauthenticated and a throttled account as
// ErrLockedOut.
type Authenticator interface {
	Login(ctx context.Context, username, password, remoteAddr string) (sessionID string, p access.Principal, err error)
	Session(ctx context.Context, sessionID string) (access.Principal, error)
	Logout(ctx context.Context, sessionID string) error
	Token(ctx context.Context, bearer string) (access.Principal, error)
}

// The authenticator's errors the API tells apart (auth.ErrUnauthenticated
// and auth.ErrLockedOut are these).
var (
	ErrUnauthenticated = investigation.ErrUnauthenticated
	ErrLockedOut       = investigation.ErrLockedOut
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "vibora_session"

// Config describes the API. Service, Auth and Logger are required.
type Config struct {
	Service *investigation.Service // a server's service: New(db, "") (no local actor)
	Auth    Authenticator
	Logger  *slog.Logger
	// SecureCookies marks the session cookie Secure: the server runs TLS.
	SecureCookies bool
	// Jobs runs background jobs (job_handlers.go); nil: no job routes work.
	Jobs *job.Manager
	// Version is the tool version referral packages name.
	Version string
}

// API is the REST API's handler.
type API struct {
	svc     *investigation.Service
	auth    Authenticator
	log     *slog.Logger
	secure  bool
	jobs    *job.Manager
	version string
	mux     *http.ServeMux
}

// New builds the API and registers every route of the table.
func New(cfg Config) *API {
	a := &API{svc: cfg.Service, auth: cfg.Auth, log: cfg.Logger, secure: cfg.SecureCookies, jobs: cfg.Jobs, version: cfg.Version, mux: http.NewServeMux()}
	for _, rt := range routes {
		a.mux.Handle(rt.Method+" "+rt.Path, a.handler(rt))
	}
	// Anything else under /api/ answers in the API's error shape.
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		server.WriteError(w, r, http.StatusNotFound, "not_found", "no such API route")
	})
	return a
}

// ServeHTTP serves the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// handlerFunc is the shape of every handler: an error it returns is
// answered by fail.
type handlerFunc func(a *API, w http.ResponseWriter, r *http.Request) error

// handler wraps a route's handler with authentication (unless the route is
// public) and error answering.
func (a *API) handler(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkURL(r); err != nil {
			a.fail(w, r, err)
			return
		}
		if !rt.Public {
			p, err := a.authenticate(r)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			r = r.WithContext(access.NewContext(r.Context(), p))
		}
		if err := rt.Handle(a, w, r); err != nil {
			a.fail(w, r, err)
		}
	})
}

// authenticate finds the request's principal: a bearer token first, then
// the session cookie.
func (a *API) authenticate(r *http.Request) (access.Principal, error) {
	var (
		p   access.Principal
		err error
	)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return p, ErrUnauthenticated
		}
		p, err = a.auth.Token(r.Context(), strings.TrimSpace(token))
	} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
		p, err = a.auth.Session(r.Context(), c.Value)
	} else {
		return p, ErrUnauthenticated
	}
	if err != nil {
		return p, err
	}
	p.RequestID, p.RemoteAddr = server.RequestID(r.Context()), remoteHost(r)
	return p, nil
}

// checkURL refuses a path or query parameter that is not valid UTF-8 or
// holds control characters: no name the API serves has them, and stores
// refuse some of them (PostgreSQL text holds no NUL).
func checkURL(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return badRequestf("the path is not valid UTF-8 text")
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequestf("the query string is malformed")
	}
	for k, vs := range q {
		for _, v := range vs {
			if !cleanText(k) || !cleanText(v) {
				return badRequestf("query parameter %q is not valid UTF-8 text", k)
			}
		}
	}
	return nil
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

// remoteHost is the address the request came from, without its port.
func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
