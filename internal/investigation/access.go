package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// caseFor is the one access point of every use case that starts from a
// case: it loads the case, the share of it to the principal's agency and the
// principal's membership of it, and asks access what the principal holds. A
// case the principal may not read is reported as not found, so that its
// existence does not leak; one it may read but not change is
// access.ErrForbidden. Shares and memberships are read on every call, so
// withdrawing one takes effect on the next.
func (s *Service) caseFor(ctx context.Context, name string, perm access.Permission) (store.Case, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return store.Case{}, err
	}
	if !nameMayExist(name) {
		return store.Case{}, notFound("case", name)
	}
	c, err := s.db.CaseByName(ctx, name)
	if err != nil {
		return store.Case{}, err
	}
	facts := access.CaseFacts{Agency: c.Agency}
	if p.CaseScope().Shared {
		uid, _ := p.UserID()
		share, member, err := s.db.CaseGrants(ctx, c.ID, p.Agency, uid)
		if err != nil {
			return store.Case{}, fmt.Errorf("case %q: %w", name, err)
		}
		facts.Share, facts.Member = access.CaseRole(share), access.CaseRole(member)
	}
	got := p.CasePermission(facts)
	if !got.Includes(access.Read) {
		return store.Case{}, fmt.Errorf("case %q: %w", name, store.ErrNotFound)
	}
	if !got.Includes(perm) {
		return store.Case{}, fmt.Errorf("case %q: %s: %w", name, perm, access.ErrForbidden)
	}
	return c, nil
}

// caseVisibility is the store filter that selects the cases p may read.
func caseVisibility(p access.Principal) store.CaseVisibility {
	sc := p.CaseScope()
	v := store.CaseVisibility{All: sc.All, Agency: p.Agency, Own: sc.Own, Shared: sc.Shared}
	if uid, ok := p.UserID(); ok && sc.Member {
		v.UserID = uid
	}
	return v
}

// check is the access point of the objects that belong to no case: hash
// banks and the audit trail.
func (s *Service) check(ctx context.Context, r access.Resource, perm access.Permission) error {
	p, err := s.principal(ctx)
	if err != nil {
		return err
	}
	if !p.Allows(r, perm, "") {
		return fmt.Errorf("%s %s: %w", r, perm, access.ErrForbidden)
	}
	return nil
}

// bankFor loads a hash bank after checking that the call's principal holds
// perm on banks.
func (s *Service) bankFor(ctx context.Context, name string, perm access.Permission) (store.Bank, error) {
	if err := s.check(ctx, access.Bank, perm); err != nil {
		return store.Bank{}, err
	}
	return s.db.BankByName(ctx, name)
}

// readableCases is the set of case names the call's principal may read,
// selected in SQL: data that touches other cases names only these.
func (s *Service) readableCases(ctx context.Context) (map[string]bool, error) {
	cases, err := s.Cases(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(cases))
	for _, c := range cases {
		out[c.Name] = true
	}
	return out, nil
}
