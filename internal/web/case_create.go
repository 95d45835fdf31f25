package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// caseNewView is the form that opens a case.
type caseNewView struct {
	Case     investigation.Case
	Agencies []string // agencies the user may open a case for; none on a local store
	Error    string
}

// caseNew is the form that opens a case.
func (u *UI) caseNew(w http.ResponseWriter, r *http.Request) error {
	agencies, err := u.svc.CaseAgencies(r.Context())
	if err != nil {
		return err
	}
	v := caseNewView{Agencies: agencies}
	if p, ok := access.FromContext(r.Context()); ok {
		v.Case.Agency = p.Agency
	}
	return u.render(w, r, http.StatusOK, "case_new", "New case", "cases", v)
}

// caseCreate opens a case and shows its dashboard; a refused case shows
// the form again with the reason.
func (u *UI) caseCreate(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return badRequestf("the form could not be read")
	}
	f := r.PostForm
	c := investigation.Case{Name: f.Get("name"), Agency: f.Get("agency"), Country: f.Get("country"), Operation: f.Get("operation"), LegalRef: f.Get("legal_reference")}
	created, err := u.svc.CreateCase(r.Context(), c)
	if err == nil {
		http.Redirect(w, r, "/cases/"+url.PathEscape(created.Name), http.StatusSeeOther)
		return nil
	}
	status := 0
	switch {
	case errors.Is(err, investigation.ErrExists):
		status = http.StatusConflict
	case errors.Is(err, investigation.ErrInvalid):
		status = http.StatusUnprocessableEntity
	case errors.Is(err, access.ErrForbidden):
		status = http.StatusForbidden
	default:
		return err
	}
	agencies, aerr := u.svc.CaseAgencies(r.Context())
	if aerr != nil {
		return aerr
	}
	return u.render(w, r, status, "case_new", "New case", "cases", caseNewView{Case: c, Agencies: agencies, Error: classify(err).Message})
}
