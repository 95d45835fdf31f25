package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type suspectsResponse struct {
	Suspects   []investigation.Suspect `json:"suspects"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

// listSuspects pages a case's people ranked as suspects (suspects --json).
func (a *API) listSuspects(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := intCursorParam(r)
	if err != nil {
		return err
	}
	list, err := a.svc.Suspects(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	page, next := pageAt(list, offset, limit)
	return writeJSON(w, http.StatusOK, suspectsResponse{Suspects: page, NextCursor: next})
}

type personsResponse struct {
	Persons []investigation.PersonView `json:"persons"`
}

// showPerson is what the evidence says of the people {person} names: an
// ID from the suspects list, a name or an identifier (person show --json).
// Each person read is audited.
func (a *API) showPerson(w http.ResponseWriter, r *http.Request) error {
	found, err := a.svc.PersonDetail(r.Context(), r.PathValue("case"), r.PathValue("person"))
	if err != nil {
		return err
	}
	resp := personsResponse{Persons: make([]investigation.PersonView, len(found))}
	for i, p := range found {
		resp.Persons[i] = p.View()
	}
	return writeJSON(w, http.StatusOK, resp)
}

type leadsResponse struct {
	Leads      []investigation.LeadView `json:"leads"`
	NextCursor string                   `json:"next_cursor,omitempty"`
}

// listLeads pages a case's stealer-log leads, most watched sites first
// (leads --json).
func (a *API) listLeads(w http.ResponseWriter, r *http.Request) error {
	limit, err := limitParam(r)
	if err != nil {
		return err
	}
	offset, err := intCursorParam(r)
	if err != nil {
		return err
	}
	list, err := a.svc.Leads(r.Context(), r.PathValue("case"))
	if err != nil {
		return err
	}
	page, next := pageAt(list, offset, limit)
	return writeJSON(w, http.StatusOK, leadsResponse{Leads: page, NextCursor: next})
}
