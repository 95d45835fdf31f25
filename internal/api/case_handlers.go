package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type casesResponse struct {
	Cases      []investigation.Case `json:"cases"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

type caseResponse struct {
	Case any `json:"case"`
}

// listCases lists the cases the caller may read, by name.
func (a *API) listCases(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.CasePage(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, casesResponse{Cases: page.Cases, NextCursor: encodeCursor("n", page.After)})
}

type createCaseRequest struct {
	Name      string `json:"name"`
	Agency    string `json:"agency"`
	Country   string `json:"country"`
	Operation string `json:"operation"`
	LegalRef  string `json:"legal_reference"`
}

// createCase opens a case, for the caller's agency unless it names one.
func (a *API) createCase(w http.ResponseWriter, r *http.Request) error {
	var req createCaseRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	c, err := a.svc.CreateCase(r.Context(), investigation.Case{Name: req.Name, Agency: req.Agency, Country: req.Country, Operation: req.Operation, LegalRef: req.LegalRef})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, caseResponse{c})
}

// showCase is a case with its exhibits and chain of custody (case show --json).
func (a *API) showCase(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.CaseDetail(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseResponse{d})
}

type reportResponse struct {
	Report investigation.CaseReport `json:"report"`
}

// caseReport is the case's operation brief (case report --json).
func (a *API) caseReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.svc.Report(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reportResponse{rep})
}
