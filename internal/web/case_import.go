package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/job"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// caseImportView is the page that starts the work on a case: an ingest
// from the server's evidence roots, an uploaded chat export, uploaded
// stealer logs.
type caseImportView struct {
	Case  string
	Roots []string // the evidence roots' names ingest paths start from
	Jobs  bool     // the server runs jobs
}

// caseImport shows the forms. It loads the case first, so a case the user
// may not see is 404 like everywhere else.
func (u *UI) caseImport(w http.ResponseWriter, r *http.Request) error {
	caseName := r.PathValue("case")
	c, err := u.svc.Case(r.Context(), caseName)
	if err != nil {
		return err
	}
	v := caseImportView{Case: c.Name, Jobs: u.cfg.Jobs != nil}
	if u.cfg.Jobs != nil {
		v.Roots = u.cfg.Jobs.Roots().Names()
	}
	return u.render(w, r, http.StatusOK, "case_import", "Ingest and imports: "+c.Name, "cases", v)
}

// ingestSubmit queues an ingest of paths (one a line) under the server's
// evidence roots into an exhibit.
func (u *UI) ingestSubmit(w http.ResponseWriter, r *http.Request) error {
	m, err := u.jobs()
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	var paths []string
	for _, p := range strings.Split(r.PostForm.Get("paths"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	j, err := m.SubmitIngest(r.Context(), r.PathValue("case"), strings.TrimSpace(r.PostForm.Get("exhibit")), paths)
	if err != nil {
		return err
	}
	toJob(w, r, j.ID)
	return nil
}

// chatImportSubmit queues the import of an uploaded chat export.
func (u *UI) chatImportSubmit(w http.ResponseWriter, r *http.Request) error {
	caseName := r.PathValue("case")
	up, f, err := u.receiveUpload(r, caseName, "exhibit", "region")
	if err != nil {
		return err
	}
	defer up.Discard()
	j, err := u.cfg.Jobs.SubmitChatImport(r.Context(), caseName, job.ChatImportParams{Exhibit: f["exhibit"], Region: f["region"]}, up)
	if err != nil {
		return err
	}
	toJob(w, r, j.ID)
	return nil
}

// stealerScanSubmit queues a scan of uploaded stealer logs against an
// uploaded watchlist.
func (u *UI) stealerScanSubmit(w http.ResponseWriter, r *http.Request) error {
	caseName := r.PathValue("case")
	up, f, err := u.receiveUpload(r, caseName, "keep_passwords")
	if err != nil {
		return err
	}
	defer up.Discard()
	j, err := u.cfg.Jobs.SubmitStealerScan(r.Context(), caseName, job.StealerScanParams{KeepPasswords: checkbox(f, "keep_passwords")}, up)
	if err != nil {
		return err
	}
	toJob(w, r, j.ID)
	return nil
}
