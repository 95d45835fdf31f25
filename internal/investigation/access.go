package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// caseFor is the one access point of every use case that starts from a
// case: it loads the case and checks that the call's principal holds perm on
// it. A case the principal may not read is reported as not found, so that
// its existence does not leak; one it may read but not change is
// access.ErrForbidden.
func (s *Service) caseFor(ctx context.Context, name string, perm access.Permission) (store.Case, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return store.Case{}, err
	}
	c, err := s.db.CaseByName(ctx, name)
	if err != nil {
		return store.Case{}, err
	}
	if !p.Allows(access.Case, access.Read, c.Agency) {
		return store.Case{}, fmt.Errorf("case %q: %w", name, store.ErrNotFound)
	}
	if perm != access.Read && !p.Allows(access.Case, perm, c.Agency) {
		return store.Case{}, fmt.Errorf("case %q: %s: %w", name, perm, access.ErrForbidden)
	}
	return c, nil
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

// readableCases is the set of case names the call's principal may read:
// data that touches other cases names only these.
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
