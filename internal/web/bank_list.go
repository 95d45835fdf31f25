package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

// bankListView is the hash banks and the upload form.
type bankListView struct {
	Banks []investigation.Bank
	Jobs  bool // the server runs jobs (uploads)
}

// bankList lists the banks; administrators upload, export and remove them.
func (u *UI) bankList(w http.ResponseWriter, r *http.Request) error {
	banks, err := u.svc.Banks(r.Context())
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "bank_list", "Hash banks", "banks", bankListView{Banks: banks, Jobs: u.cfg.Jobs != nil})
}

// bankShow is one bank: its version, source, counts by class and hash
// kind, export links and the remove button.
func (u *UI) bankShow(w http.ResponseWriter, r *http.Request) error {
	sum, err := u.svc.BankSummary(r.Context(), r.PathValue("bank"))
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "bank_show", "Bank "+sum.Bank.Name, "banks", sum)
}
