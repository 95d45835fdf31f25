package investigation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// ErrInvalid marks input the use case refuses.
var ErrInvalid = errors.New("invalid")

// ExhibitTypes are the kinds of seized item Vibora knows.
var ExhibitTypes = []string{"phone", "computer", "storage", "cloud account", "chat export", "other"}

// CreateCase creates a case from its name and description (ID and
// creation fields are set here) and returns it.
func (s *Service) CreateCase(ctx context.Context, v Case) (Case, error) {
	c, err := s.createCase(ctx, store.Case(v))
	return caseView(c), err
}

func (s *Service) createCase(ctx context.Context, c store.Case) (store.Case, error) {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return c, fmt.Errorf("case name is empty: %w", ErrInvalid)
	}
	if err := checkText("case name", c.Name, MaxNameLen); err != nil {
		return c, err
	}
	for _, f := range []struct{ what, v string }{{"agency", c.Agency}, {"operation", c.Operation}, {"legal reference", c.LegalRef}} {
		if err := checkText(f.what, f.v, MaxNameLen); err != nil {
			return c, err
		}
	}
	if c.Country != "" {
		c.Country = strings.ToUpper(c.Country)
		if len(c.Country) != 2 {
			return c, fmt.Errorf("country %q: want an ISO 3166 alpha-2 code such as NL: %w", c.Country, ErrInvalid)
		}
	}
	p, err := s.principal(ctx)
	if err != nil {
		return c, err
	}
	if c.Agency == "" {
		c.Agency = p.Agency // a case belongs to the agency that opens it
	}
	if !p.Allows(access.Case, access.Write, c.Agency) {
		return c, fmt.Errorf("create case %q for agency %q: %w", c.Name, c.Agency, access.ErrForbidden)
	}
	if err := s.caseAgency(ctx, c.Agency); err != nil {
		return c, err
	}
	c.CreatedAt, c.CreatedBy = s.timestamp(), p.Name
	ch := &change{action: "case.create", object: "case:" + c.Name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		ch.after = caseView(c)
		return nil
	})
	return c, err
}

// Case returns a case by name.
func (s *Service) Case(ctx context.Context, name string) (Case, error) {
	c, err := s.caseFor(ctx, name, access.Read)
	return caseView(c), err
}

// AddExhibit adds an exhibit to a case and records its acquisition in the
// chain of custody.
func (s *Service) AddExhibit(ctx context.Context, caseName string, v Exhibit) (Exhibit, error) {
	e, err := s.addExhibit(ctx, caseName, store.Exhibit(v))
	return exhibitView(e), err
}

func (s *Service) addExhibit(ctx context.Context, caseName string, e store.Exhibit) (store.Exhibit, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return e, err
	}
	e.Label = strings.TrimSpace(e.Label)
	if e.Label == "" {
		return e, fmt.Errorf("exhibit label is empty: %w", ErrInvalid)
	}
	if e.Type != "" && !contains(ExhibitTypes, e.Type) {
		return e, fmt.Errorf("exhibit type %q: want one of %s: %w", e.Type, strings.Join(ExhibitTypes, ", "), ErrInvalid)
	}
	e.CaseID, e.CreatedAt, e.CreatedBy = c.ID, s.timestamp(), s.actor(ctx)
	ch := &change{action: "exhibit.add", object: "exhibit:" + c.Name + "/" + e.Label}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertExhibit(ctx, &e); err != nil {
			return err
		}
		ch.after = exhibitView(e)
		return s.custody(ctx, tx, c.ID, e.ID, "acquired", "exhibit registered", "")
	})
	return e, err
}

// ensureExhibit returns the exhibit, creating it when it does not exist yet.
func (s *Service) ensureExhibit(ctx context.Context, c store.Case, label, typ string) (store.Exhibit, error) {
	e, err := s.db.ExhibitByLabel(ctx, c.ID, label)
	if errors.Is(err, store.ErrNotFound) {
		e, err = s.addExhibit(ctx, c.Name, store.Exhibit{Label: label, Type: typ})
		if errors.Is(err, store.ErrExists) { // created concurrently
			return s.db.ExhibitByLabel(ctx, c.ID, label)
		}
	}
	return e, err
}

// custody appends a chain-of-custody event inside tx.
func (s *Service) custody(ctx context.Context, tx *store.Tx, caseID, exhibitID int64, event, reason, digests string) error {
	ev := store.CustodyEvent{CaseID: caseID, ExhibitID: exhibitID, Event: event, Actor: s.actor(ctx), At: s.timestamp(), Reason: reason, Digests: digests}
	return tx.InsertCustodyEvent(ctx, &ev)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
