package api

import (
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// fileItem is a file as vibora files --json prints it, with the id that
// names it in /api/v1/cases/{case}/files/{file}.
type fileItem struct {
	ID int64 `json:"id"`
	investigation.FileEntry
}

type filesResponse struct {
	Files      []fileItem `json:"files"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// listFiles pages a case's files, filtered as vibora files filters them:
// ?exhibit=E&status=matched|unknown|ignorable|error&category=N.
func (a *API) listFiles(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	after, err := intCursorParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page, err := a.svc.FilePage(r.Context(), r.PathValue("case"),
		investigation.FileQuery{Exhibit: q.Get("exhibit"), Status: q.Get("status"), Category: q.Get("category")}, after, limit)
	if err != nil {
		return err
	}
	resp := filesResponse{Files: make([]fileItem, len(page.Files)), NextCursor: intCursor(page.After)}
	for i, f := range page.Files {
		resp.Files[i] = fileItem{f.ID, f.Entry()}
	}
	return writeJSON(w, http.StatusOK, resp)
}

type fileResponse struct {
	File fileItem `json:"file"`
}

// showFile is one file of a case, by the id its listing's cursor order uses.
func (a *API) showFile(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id < 1 {
		return badRequestf("file: want a positive whole number")
	}
	f, err := a.svc.File(r.Context(), r.PathValue("case"), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fileResponse{File: fileItem{f.ID, f.Entry()}})
}
