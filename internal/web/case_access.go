package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseAccessView is who may use a case besides its agency: the agencies
// it is shared with and its members, with the forms that change them
// (case administrators).
type caseAccessView struct {
	Case    string
	Shares  []investigation.CaseShare
	Members []investigation.CaseMember
	Done    string
}

// caseAccess shows a case's shares and members.
func (u *UI) caseAccess(w http.ResponseWriter, r *http.Request) error {
	caseName := r.PathValue("case")
	shares, err := u.svc.CaseShares(r.Context(), caseName)
	if err != nil {
		return err
	}
	members, err := u.svc.CaseMembers(r.Context(), caseName)
	if err != nil {
		return err
	}
	v := caseAccessView{Case: caseName, Shares: shares, Members: members, Done: r.URL.Query().Get("done")}
	return u.render(w, r, http.StatusOK, "case_access", "Access to "+caseName, "cases", v)
}

func backToAccess(w http.ResponseWriter, r *http.Request, done string) {
	http.Redirect(w, r, "/cases/"+url.PathEscape(r.PathValue("case"))+"/access?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}

// caseShare shares the case with an agency as viewer or analyst.
func (u *UI) caseShare(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	sh, err := u.svc.ShareCase(r.Context(), r.PathValue("case"), strings.TrimSpace(r.PostForm.Get("agency")), r.PostForm.Get("role"))
	if err != nil {
		return err
	}
	backToAccess(w, r, "shared with "+sh.Agency+" as "+sh.Role)
	return nil
}

// caseUnshare withdraws a share, effective on the agency's next request.
func (u *UI) caseUnshare(w http.ResponseWriter, r *http.Request) error {
	if err := u.svc.UnshareCase(r.Context(), r.PathValue("case"), r.PathValue("agency")); err != nil {
		return err
	}
	backToAccess(w, r, "no longer shared with "+r.PathValue("agency"))
	return nil
}

// caseMemberAdd makes a user a member of the case with a case role.
func (u *UI) caseMemberAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	m, err := u.svc.AddCaseMember(r.Context(), r.PathValue("case"), strings.TrimSpace(r.PostForm.Get("user")), r.PostForm.Get("role"))
	if err != nil {
		return err
	}
	backToAccess(w, r, m.User+" is a member as "+m.Role)
	return nil
}

// caseMemberRemove ends a user's membership of the case.
func (u *UI) caseMemberRemove(w http.ResponseWriter, r *http.Request) error {
	if err := u.svc.RemoveCaseMember(r.Context(), r.PathValue("case"), r.PathValue("user")); err != nil {
		return err
	}
	backToAccess(w, r, r.PathValue("user")+" is no longer a member")
	return nil
}
