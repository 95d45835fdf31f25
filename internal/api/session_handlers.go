package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/access"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type principalResponse struct {
	Principal access.Principal `json:"principal"`
}

// login checks a username and password and opens a session: its id goes
// only into an HttpOnly cookie.
func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return badRequestf("username and password are required")
	}
	id, p, err := a.auth.Login(r.Context(), req.Username, req.Password, remoteHost(r))
	if err != nil {
		return err
	}
	http.SetCookie(w, a.sessionCookie(id, 0))
	return writeJSON(w, http.StatusOK, principalResponse{p})
}

// logout ends the session of the cookie (a token request has none to end).
func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := a.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
		http.SetCookie(w, a.sessionCookie("", -1))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me is the caller's principal.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	p, _ := access.FromContext(r.Context())
	p.RequestID, p.RemoteAddr = "", ""
	return writeJSON(w, http.StatusOK, principalResponse{p})
}

// sessionCookie is the session cookie: HttpOnly, SameSite=Strict, Secure
// under TLS, for the whole site; maxAge -1 deletes it.
func (a *API) sessionCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.secure, SameSite: http.SameSiteStrictMode}
}
