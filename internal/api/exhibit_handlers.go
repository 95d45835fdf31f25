package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type exhibitsResponse struct {
	Exhibits   []investigation.Exhibit `json:"exhibits"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// listExhibits pages a case's exhibits by label (exhibit list --json).
func (a *API) listExhibits(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	list, err := a.svc.Exhibits(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	page, next := pageAfter(list, func(e investigation.Exhibit) string { return e.Label }, after, limit)
	return writeJSON(w, http.StatusOK, exhibitsResponse{Exhibits: page, NextCursor: next})
}

type exhibitResponse struct {
	Exhibit investigation.ExhibitDetail `json:"exhibit"`
}

// showExhibit is an exhibit with its chain of custody (exhibit show --json).
func (a *API) showExhibit(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.ExhibitDetail(r.Context(), r.PathValue("case"), r.PathValue("exhibit"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, exhibitResponse{d})
}

type custodyResponse struct {
	Custody []investigation.CustodyEvent `json:"custody"`
}

// exhibitCustody is an exhibit's chain of custody, oldest first.
func (a *API) exhibitCustody(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.ExhibitDetail(r.Context(), r.PathValue("case"), r.PathValue("exhibit"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, custodyResponse{d.Custody})
}
