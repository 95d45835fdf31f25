package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// clusterMark marks the cluster whose first member is the file reviewed
// or flagged for victim identification, with a note (audited), and goes
// back to the cluster's page.
func (u *UI) clusterMark(w http.ResponseWriter, r *http.Request) error {
	id, err := fileIDParam(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	caseName := r.PathValue("case")
	if _, err := u.svc.MarkCluster(r.Context(), caseName, id, r.PostForm.Get("state"), r.PostForm.Get("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+url.PathEscape(caseName)+"/clusters/"+strconv.FormatInt(id, 10)+"?marked=1", http.StatusSeeOther)
	return nil
}
