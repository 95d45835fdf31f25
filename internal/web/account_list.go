package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// accountsView is the administrators' page: agencies and the users the
// administrator manages, with the forms that change them.
type accountsView struct {
	Agencies []investigation.Agency
	Users    []investigation.User
	Roles    []string
	Done     string // what the last action did
}

// accountRoles are the roles a user may be given.
var accountRoles = []string{"viewer", "analyst", "agency-admin", "hub-admin"}

// accountList is the accounts page. Listing users is for administrators
// (hub: every agency; agency: their own): anyone else gets 403.
func (u *UI) accountList(w http.ResponseWriter, r *http.Request) error {
	users, err := u.svc.Users(r.Context())
	if err != nil {
		return err
	}
	agencies, err := u.svc.Agencies(r.Context())
	if err != nil {
		return err
	}
	v := accountsView{Agencies: agencies, Users: users, Roles: accountRoles, Done: r.URL.Query().Get("done")}
	return u.render(w, r, http.StatusOK, "account_list", "Accounts", "accounts", v)
}

// backToAccounts answers an account change with the accounts page and a
// line saying what changed.
func backToAccounts(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, "/admin/accounts?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}

// agencyAdd registers an agency (hub administrators).
func (u *UI) agencyAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	a, err := u.svc.AddAgency(r.Context(), strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("country")))
	if err != nil {
		return err
	}
	backToAccounts(w, r, "agency "+a.Name+" added")
	return nil
}

// userAdd creates an account.
func (u *UI) userAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	nu := investigation.NewUser{Name: strings.TrimSpace(f.Get("name")), Agency: f.Get("agency"), Role: f.Get("role"), Password: f.Get("password")}
	usr, err := u.svc.AddUser(r.Context(), nu)
	if err != nil {
		return err
	}
	backToAccounts(w, r, "user "+usr.Name+" added")
	return nil
}

// userDisable disables an account (its sessions and tokens stop working).
func (u *UI) userDisable(w http.ResponseWriter, r *http.Request) error {
	usr, err := u.svc.DisableUser(r.Context(), r.PathValue("user"))
	if err != nil {
		return err
	}
	backToAccounts(w, r, "user "+usr.Name+" disabled")
	return nil
}

// userEnable re-enables an account and clears its lockout.
func (u *UI) userEnable(w http.ResponseWriter, r *http.Request) error {
	usr, err := u.svc.EnableUser(r.Context(), r.PathValue("user"))
	if err != nil {
		return err
	}
	backToAccounts(w, r, "user "+usr.Name+" enabled")
	return nil
}

// userRole changes an account's role.
func (u *UI) userRole(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	usr, err := u.svc.SetRole(r.Context(), r.PathValue("user"), r.PostForm.Get("role"))
	if err != nil {
		return err
	}
	backToAccounts(w, r, "user "+usr.Name+" is now "+usr.Role)
	return nil
}
