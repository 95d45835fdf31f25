package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type noticesResponse struct {
	Notices []investigation.NoticeView `json:"notices"`
}

type noticeResponse struct {
	Notice investigation.NoticeView `json:"notice"`
}

// listNotices lists the deconfliction notices of the cases the caller may
// read (?case= one of them; ?open=true only those not acknowledged).
func (a *API) listNotices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	open := false
	switch q.Get("open") {
	case "", "false":
	case "true":
		open = true
	default:
		return badRequestf("open: want true or false")
	}
	ns, err := a.svc.Notices(r.Context(), q.Get("case"), open)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, noticesResponse{Notices: ns})
}

// showNotice shows one notice, with the case's own matching identifiers.
func (a *API) showNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := investigation.ParseNoticeID(r.PathValue("notice"))
	if err != nil {
		return err
	}
	n, err := a.svc.Notice(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, noticeResponse{n})
}

// ackNotice acknowledges a notice.
func (a *API) ackNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := investigation.ParseNoticeID(r.PathValue("notice"))
	if err != nil {
		return err
	}
	n, err := a.svc.AckNotice(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, noticeResponse{n})
}

// checkDeconfliction checks a case against the other agencies' cases.
func (a *API) checkDeconfliction(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.CheckDeconfliction(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// oprfKey returns an operation's public OPRF key.
func (a *API) oprfKey(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.OPRFKey(r.Context(), r.PathValue("operation"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// oprfEvaluate evaluates blinded elements under an operation's key.
func (a *API) oprfEvaluate(w http.ResponseWriter, r *http.Request) error {
	var req investigation.OPRFRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	v, err := a.svc.OPRFEvaluate(r.Context(), r.PathValue("operation"), req.Elements)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}
