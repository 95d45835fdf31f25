package web

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/job"
)

// bankUpload queues the import of an uploaded hash list (those who may
// change banks): a new bank, or the next version of one.
func (u *UI) bankUpload(w http.ResponseWriter, r *http.Request) error {
	up, f, err := u.receiveUpload(r, "", "name", "kind", "format", "source", "allow_partial")
	if err != nil {
		return err
	}
	defer up.Discard()
	p := job.BankImportParams{Name: f["name"], Kind: f["kind"], Format: f["format"], Source: f["source"], AllowPartial: checkbox(f, "allow_partial")}
	j, err := u.cfg.Jobs.SubmitBankImport(r.Context(), p, up)
	if err != nil {
		return err
	}
	toJob(w, r, j.ID)
	return nil
}
