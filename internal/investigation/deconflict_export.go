package investigation

import (
	"context"
	"fmt"
	"slices"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/store"
)

// Holdings are the keys a set of cases holds, for tokens to leave the hub
// (an export) or to be compared with a file (a match).
type Holdings struct {
	Operation string
	Cases     []string
	Kinds     []string // the kinds tokenised: deconflict.Kinds and media
	Keys      []store.HeldKey
	// The creator of an export: the cases' agency and its contact.
	Agency  string
	Country string
	Contact string
}

// DeconflictHoldings reads the keys of the named cases, or (none named)
// of the cases of operation op the caller may read, for purpose "export"
// or "match"; the read is audited with its counts.
func (s *Service) DeconflictHoldings(ctx context.Context, op string, caseNames []string, purpose string) (Holdings, error) {
	h := Holdings{Operation: op, Kinds: append(slices.Clone(deconflict.Kinds), deconflict.MediaKind)}
	slices.Sort(h.Kinds)
	var cases []store.Case
	if len(caseNames) == 0 {
		all, err := s.db.CasesOfOperation(ctx, op)
		if err != nil {
			return h, err
		}
		readable, err := s.readableCases(ctx)
		if err != nil {
			return h, err
		}
		for _, c := range all {
			if readable[c.Name] {
				cases = append(cases, c)
			}
		}
		if len(cases) == 0 {
			return h, fmt.Errorf("operation %q: no case you may read: %w", op, ErrNotFound)
		}
	}
	for _, n := range caseNames {
		c, err := s.caseFor(ctx, n, access.Read)
		if err != nil {
			return h, err
		}
		cases = append(cases, c)
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
		h.Cases = append(h.Cases, c.Name)
	}
	keys, err := s.db.HeldKeys(ctx, ids, deconflict.Kinds, true)
	if err != nil {
		return h, err
	}
	h.Keys = keys
	h.Agency, h.Country = cases[0].Agency, cases[0].Country
	if p, err := s.principal(ctx); err == nil && p.Agency != "" {
		h.Agency = p.Agency
	}
	if h.Agency != "" {
		if contact, country, err := s.db.AgencyContact(ctx, h.Agency); err == nil {
			h.Contact = contact
			if country != "" {
				h.Country = country
			}
		}
		// The contact the agency gave for this operation comes first.
		c, err := s.db.OperationContact(ctx, op, h.Agency)
		if err != nil {
			return h, err
		}
		if c != "" {
			h.Contact = c
		}
	}
	return h, s.auditRead(ctx, "deconflict."+purpose, "operation:"+op, map[string]any{"cases": h.Cases, "keys": len(h.Keys)})
}

// AuditDeconflictMatch records the outcome of matching a token file: the
// file's operation, creator and size, and how many of our keys matched
// (never which).
func (s *Service) AuditDeconflictMatch(ctx context.Context, op, creator string, fileTokens, overlaps int) error {
	return s.auditRead(ctx, "deconflict.match.result", "operation:"+op,
		map[string]any{"creator": creator, "file_tokens": fileTokens, "overlaps": overlaps})
}

// SetAgencyContact records whom other agencies contact about a
// deconfliction match with the agency's cases (its own administrators or
// a hub administrator).
func (s *Service) SetAgencyContact(ctx context.Context, agency, contact string) error {
	p, err := s.principal(ctx)
	if err != nil {
		return err
	}
	if !p.Allows(access.User, access.Admin, agency) {
		return fmt.Errorf("agency %q contact: %w", agency, access.ErrForbidden)
	}
	if err := checkText("contact", contact, 500); err != nil {
		return err
	}
	ch := &change{action: "agency.contact", object: "agency:" + agency, after: map[string]string{"contact": contact}}
	return s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.SetAgencyContact(ctx, agency, contact) })
}
