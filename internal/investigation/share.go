package investigation

import (
	"context"
	"errors"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// ShareCase shares a case with another agency as viewer or analyst (or
// changes the role of an existing share). An administrator of the case
// (of its owning agency, or a member with the case role admin) may share
// it. Its users then hold the role, capped by their own.
func (s *Service) ShareCase(ctx context.Context, caseName, agency, role string) (CaseShare, error) {
	c, err := s.caseFor(ctx, caseName, access.Admin)
	if err != nil {
		return CaseShare{}, err
	}
	r, err := access.ParseCaseRole(role, true)
	if err != nil {
		return CaseShare{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	if !nameMayExist(agency) {
		return CaseShare{}, fmt.Errorf("%w: %w", notFound("agency", agency), ErrUnknownAgency)
	}
	a, err := s.db.AgencyByName(ctx, agency)
	if errors.Is(err, store.ErrNotFound) {
		return CaseShare{}, fmt.Errorf("%w: %w", err, ErrUnknownAgency)
	} else if err != nil {
		return CaseShare{}, err
	}
	if a.Name == c.Agency {
		return CaseShare{}, fmt.Errorf("case %q belongs to agency %q already: %w", c.Name, a.Name, ErrInvalid)
	}
	sh := store.CaseShare{CaseID: c.ID, Case: c.Name, AgencyID: a.ID, Agency: a.Name, Role: string(r), CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "case.share", object: "case:" + c.Name, after: shareView(sh), detail: map[string]string{"agency": a.Name, "role": sh.Role}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.PutCaseShare(ctx, sh) })
	return shareView(sh), err
}

// UnshareCase withdraws the share of a case with an agency, effective on
// its users' next request.
func (s *Service) UnshareCase(ctx context.Context, caseName, agency string) error {
	c, err := s.caseFor(ctx, caseName, access.Admin)
	if err != nil {
		return err
	}
	if !nameMayExist(agency) {
		return notFound("agency", agency)
	}
	a, err := s.db.AgencyByName(ctx, agency)
	if err != nil {
		return err
	}
	ch := &change{action: "case.unshare", object: "case:" + c.Name, detail: map[string]string{"agency": a.Name}}
	return s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.DeleteCaseShare(ctx, c.ID, a.ID); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("case %q is not shared with agency %q: %w", c.Name, a.Name, store.ErrNotFound)
		} else {
			return err
		}
	})
}

// CaseShares lists the agencies a case is shared with.
func (s *Service) CaseShares(ctx context.Context, caseName string) ([]CaseShare, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	list, err := s.db.CaseShares(ctx, c.ID)
	return views(list, shareView), err
}

// AddCaseMember makes a user a member of a case with a case role (viewer,
// analyst or admin), or changes its role; an administrator of the case may.
func (s *Service) AddCaseMember(ctx context.Context, caseName, user, role string) (CaseMember, error) {
	c, err := s.caseFor(ctx, caseName, access.Admin)
	if err != nil {
		return CaseMember{}, err
	}
	r, err := access.ParseCaseRole(role, false)
	if err != nil {
		return CaseMember{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	if !nameMayExist(user) {
		return CaseMember{}, fmt.Errorf("%w: %w", notFound("user", user), ErrInvalid)
	}
	u, err := s.db.UserByName(ctx, user)
	if err != nil {
		return CaseMember{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	m := store.CaseMember{CaseID: c.ID, Case: c.Name, UserID: u.ID, User: u.Name, Agency: u.Agency, Role: string(r), CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "case.member.add", object: "case:" + c.Name, after: memberView(m), detail: map[string]string{"user": u.Name, "role": m.Role}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.PutCaseMember(ctx, m) })
	return memberView(m), err
}

// RemoveCaseMember ends a user's membership of a case.
func (s *Service) RemoveCaseMember(ctx context.Context, caseName, user string) error {
	c, err := s.caseFor(ctx, caseName, access.Admin)
	if err != nil {
		return err
	}
	if !nameMayExist(user) {
		return notFound("user", user)
	}
	u, err := s.db.UserByName(ctx, user)
	if err != nil {
		return err
	}
	ch := &change{action: "case.member.remove", object: "case:" + c.Name, detail: map[string]string{"user": u.Name}}
	return s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.DeleteCaseMember(ctx, c.ID, u.ID); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("user %q is not a member of case %q: %w", u.Name, c.Name, store.ErrNotFound)
		} else {
			return err
		}
	})
}

// CaseMembers lists a case's members.
func (s *Service) CaseMembers(ctx context.Context, caseName string) ([]CaseMember, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	list, err := s.db.CaseMembers(ctx, c.ID)
	return views(list, memberView), err
}
