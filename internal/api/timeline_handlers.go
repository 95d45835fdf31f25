package api

import (
	"net/http"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseTimeline is the dated evidence of a case, or of one person with
// ?person=P12 (the UI's timeline reads it): ?from= and ?to= bound it in
// time, ?limit=1..20000 caps the events (absent: 2,000).
func (a *API) caseTimeline(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opt := investigation.TimelineOptions{Person: q.Get("person"), From: q.Get("from"), To: q.Get("to")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > investigation.MaxTimelineEvents {
			return badRequestf("limit: want a whole number from 1 to %d", investigation.MaxTimelineEvents)
		}
		opt.Limit = n
	}
	tl, err := a.svc.CaseTimeline(r.Context(), r.PathValue("case"), opt)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tl)
}
