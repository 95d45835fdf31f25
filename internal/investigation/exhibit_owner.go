package investigation

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// SetExhibitOwner attributes an exhibit of a case (a seized device) to a
// person of the case, by the person ID of the suspect ranking (P12, L3,
// A7, U4). The ID names one source of the person (a participant, a
// stealer-log lead, a full-account export, a platform user): the
// attribution follows that source when later evidence joins it to
// others. The person then holds what is on the exhibit (docs/ai.md). An
// empty person clears the owner. It needs write access to the case and is
// audited (exhibit.owner.set, exhibit.owner.clear); a person the case
// does not have is ErrInvalid.
func (s *Service) SetExhibitOwner(ctx context.Context, caseName, label, person string) (Exhibit, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return Exhibit{}, err
	}
	e, err := s.db.ExhibitByLabel(ctx, c.ID, label)
	if err != nil {
		return Exhibit{}, err
	}
	person = strings.ToUpper(strings.TrimSpace(person))
	action := "exhibit.owner.clear"
	if person != "" {
		action = "exhibit.owner.set"
		if _, _, ok := personSource(person); !ok {
			return Exhibit{}, fmt.Errorf("person %q: want a person ID of 'vibora suspects' (P12, L3, A7, U4): %w", person, ErrInvalid)
		}
		people, _, err := s.peopleOf(ctx, c)
		if err != nil {
			return Exhibit{}, err
		}
		if !slices.ContainsFunc(people, func(p Person) bool { return p.ID == person }) {
			return Exhibit{}, fmt.Errorf("no person %s in case %s ('vibora suspects --case %s' lists them): %w", person, c.Name, c.Name, ErrInvalid)
		}
	}
	before := exhibitView(e)
	e.Owner = person
	ch := &change{action: action, object: "exhibit:" + c.Name + "/" + e.Label, before: before, after: exhibitView(e)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.SetExhibitOwner(ctx, e.ID, person) })
	if err != nil {
		return Exhibit{}, err
	}
	return exhibitView(e), nil
}

// personSource reads a person ID as the source it names: its kind (P a
// participant, L a stealer-log lead, A a full-account export by its
// exhibit, U a platform user) and row.
func personSource(id string) (kind byte, row int64, ok bool) {
	if len(id) < 2 || !strings.ContainsRune("PLAU", rune(id[0])) {
		return 0, 0, false
	}
	n, err := strconv.ParseInt(id[1:], 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id[1:] {
		return 0, 0, false
	}
	return id[0], n, true
}

// hasSource reports whether the person is the one the owner ID's source
// belongs to.
func (p *Person) hasSource(owner string) bool {
	kind, row, ok := personSource(owner)
	if !ok {
		return false
	}
	var rows []int64
	switch kind {
	case 'P':
		rows = p.participants
	case 'L':
		rows = p.leads
	case 'A':
		rows = p.accounts
	case 'U':
		rows = p.platformUsers
	}
	return slices.Contains(rows, row)
}
