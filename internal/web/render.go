package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/display"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/stealerlog"
)

//go:embed templates
var templateFS embed.FS

// views holds one template set per page: the common templates (layout,
// nav, paging, errors) and the page's own view.
type views struct{ set map[string]*template.Template }

// funcs are the helpers templates may call. None returns template.HTML.
var funcs = template.FuncMap{
	"pathEscape": url.PathEscape,
	// maskPassword shows a stealer-log password masked, as the command
	// line stores it by default, even when the store kept it in clear.
	"maskPassword": func(p string) string { return stealerlog.MaskPassword(p, stealerlog.ProfileOptions{}) },
	"thousands":    thousands,
	// breakPoints splits a long value (a URL, a login) after its
	// separators, so that a template can offer a line break there (<wbr>)
	// instead of the browser breaking it mid-name.
	"breakPoints": breakPoints,
	"bytes":       humanBytes,
	// percent shows a vPDQ q% or c% ("" when absent).
	"percent": func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 1, 64) + "%"
	},
	"hasRole": func(p *access.Principal, role string) bool {
		if p == nil {
			return false
		}
		for _, r := range p.Roles {
			if string(r) == role {
				return true
			}
		}
		return false
	},
}

func mustParseViews() *views {
	v, err := parseViews(templateFS)
	if err != nil {
		panic(err) // the templates are embedded: a test parses them
	}
	return v
}

func parseViews(fsys fs.FS) (*views, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "templates/common/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse common templates: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/views/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{set: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(fsys, n); err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		v.set[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return v, nil
}

// page is what every template receives: the layout's fields and the
// page's own view in Data.
type page struct {
	Title string
	// Nav names the nav entry of the page ("cases", "me").
	Nav string
	// User is the logged-in principal, nil on the login and error pages
	// of an anonymous visitor.
	User      *access.Principal
	RequestID string
	Data      any
}

// render writes the view name with data as a full page with status.
// The page is built in memory first, so a template error becomes a clean
// error page rather than half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, data any) error {
	t, ok := u.views.set[name]
	if !ok {
		return fmt.Errorf("no view %q", name)
	}
	pg := page{Title: title, Nav: nav, RequestID: server.RequestID(r.Context()), Data: data}
	if p, ok := access.FromContext(r.Context()); ok && p.ID != "" {
		pg.User = &p
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	body := visible(&buf)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := io.WriteString(w, body)
	return err
}

// visible is the rendered page with evidence text's control, format and
// invisible characters made visible, as the command line shows them
// (display.EscapeText): html/template escapes markup, not a bidirectional
// override that makes "gpj.exe" read "exe.jpg" or a zero-width space that
// makes two names look alike. The templates themselves hold none of these
// characters, and the escapes are plain ASCII without markup, so the pass
// over the whole page touches only text that came from data.
func visible(buf *bytes.Buffer) string { return display.EscapeText(buf.String()) }

// renderFragment writes one template of a view, without the layout: the
// part of a page an htmx request replaces.
func (u *UI) renderFragment(w http.ResponseWriter, view, name string, data any) error {
	t, ok := u.views.set[view]
	if !ok {
		return fmt.Errorf("no view %q", view)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", view, name, err)
	}
	body := visible(&buf)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := io.WriteString(w, body)
	return err
}

// badRequest marks a request the UI could not read: 400.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

// errorView is the error page's view.
type errorView struct {
	Status  int
	Heading string
	Message string
}

// fail answers err with an error page; an unauthenticated GET goes to the
// login page and comes back afterwards. The detail of a server-side
// failure goes to the log only.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	w.Header().Set("Content-Security-Policy", CSP)
	w.Header().Set("Cache-Control", "no-store")
	if errors.Is(err, investigation.ErrUnauthenticated) || errors.Is(err, access.ErrNoPrincipal) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, "/login?return="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
	}
	v := classify(err)
	if v.Status >= 500 {
		u.log.Error("page failed", "request_id", server.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		u.log.Debug("page refused", "request_id", server.RequestID(r.Context()), "status", v.Status, "err", err)
	}
	if rerr := u.render(w, r, v.Status, "error", v.Heading, "", v); rerr != nil {
		u.log.Error("error page failed", "request_id", server.RequestID(r.Context()), "err", rerr)
		http.Error(w, v.Heading, v.Status)
	}
}

// classify maps an error to its status and public wording.
func classify(err error) errorView {
	var br badRequest
	switch {
	case server.IsTooLarge(err):
		return errorView{http.StatusRequestEntityTooLarge, "Too large", "The request is larger than this server accepts."}
	case errors.As(err, &br):
		return errorView{http.StatusBadRequest, "Bad request", br.msg}
	case errors.Is(err, investigation.ErrLockedOut):
		return errorView{http.StatusTooManyRequests, "Locked out", "Too many failed logins: try again later."}
	case errors.Is(err, investigation.ErrUnauthenticated), errors.Is(err, access.ErrNoPrincipal):
		return errorView{http.StatusUnauthorized, "Log in required", "Log in to see this page."}
	case errors.Is(err, investigation.ErrNotFound):
		return errorView{http.StatusNotFound, "Not found", "There is no such page, or you may not see it."}
	case errors.Is(err, access.ErrForbidden):
		return errorView{http.StatusForbidden, "Permission denied", "Your role does not allow this."}
	case errors.Is(err, investigation.ErrExists):
		return errorView{http.StatusConflict, "Exists already", "An object of that name exists already."}
	case errors.Is(err, investigation.ErrInvalid):
		return errorView{http.StatusUnprocessableEntity, "Not accepted", err.Error()}
	}
	return errorView{http.StatusInternalServerError, "Internal error", "Something failed on the server; the request id finds it in the log."}
}

// humanBytes writes a byte count in binary units: 1.5 MiB.
func humanBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	f, unit := float64(n), ""
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		f /= 1024
		unit = u
		if f < 1024 {
			break
		}
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + unit
}

// thousands writes n with thin separators: 1,234,567.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// breakSeparators are the characters after which a long value may wrap:
// those that end the parts of e-mail addresses, host names, paths, query
// strings and user names.
const breakSeparators = "@./:?&=_-+#"

// breakPoints splits s into pieces that each end with one of
// breakSeparators (the last piece may not); joined, they are s.
func breakPoints(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, breakSeparators)
		if i < 0 {
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
