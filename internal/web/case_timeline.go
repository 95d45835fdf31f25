package web

import (
	"net/http"
	"net/url"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseTimelineView is the timeline page of a case or of one of its
// people: the API route timeline.js reads the events from.
type caseTimelineView struct {
	Case   investigation.Case
	Person string // a person ID, or "" for the whole case
	Src    string
}

// caseTimelineShow is the timeline page of a case, or of one person with
// ?person=P12. Like the graph, the page holds no evidence: timeline.js
// reads the events from the API, which checks access and audits a
// person's timeline.
func (u *UI) caseTimelineShow(w http.ResponseWriter, r *http.Request) error {
	c, err := u.svc.Case(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	person, from := q.Get("person"), q.Get("from")
	if len(person) > 64 || len(from) > 64 {
		return badRequestf("person: an ID from the suspects list, such as P12; from: a time")
	}
	api := url.Values{}
	title := "Timeline · " + c.Name
	if person != "" {
		api.Set("person", person)
		title = "Timeline of " + person + " · " + c.Name
	}
	if from != "" {
		api.Set("from", from)
	}
	src := "/api/v1/cases/" + url.PathEscape(c.Name) + "/timeline"
	if len(api) > 0 {
		src += "?" + api.Encode()
	}
	return u.render(w, r, http.StatusOK, "case_timeline", title, "cases", caseTimelineView{Case: c, Person: person, Src: src})
}
