package api

import (
	"net/http"

	"github.com/vibora-project/vibora/internal/investigation"
)

type sharesResponse struct {
	Shares     []investigation.CaseShare `json:"shares"`
	NextCursor string                    `json:"next_cursor,omitempty"`
}

type shareResponse struct {
	Share investigation.CaseShare `json:"share"`
}

// listShares lists the agencies a case is shared with, by name.
func (a *API) listShares(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.CaseSharePage(r.Context(), r.PathValue("case"), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sharesResponse{Shares: page.Items, NextCursor: encodeCursor("n", page.After)})
}

type shareRequest struct {
	Agency string `json:"agency"`
	Role   string `json:"role"`
}

// shareCase shares a case with an agency as viewer or analyst.
func (a *API) shareCase(w http.ResponseWriter, r *http.Request) error {
	var req shareRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	sh, err := a.svc.ShareCase(r.Context(), r.PathValue("case"), req.Agency, req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, shareResponse{sh})
}

// unshareCase withdraws a share, effective on the agency's next request.
func (a *API) unshareCase(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.UnshareCase(r.Context(), r.PathValue("case"), r.PathValue("agency")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type membersResponse struct {
	Members    []investigation.CaseMember `json:"members"`
	NextCursor string                     `json:"next_cursor,omitempty"`
}

type memberResponse struct {
	Member investigation.CaseMember `json:"member"`
}

// listMembers lists a case's members, by user name.
func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	after, limit, err := namePageParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.CaseMemberPage(r.Context(), r.PathValue("case"), after, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, membersResponse{Members: page.Items, NextCursor: encodeCursor("n", page.After)})
}

type memberRequest struct {
	User string `json:"user"`
	Role string `json:"role"`
}

// addMember makes a user a member of a case with a case role.
func (a *API) addMember(w http.ResponseWriter, r *http.Request) error {
	var req memberRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	m, err := a.svc.AddCaseMember(r.Context(), r.PathValue("case"), req.User, req.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, memberResponse{m})
}

// removeMember ends a user's membership of a case.
func (a *API) removeMember(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RemoveCaseMember(r.Context(), r.PathValue("case"), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
