package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// suspectListView is a case's people, best first, with every reason.
type suspectListView struct {
	Case     string
	Suspects []investigation.Suspect
}

// suspectList ranks a case's people as suspects.
func (u *UI) suspectList(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	list, err := u.svc.Suspects(r.Context(), name)
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "suspects", "Suspects of "+name, "cases", suspectListView{Case: name, Suspects: list})
}
