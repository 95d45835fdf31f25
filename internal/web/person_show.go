package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vibora-project/vibora/internal/investigation"
)

// personView is one person's page.
type personView struct {
	Case string
	investigation.PersonPage
	Next string // the next page of the person's messages ("" when none)
}

// personShow is a person of a case: identifiers, sources, countries with
// their evidence, stealer-log hits and a page of their messages.
func (u *UI) personShow(w http.ResponseWriter, r *http.Request) error {
	caseName, id := r.PathValue("case"), r.PathValue("person")
	after, err := cursorParam(r, "after")
	if err != nil {
		return err
	}
	p, err := u.svc.PersonPage(r.Context(), caseName, id, after, chatPage)
	if err != nil {
		return err
	}
	v := personView{Case: caseName, PersonPage: p}
	if p.Messages.After != 0 {
		v.Next = "/cases/" + url.PathEscape(caseName) + "/people/" + url.PathEscape(p.Person.ID) + "?after=" + strconv.FormatInt(p.Messages.After, 10) + "#messages"
	}
	return u.render(w, r, http.StatusOK, "person", p.Person.Name+" · "+caseName, "cases", v)
}
