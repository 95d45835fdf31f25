package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// meView is the home page: who the user is and the cases they may read.
type meView struct {
	Principal access.Principal
	Cases     []investigation.Case
	More      bool // more cases than the page shows: see the case list
}

// meCases is how many of their cases the home page lists.
const meCases = 50

// meShow is the home page: user, agency, roles and their cases.
func (u *UI) meShow(w http.ResponseWriter, r *http.Request) error {
	p, _ := access.FromContext(r.Context())
	page, err := u.svc.CasePage(r.Context(), "", meCases)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "me", "Who am I", "me", meView{Principal: p, Cases: page.Cases, More: page.After != ""})
}
