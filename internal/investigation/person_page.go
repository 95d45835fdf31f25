package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/stealerlog"
)

// PersonPage is a person's page: what the evidence says about them, one
// page of the messages they sent, and the stealer-log leads that are
// theirs.
type PersonPage struct {
	Person   PersonView  `json:"person"`
	Messages MessagePage `json:"messages"`
	Leads    []LeadView  `json:"leads"`
}

// PersonPage shows the person of a case with the ID from Suspects (P12,
// L3): the person, up to limit of their messages after the position after
// (0 for the first page), and their stealer-log leads. Reading a person
// is audited (person.read), and so is the page of messages
// (chat.messages.read). No such person is ErrNotFound.
func (s *Service) PersonPage(ctx context.Context, caseName, id string, after int64, limit int) (PersonPage, error) {
	var out PersonPage
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return out, err
	}
	p, err := s.personByID(ctx, caseName, id)
	if err != nil {
		return out, err
	}
	if err := s.auditRead(ctx, "person.read", "case:"+c.Name+"/person:"+p.ID, map[string]any{"ref": id}); err != nil {
		return out, fmt.Errorf("audit the read of person %s: %w", p.ID, err)
	}
	out.Person, out.Leads = p.View(), []LeadView{}
	if out.Messages, err = s.personMessages(ctx, c, p, after, limit); err != nil {
		return out, err
	}
	if len(p.Leads) == 0 {
		return out, nil
	}
	leads, err := s.db.Leads(ctx, c.ID)
	if err != nil {
		return out, err
	}
	for _, l := range leads {
		if !slices.Contains(p.Leads, l.LogID) {
			continue
		}
		v := LeadView{Lead: leadView(l), Person: p.ID, PersonName: p.Name}
		var pr stealerlog.Profile
		if err := json.Unmarshal([]byte(l.Profile), &pr); err == nil {
			v.Profile = &pr
		}
		out.Leads = append(out.Leads, v)
	}
	return out, nil
}
