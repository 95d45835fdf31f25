package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/operation"
)

// operationExportCSV is the operation report's per-country table as CSV
// (the same file as vibora operation report --csv), as of a day.
func (u *UI) operationExportCSV(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("operation")
	rep, err := u.svc.OperationReport(r.Context(), name, r.URL.Query().Get("as_of"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := operation.WriteCSV(&buf, rep); err != nil {
		return err
	}
	file := "operation-report.csv"
	if rep.AsOf != "" {
		file = "operation-report-" + rep.AsOf + ".csv"
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+file+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}
