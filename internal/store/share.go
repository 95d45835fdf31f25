package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// CaseMember is a user's role on one case.
type CaseMember struct {
	CaseID    int64
	Case      string
	UserID    int64
	User      string
	Agency    string
	Role      string
	CreatedAt string
	CreatedBy string
}

// CaseShare is a case shared with an agency, with a role.
type CaseShare struct {
	CaseID    int64
	Case      string
	AgencyID  int64
	Agency    string
	Role      string
	CreatedAt string
	CreatedBy string
}

// PutCaseMember adds a member to a case or changes its role.
func (tx *Tx) PutCaseMember(ctx context.Context, m CaseMember) error {
	_, err := tx.exec(ctx, "INSERT INTO case_members (case_id, user_id, role, created_at, created_by) VALUES (?, ?, ?, ?, ?)"+
		" ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role, created_at = excluded.created_at, created_by = excluded.created_by",
		m.CaseID, m.UserID, m.Role, m.CreatedAt, m.CreatedBy)
	if err != nil {
		return fmt.Errorf("put case member: %w", err)
	}
	return nil
}

// DeleteCaseMember removes a member from a case; ErrNotFound when it was
// none.
func (tx *Tx) DeleteCaseMember(ctx context.Context, caseID, userID int64) error {
	res, err := tx.exec(ctx, "DELETE FROM case_members WHERE case_id = ? AND user_id = ?", caseID, userID)
	return deletedOne(res, err, "case member")
}

// CaseMembers lists a case's members by user name.
func (q q) CaseMembers(ctx context.Context, caseID int64) ([]CaseMember, error) {
	return q.CaseMemberPage(ctx, caseID, "", 0)
}

// CaseMemberPage reads one page of a case's members by user name: those
// whose name sorts after after ("" for the first page), at most limit of
// them (0: all).
func (q q) CaseMemberPage(ctx context.Context, caseID int64, after string, limit int) ([]CaseMember, error) {
	where, args := keyset("WHERE m.case_id = ?", "u.name", after, limit)
	rows, err := q.query(ctx, "SELECT m.case_id, c.name, m.user_id, u.name, a.name, m.role, m.created_at, m.created_by"+
		" FROM case_members m JOIN cases c ON c.id = m.case_id JOIN users u ON u.id = m.user_id JOIN agencies a ON a.id = u.agency_id "+
		where, append([]any{caseID}, args...)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (CaseMember, error) {
		var m CaseMember
		err := s.Scan(&m.CaseID, &m.Case, &m.UserID, &m.User, &m.Agency, &m.Role, &m.CreatedAt, &m.CreatedBy)
		return m, err
	})
}

// PutCaseShare shares a case with an agency or changes the share's role.
func (tx *Tx) PutCaseShare(ctx context.Context, s CaseShare) error {
	_, err := tx.exec(ctx, "INSERT INTO case_shares (case_id, agency_id, role, created_at, created_by) VALUES (?, ?, ?, ?, ?)"+
		" ON CONFLICT (case_id, agency_id) DO UPDATE SET role = excluded.role, created_at = excluded.created_at, created_by = excluded.created_by",
		s.CaseID, s.AgencyID, s.Role, s.CreatedAt, s.CreatedBy)
	if err != nil {
		return fmt.Errorf("put case share: %w", err)
	}
	return nil
}

// DeleteCaseShare withdraws a share; ErrNotFound when there was none.
func (tx *Tx) DeleteCaseShare(ctx context.Context, caseID, agencyID int64) error {
	res, err := tx.exec(ctx, "DELETE FROM case_shares WHERE case_id = ? AND agency_id = ?", caseID, agencyID)
	return deletedOne(res, err, "case share")
}

// CaseShares lists the agencies a case is shared with, by name.
func (q q) CaseShares(ctx context.Context, caseID int64) ([]CaseShare, error) {
	return q.CaseSharePage(ctx, caseID, "", 0)
}

// CaseSharePage reads one page of a case's shares by agency name: those
// whose agency sorts after after ("" for the first page), at most limit of
// them (0: all).
func (q q) CaseSharePage(ctx context.Context, caseID int64, after string, limit int) ([]CaseShare, error) {
	where, args := keyset("WHERE s.case_id = ?", "a.name", after, limit)
	rows, err := q.query(ctx, "SELECT s.case_id, c.name, s.agency_id, a.name, s.role, s.created_at, s.created_by"+
		" FROM case_shares s JOIN cases c ON c.id = s.case_id JOIN agencies a ON a.id = s.agency_id "+where, append([]any{caseID}, args...)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (CaseShare, error) {
		var s CaseShare
		err := sc.Scan(&s.CaseID, &s.Case, &s.AgencyID, &s.Agency, &s.Role, &s.CreatedAt, &s.CreatedBy)
		return s, err
	})
}

func deletedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("delete %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// CaseGrants are the share of a case to one agency and the membership of
// one user ("" when there is none): what access.CaseFacts needs besides
// the owning agency.
func (q q) CaseGrants(ctx context.Context, caseID int64, agency string, userID int64) (share, member string, err error) {
	err = q.queryRow(ctx, "SELECT"+
		" COALESCE((SELECT s.role FROM case_shares s JOIN agencies a ON a.id = s.agency_id WHERE s.case_id = ? AND a.name = ?), ''),"+
		" COALESCE((SELECT m.role FROM case_members m WHERE m.case_id = ? AND m.user_id = ?), '')",
		caseID, agency, caseID, userID).Scan(&share, &member)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return share, member, err
}

// CaseVisibility selects, in SQL, the cases a principal may see (see
// access.CaseScope): every case (All), those of its agency (Own), those
// shared with its agency (Shared), and those UserID is a member of. The
// zero value selects none.
type CaseVisibility struct {
	All    bool
	Agency string
	Own    bool
	Shared bool
	UserID int64
}

// where is the condition on the cases table aliased as alias, and its
// arguments.
func (v CaseVisibility) where(alias string) (string, []any) {
	if v.All {
		return "1 = 1", nil
	}
	var conds []string
	var args []any
	if v.Own {
		conds, args = append(conds, alias+".agency = ?"), append(args, v.Agency)
	}
	if v.Shared {
		conds = append(conds, "EXISTS (SELECT 1 FROM case_shares vs JOIN agencies va ON va.id = vs.agency_id WHERE vs.case_id = "+alias+".id AND va.name = ?)")
		args = append(args, v.Agency)
	}
	if v.UserID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM case_members vm WHERE vm.case_id = "+alias+".id AND vm.user_id = ?)")
		args = append(args, v.UserID)
	}
	if len(conds) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}
