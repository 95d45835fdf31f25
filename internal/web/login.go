package web

import (
	"errors"
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// loginView is the login page's view.
type loginView struct {
	Username string
	Return   string   // the local path to go to after logging in
	Error    string   // why the last attempt failed
	OIDC     []string // agencies whose OpenID Connect provider is offered
}

// maxLoginForm bounds the login form's body.
const maxLoginForm = 16 << 10

// loginShow is the login form: a password, and a button per agency whose
// OpenID Connect provider is configured.
func (u *UI) loginShow(w http.ResponseWriter, r *http.Request) error {
	back := r.URL.Query().Get("return")
	if !localPath(back) {
		back = "/"
	}
	return u.render(w, r, http.StatusOK, "login", "Log in", "", loginView{Return: back, OIDC: u.cfg.OIDCAgencies})
}

// loginSubmit checks the user name and password and opens a session; its
// id goes only into the HttpOnly cookie. A failure shows the form again,
// worded alike for every refused credential.
func (u *UI) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		return badRequestf("the login form could not be read")
	}
	v := loginView{Username: r.PostForm.Get("username"), Return: r.PostForm.Get("return"), OIDC: u.cfg.OIDCAgencies}
	if !localPath(v.Return) {
		v.Return = "/"
	}
	password := r.PostForm.Get("password")
	if v.Username == "" || password == "" {
		v.Error = "Enter your user name and password."
		return u.render(w, r, http.StatusBadRequest, "login", "Log in", "", v)
	}
	id, _, err := u.cfg.Auth.Login(r.Context(), v.Username, password, remoteHost(r))
	switch {
	case errors.Is(err, investigation.ErrLockedOut):
		v.Error = "Too many failed logins: try again later."
		return u.render(w, r, http.StatusTooManyRequests, "login", "Log in", "", v)
	case errors.Is(err, investigation.ErrUnauthenticated):
		v.Error = "Wrong user name or password."
		return u.render(w, r, http.StatusUnauthorized, "login", "Log in", "", v)
	case err != nil:
		return err
	}
	http.SetCookie(w, u.sessionCookie(id, 0))
	http.Redirect(w, r, v.Return, http.StatusSeeOther)
	return nil
}

// logout ends the session and clears the cookie.
func (u *UI) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := u.cfg.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, u.sessionCookie("", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
