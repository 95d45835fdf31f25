package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vibora-project/vibora/internal/investigation"
)

type agenciesResponse struct {
	Agencies   []investigation.Agency `json:"agencies"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}

type agencyResponse struct {
	Agency investigation.Agency `json:"agency"`
}

// listAgencies lists the agencies of the hub by name.
func (a *API) listAgencies(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.AgencyPage(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, agenciesResponse{Agencies: page.Items, NextCursor: encodeCursor("n", page.After)})
}

type addAgencyRequest struct {
	Name    string `json:"name"`
	Country string `json:"country"`
}

// addAgency registers an agency (hub administrators).
func (a *API) addAgency(w http.ResponseWriter, r *http.Request) error {
	var req addAgencyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ag, err := a.svc.AddAgency(r.Context(), req.Name, req.Country)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, agencyResponse{ag})
}

type usersResponse struct {
	Users      []investigation.User `json:"users"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

type userResponse struct {
	User investigation.User `json:"user"`
}

// listUsers lists the users the caller administers, by name.
func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.UserPage(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, usersResponse{Users: page.Items, NextCursor: encodeCursor("n", page.After)})
}

type addUserRequest struct {
	Name     string `json:"name"`
	Agency   string `json:"agency"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// addUser creates an account with the password given.
func (a *API) addUser(w http.ResponseWriter, r *http.Request) error {
	var req addUserRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.svc.AddUser(r.Context(), investigation.NewUser{Name: req.Name, Agency: req.Agency, Role: req.Role, Password: req.Password})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, userResponse{u})
}

type passwordRequest struct {
	Password string `json:"password"`
}

// setPassword replaces a user's password (its own, or one it administers).
func (a *API) setPassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.svc.SetPassword(r.Context(), r.PathValue("user"), req.Password)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userResponse{u})
}

// disableUser disables an account; its sessions and tokens are refused
// from the next request on.
func (a *API) disableUser(w http.ResponseWriter, r *http.Request) error {
	u, err := a.svc.DisableUser(r.Context(), r.PathValue("user"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userResponse{u})
}

// enableUser enables a disabled account and clears its lockout.
func (a *API) enableUser(w http.ResponseWriter, r *http.Request) error {
	u, err := a.svc.EnableUser(r.Context(), r.PathValue("user"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userResponse{u})
}

type roleRequest struct {
	Role string `json:"role"`
}

// setRole changes a user's role; its sessions end.
func (a *API) setRole(w http.ResponseWriter, r *http.Request) error {
	var req roleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	u, err := a.svc.SetRole(r.Context(), r.PathValue("user"), req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userResponse{u})
}

type tokensResponse struct {
	Tokens     []investigation.Token `json:"tokens"`
	NextCursor string                `json:"next_cursor,omitempty"`
}

type tokenResponse struct {
	Token any `json:"token"`
}

// listTokens lists the caller's tokens and those of the users it
// administers, without their secrets.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	after, err := intCursorParam(r)
	if err != nil {
		return err
	}
	page, err := a.svc.TokenPage(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tokensResponse{Tokens: page.Tokens, NextCursor: intCursor(page.After)})
}

type createTokenRequest struct {
	User        string `json:"user"`
	Name        string `json:"name"`
	ExpiresDays int    `json:"expires_days"` // 0: no expiry
}

// createToken creates an API token; its secret is in this answer only.
func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.ExpiresDays < 0 || req.ExpiresDays > int(investigation.MaxTokenLifetime/(24*time.Hour)) {
		return badRequestf("expires_days: want 0 (no expiry) to %d", int(investigation.MaxTokenLifetime/(24*time.Hour)))
	}
	t, err := a.svc.CreateToken(r.Context(), req.User, req.Name, time.Duration(req.ExpiresDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenResponse{t})
}

// revokeToken revokes a token by id, effective on its next use.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("token"), 10, 64)
	if err != nil || id < 1 {
		return badRequestf("token: want a positive whole number")
	}
	t, err := a.svc.RevokeToken(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tokenResponse{t})
}
