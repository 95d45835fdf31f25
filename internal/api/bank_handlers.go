package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type banksResponse struct {
	Banks      []investigation.Bank `json:"banks"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

// listBanks lists the hash banks by name.
func (a *API) listBanks(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.BankPage(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, banksResponse{Banks: page.Items, NextCursor: encodeCursor("n", page.After)})
}

type bankResponse struct {
	Bank investigation.BankSummary `json:"bank"`
}

// showBank describes a bank and counts its records (bank show --json).
func (a *API) showBank(w http.ResponseWriter, r *http.Request) error {
	sum, err := a.svc.BankSummary(r.Context(), r.PathValue("bank"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, bankResponse{sum})
}

// exportBank streams a bank as ?format=vics (VICS 2.0 JSON, the default)
// or csv; the export is recorded in the audit trail.
func (a *API) exportBank(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = investigation.ExportVICS
	}
	switch format {
	case investigation.ExportVICS:
		w.Header().Set("Content-Type", "application/json")
	case investigation.ExportCSV:
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	default:
		return badRequestf("format: want vics or csv")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="bank.`+map[string]string{"vics": "json", "csv": "csv"}[format]+`"`)
	_, err := a.svc.ExportBank(r.Context(), r.PathValue("bank"), format, w)
	return err
}

// removeBank deletes a bank and its records (admins).
func (a *API) removeBank(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RemoveBank(r.Context(), r.PathValue("bank")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
