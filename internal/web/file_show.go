package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// fileShowView is one file's page.
type fileShowView struct {
	investigation.FileDetail
	Warnings []string
}

// fileShow is one file's page: digests, PDQ, matches, warnings and where
// else its content was seen. Never the file's content.
func (u *UI) fileShow(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("case")
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id < 1 {
		return investigation.ErrNotFound
	}
	d, err := u.svc.FileDetail(r.Context(), name, id)
	if err != nil {
		return err
	}
	v := fileShowView{FileDetail: d}
	if d.Warnings != "" {
		v.Warnings = strings.Split(d.Warnings, "\n")
	}
	return u.render(w, r, http.StatusOK, "file", "File "+strconv.FormatInt(id, 10)+" of "+name, "cases", v)
}
