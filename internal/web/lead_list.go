package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// leadListView is a case's stealer-log leads.
type leadListView struct {
	Case  string
	Leads []investigation.LeadView
}

// leadList lists a case's stealer-log leads, most watched sites first,
// with the person each joins. Passwords are shown masked.
func (u *UI) leadList(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	leads, err := u.svc.Leads(r.Context(), name)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "leads", "Stealer leads of "+name, "cases", leadListView{Case: name, Leads: leads})
}
