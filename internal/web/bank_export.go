package web

import (
	"net/http"
	"net/url"

	"github.com/vibora-project/vibora/internal/investigation"
)

// headerOnce sets the download's headers on the first write, so that a
// bank that cannot be exported (not found, not allowed) still gets an
// error page.
type headerOnce struct {
	http.ResponseWriter
	format string
	wrote  bool
}

func (h *headerOnce) Write(b []byte) (int, error) {
	if !h.wrote {
		h.wrote = true
		ext, ct := "json", "application/json"
		if h.format == investigation.ExportCSV {
			ext, ct = "csv", "text/csv; charset=utf-8"
		}
		hd := h.Header()
		hd.Set("Content-Type", ct)
		hd.Set("Content-Disposition", `attachment; filename="bank.`+ext+`"`)
		hd.Set("X-Content-Type-Options", "nosniff")
	}
	return h.ResponseWriter.Write(b)
}

// bankExport downloads a bank as VICS JSON or CSV (audited as
// bank.export).
func (u *UI) bankExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = investigation.ExportVICS
	}
	if format != investigation.ExportVICS && format != investigation.ExportCSV {
		return badRequestf("format: want vics or csv")
	}
	hw := &headerOnce{ResponseWriter: w, format: format}
	_, err := u.svc.ExportBank(r.Context(), r.PathValue("bank"), format, hw)
	if err != nil && hw.wrote {
		// The download is under way: it cannot become an error page.
		u.log.Error("bank export failed midway", "bank", r.PathValue("bank"), "err", err)
		return nil
	}
	if err == nil && !hw.wrote {
		hw.Write(nil) // an empty bank: the headers still say what it is
	}
	return err
}

// bankRemove deletes a bank and its records (administrators).
func (u *UI) bankRemove(w http.ResponseWriter, r *http.Request) error {
	if err := u.svc.RemoveBank(r.Context(), r.PathValue("bank")); err != nil {
		return err
	}
	http.Redirect(w, r, "/banks?removed="+url.QueryEscape(r.PathValue("bank")), http.StatusSeeOther)
	return nil
}
