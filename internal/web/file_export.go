package web

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/server"
)

// exportPage is how many files an export reads at a time.
const exportPage = 1000

// fileExportCSV streams the filtered files of a case as CSV.
func (u *UI) fileExportCSV(w http.ResponseWriter, r *http.Request) error {
	return u.fileExport(w, r, "csv")
}

// fileExportJSON streams the filtered files of a case as a JSON array of
// the objects vibora files --json prints (docs/cli-json.md).
func (u *UI) fileExportJSON(w http.ResponseWriter, r *http.Request) error {
	return u.fileExport(w, r, "json")
}

var csvHeader = []string{"exhibit", "path", "size", "mtime", "media_type", "md5", "sha1", "sha256", "pdq", "pdq_quality", "status", "matches", "error", "warnings"}

// fileExport streams every file the filters select, a page of the store
// at a time, in the table's order. The first page is read before anything
// is sent, so a refused case or a bad filter is an error page; a failure
// later cuts the download short (never a silently partial file).
func (u *UI) fileExport(w http.ResponseWriter, r *http.Request, format string) error {
	name := r.PathValue("case")
	q, _, _, err := fileQuery(r)
	if err != nil {
		return err
	}
	page, err := u.svc.FilePage(r.Context(), name, q, 0, exportPage)
	if err != nil {
		return err
	}
	h := w.Header()
	file := exportName(name) + "-files." + format
	h.Set("Content-Disposition", `attachment; filename="`+file+`"`)
	var write func(investigation.FileView) error
	var end func() error
	switch format {
	case "csv":
		h.Set("Content-Type", "text/csv; charset=utf-8")
		cw := csv.NewWriter(w)
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
		write = func(f investigation.FileView) error { return cw.Write(csvRow(f)) }
		end = func() error { cw.Flush(); return cw.Error() }
	default:
		h.Set("Content-Type", "application/json")
		first := true
		if _, err := w.Write([]byte("[")); err != nil {
			return err
		}
		write = func(f investigation.FileView) error {
			b, err := json.Marshal(f.Entry())
			if err != nil {
				return err
			}
			sep := ",\n"
			if first {
				sep, first = "\n", false
			}
			_, err = w.Write(append([]byte(sep), b...))
			return err
		}
		end = func() error { _, err := w.Write([]byte("\n]\n")); return err }
	}
	for {
		for _, f := range page.Files {
			if err := write(f); err != nil {
				return u.abort(r, err)
			}
		}
		if page.After == 0 {
			break
		}
		if page, err = u.svc.FilePage(r.Context(), name, q, page.After, exportPage); err != nil {
			return u.abort(r, err)
		}
	}
	if err := end(); err != nil {
		return u.abort(r, err)
	}
	return nil
}

// abort ends a response already under way: the failure goes to the log,
// and the connection is cut so the client sees an incomplete download.
func (u *UI) abort(r *http.Request, err error) error {
	u.log.Error("export cut short", "request_id", server.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// csvRow is one file as a CSV row. A cell that a spreadsheet would read
// as a formula (starting with =, +, -, @, a tab or a carriage return) is
// prefixed with an apostrophe: paths are evidence, hostile by default.
func csvRow(f investigation.FileView) []string {
	var ms []string
	for _, m := range f.Matches {
		if m.Kind == "vpdq" {
			ms = append(ms, fmt.Sprintf("%s:%s:%s:vpdq:q=%.1f%%,c=%.1f%%", m.Bank, cmp.Or(m.NormCategory, m.Category), m.Series, m.QueryPercent, m.ComparedPercent))
			continue
		}
		ms = append(ms, fmt.Sprintf("%s:%s:%s:%s:%d", m.Bank, cmp.Or(m.NormCategory, m.Category), m.Series, m.Kind, m.Distance))
	}
	quality := ""
	if f.PDQ != "" {
		quality = strconv.Itoa(f.PDQQuality)
	}
	row := []string{f.Exhibit, f.Path, strconv.FormatInt(f.Size, 10), f.ModTime, f.MediaType, f.MD5, f.SHA1, f.SHA256, f.PDQ, quality, f.Status,
		strings.Join(ms, " "), f.Error, strings.ReplaceAll(f.Warnings, "\n", "; ")}
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

var unsafeFileName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// exportName is a case name made safe as a download's file name.
func exportName(name string) string {
	s := strings.Trim(unsafeFileName.ReplaceAllString(name, "_"), "._")
	if s == "" || len(s) > 100 {
		return "case"
	}
	return s
}
