package investigation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// Suspects ranks a case's people (vibora suspects, and the API's
// /cases/{case}/suspects): each with the facts behind the score.
func (s *Service) Suspects(ctx context.Context, caseName string) ([]Suspect, error) {
	people, err := s.People(ctx, caseName)
	if err != nil {
		return nil, err
	}
	return views(people, Person.Suspect), nil
}

// PersonDetail finds the people of a case that ref names: a person ID from
// Suspects (P12, L3), a name, or an identifier (a key such as
// phone:+12025550143, or its value). What the evidence says of a person is
// sensitive: each read is audited (person.read). No match is ErrNotFound.
func (s *Service) PersonDetail(ctx context.Context, caseName, ref string) ([]Person, error) {
	people, err := s.People(ctx, caseName)
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(strings.TrimSpace(ref))
	var found []Person
	for _, p := range people {
		if strings.ToLower(p.ID) == want || strings.ToLower(p.Name) == want || slices.ContainsFunc(p.Names, func(n string) bool { return strings.ToLower(n) == want }) || hasIdentifier(p.Identifiers, want) {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no person %q in case %s: %w", ref, caseName, ErrNotFound)
	}
	for _, p := range found {
		if err := s.auditRead(ctx, "person.read", "case:"+caseName+"/person:"+p.ID, map[string]any{"ref": ref}); err != nil {
			return nil, fmt.Errorf("audit the read of person %s: %w", p.ID, err)
		}
	}
	return found, nil
}

// hasIdentifier reports whether ref (lower-case) is one of keys, the value
// of one, or a username key without its @.
func hasIdentifier(keys []string, ref string) bool {
	for _, k := range keys {
		_, v, _ := strings.Cut(k, ":")
		if k == ref || v == ref || strings.HasSuffix(k, ":"+strings.TrimPrefix(ref, "@")) {
			return true
		}
	}
	return false
}

// PersonMessages pages the messages a person of a case sent, in every
// conversation the person is a participant of, in the order they were
// imported: up to limit (1..MaxMessagePage) after the position after (0
// for the first page). id is the person's ID from Suspects (P12). Each
// page read is audited (chat.messages.read).
func (s *Service) PersonMessages(ctx context.Context, caseName, id string, after int64, limit int) (MessagePage, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return MessagePage{}, err
	}
	p, err := s.personByID(ctx, caseName, id)
	if err != nil {
		return MessagePage{}, err
	}
	return s.personMessages(ctx, c, p, after, limit)
}

// personByID finds the person of a case with the ID from Suspects.
func (s *Service) personByID(ctx context.Context, caseName, id string) (Person, error) {
	people, err := s.People(ctx, caseName)
	if err != nil {
		return Person{}, err
	}
	i := slices.IndexFunc(people, func(p Person) bool { return strings.EqualFold(p.ID, id) })
	if i < 0 {
		return Person{}, fmt.Errorf("no person %q in case %s: %w", id, caseName, ErrNotFound)
	}
	return people[i], nil
}

// personMessages is a page of the messages person p sent, audited.
func (s *Service) personMessages(ctx context.Context, c store.Case, p Person, after int64, limit int) (MessagePage, error) {
	if limit < 1 || limit > MaxMessagePage {
		limit = MaxMessagePage
	}
	page := MessagePage{Messages: []Message{}}
	if len(p.participants) == 0 {
		return page, nil
	}
	rows, err := s.db.SenderMessages(ctx, c.ID, p.participants, max(after, 0), limit+1)
	if err != nil {
		return MessagePage{}, fmt.Errorf("messages of person %s: %w", p.ID, err)
	}
	if len(rows) > limit {
		rows = rows[:limit]
		page.After = rows[limit-1].ID
	}
	for _, m := range rows {
		page.Messages = append(page.Messages, messageView(m))
	}
	detail := map[string]any{"after": max(after, 0), "messages": len(page.Messages)}
	if err := s.auditRead(ctx, "chat.messages.read", "case:"+c.Name+"/person:"+p.ID, detail); err != nil {
		return MessagePage{}, fmt.Errorf("audit the read of person %s's messages: %w", p.ID, err)
	}
	return page, nil
}
