package api

import (
	"fmt"
	"net/http"
	"strings"

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

type ownerRequest struct {
	Person string `json:"person"`
}

type exhibitOwnerResponse struct {
	Exhibit investigation.Exhibit `json:"exhibit"`
}

// setExhibitOwner attributes an exhibit to a person of the case (exhibit
// owner set --json).
func (a *API) setExhibitOwner(w http.ResponseWriter, r *http.Request) error {
	var req ownerRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Person) == "" {
		return fmt.Errorf("person is empty (DELETE the owner to clear it): %w", investigation.ErrInvalid)
	}
	e, err := a.svc.SetExhibitOwner(r.Context(), r.PathValue("case"), r.PathValue("exhibit"), req.Person)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, exhibitOwnerResponse{e})
}

// clearExhibitOwner takes an exhibit's attribution back (exhibit owner
// clear --json).
func (a *API) clearExhibitOwner(w http.ResponseWriter, r *http.Request) error {
	e, err := a.svc.SetExhibitOwner(r.Context(), r.PathValue("case"), r.PathValue("exhibit"), "")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, exhibitOwnerResponse{e})
}
