package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
)

type auditResponse struct {
	Records    []audit.Record `json:"records"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// auditLog pages the audit trail in sequence order; ?object=PREFIX keeps
// the records whose object starts with it (case:NAME, bank:NAME),
// ?action=PREFIX those whose action does (cluster., bank.import), ?actor=
// those of one actor.
func (a *API) auditLog(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	after, err := intCursorParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := investigation.AuditFilter{ObjectPrefix: q.Get("object"), ActionPrefix: q.Get("action"), Actor: q.Get("actor")}
	page, err := a.svc.AuditSearch(r.Context(), f, after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, auditResponse{Records: page.Records, NextCursor: intCursor(page.After)})
}

type verifyResponse struct {
	Status   string          `json:"status"` // intact or broken
	Records  int64           `json:"records"`
	Head     audit.Head      `json:"head"`
	Problems []audit.Problem `json:"problems"`
}

// verifyAudit re-computes the audit hash chain.
func (a *API) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.svc.VerifyAudit(r.Context())
	if err != nil {
		return err
	}
	resp := verifyResponse{Status: "intact", Records: rep.Records, Head: rep.Head, Problems: rep.Problems}
	if !rep.OK() {
		resp.Status = "broken"
	}
	if resp.Problems == nil {
		resp.Problems = []audit.Problem{}
	}
	return writeJSON(w, http.StatusOK, resp)
}
