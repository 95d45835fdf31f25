package web

import (
	"net/http"
	"net/url"

	"github.com/vibora-project/vibora/internal/investigation"
)

// casePageSize is how many cases a page of the case list shows.
const casePageSize = 50

// caseListView is the case list's view.
type caseListView struct {
	Cases      []investigation.CaseSummary
	Prev, Next string // URLs of the first and the next page
}

// caseList lists the cases the user may read, by name, with their counts.
func (u *UI) caseList(w http.ResponseWriter, r *http.Request) error {
	after := r.URL.Query().Get("after")
	page, err := u.svc.CaseSummaryPage(r.Context(), after, casePageSize)
	if err != nil {
		return err
	}
	v := caseListView{Cases: page.Items}
	if after != "" {
		v.Prev = "/cases"
	}
	if page.After != "" {
		v.Next = "/cases?after=" + url.QueryEscape(page.After)
	}
	return u.render(w, r, http.StatusOK, "cases", "Cases", "cases", v)
}
