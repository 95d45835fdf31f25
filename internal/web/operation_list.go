package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// operationListView is the list of operations.
type operationListView struct {
	Operations []investigation.OperationSummary
}

// operationList lists the operations the user's agency leads or takes
// part in (every one for a hub administrator).
func (u *UI) operationList(w http.ResponseWriter, r *http.Request) error {
	list, err := u.svc.Operations(r.Context())
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "operations", "Operations", "operations", operationListView{Operations: list})
}
