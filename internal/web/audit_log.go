package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
)

// auditView is one page of the audit trail, filtered by object and action
// prefix and actor,
// and the result of a verification when one was asked for.
type auditView struct {
	Filter  investigation.AuditFilter
	Records []audit.Record
	Paging  pageLinks
	Verify  *investigation.AuditReport
}

// auditPage is how many records a page shows.
const auditPage = 100

// auditLog pages the audit trail (hub administrators), oldest first.
func (u *UI) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var after int64
	if s := q.Get("after"); s != "" {
		var err error
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			return badRequestf("after: want a whole number")
		}
	}
	v := auditView{Filter: investigation.AuditFilter{ObjectPrefix: q.Get("object"), ActionPrefix: q.Get("action"), Actor: q.Get("actor")}}
	page, err := u.svc.AuditSearch(r.Context(), v.Filter, after, auditPage)
	if err != nil {
		return err
	}
	v.Records = page.Records
	filter := url.Values{}
	for k, val := range map[string]string{"object": v.Filter.ObjectPrefix, "action": v.Filter.ActionPrefix, "actor": v.Filter.Actor} {
		if val != "" {
			filter.Set(k, val)
		}
	}
	if after > 0 {
		v.Paging.Prev = "/audit?" + filter.Encode()
	}
	if page.After > 0 {
		filter.Set("after", strconv.FormatInt(page.After, 10))
		v.Paging.Next = "/audit?" + filter.Encode()
	}
	return u.render(w, r, http.StatusOK, "audit_log", "Audit trail", "audit", v)
}

// auditVerify re-computes the whole hash chain and shows the result.
func (u *UI) auditVerify(w http.ResponseWriter, r *http.Request) error {
	rep, err := u.svc.VerifyAudit(r.Context())
	if err != nil {
		return err
	}
	return u.render(w, r, http.StatusOK, "audit_verify", "Audit verification", "audit", rep)
}
