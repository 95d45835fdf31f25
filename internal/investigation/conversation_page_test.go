package investigation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestConversationMessages: a conversation opens at its end and pages
// back to its start and forwards again, with cursors both ways; a search
// pages the same way; a person's messages page across conversations;
// another agency finds none of it.
func TestConversationMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "nl-case", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for i := range 23 {
			who := "+1 202-555-0170"
			if i%2 == 1 {
				who = "Alex Example"
			}
			lines = append(lines, fmt.Sprintf("1/15/24, 10:%02d AM - %s: line %02d", i+10, who, i))
		}
		if _, err := s.ImportChat(ctx, "nl-case", writeWhatsAppChat(t, "Long Group", lines...), investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportChat(ctx, "nl-case", writeWhatsAppChat(t, "Other Group", "1/16/24, 9:05 AM - +1 202-555-0170: line from elsewhere"), investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		texts := func(ms []investigation.Message) []string {
			var out []string
			for _, m := range ms {
				if !m.Service {
					out = append(out, m.Text)
				}
			}
			return out
		}
		viewer := as(nlViewer)
		// Open at the end, then page back to the start.
		page, err := s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{Last: true, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got := texts(page.Messages); !slices.Equal(got, []string{"line 18", "line 19", "line 20", "line 21", "line 22"}) || page.After != 0 || page.Before == 0 {
			t.Fatalf("last page %v after %d before %d", got, page.After, page.Before)
		}
		var back []string
		pages := []investigation.MessagePage{page}
		for page.Before != 0 {
			if page, err = s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{Before: page.Before, Limit: 5}); err != nil {
				t.Fatal(err)
			}
			if page.After == 0 {
				t.Fatalf("a page before another has no way forward: %+v", page)
			}
			pages = append(pages, page)
		}
		for _, p := range slices.Backward(pages) {
			back = append(back, texts(p.Messages)...)
		}
		if len(back) != 23 || back[0] != "line 00" || back[22] != "line 22" {
			t.Fatalf("paged back: %v", back)
		}
		// Forwards from the first page to the end.
		page = pages[len(pages)-1]
		fwd := texts(page.Messages)
		for page.After != 0 {
			if page, err = s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{After: page.After, Limit: 5}); err != nil {
				t.Fatal(err)
			}
			if page.Before == 0 {
				t.Fatalf("a page after another has no way back: %+v", page)
			}
			fwd = append(fwd, texts(page.Messages)...)
		}
		if !slices.Equal(fwd, back) {
			t.Errorf("forwards %v, backwards %v", fwd, back)
		}
		// Search, paged.
		hit, err := s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{Search: "LINE 1", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		hit2, err := s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{Search: "LINE 1", After: hit.After, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got := append(texts(hit.Messages), texts(hit2.Messages)...); len(got) != 10 || got[0] != "line 10" || got[9] != "line 19" || hit2.After != 0 {
			t.Errorf("search: %v (after %d)", got, hit2.After)
		}
		if _, err := s.ConversationMessages(viewer, "nl-case", "Long Group", investigation.MessageQuery{Search: strings.Repeat("x", investigation.MaxMessageSearch+1)}); !errors.Is(err, investigation.ErrInvalid) {
			t.Errorf("a search over the bound: %v", err)
		}
		// A person's messages in both conversations.
		people, err := s.Suspects(viewer, "nl-case")
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(people, func(p investigation.Suspect) bool { return slices.Contains(p.Identifiers, "phone:+12025550170") })
		if i < 0 {
			t.Fatalf("no person with the phone: %+v", people)
		}
		var mine []investigation.Message
		for after := int64(0); ; {
			p, err := s.PersonMessages(viewer, "nl-case", people[i].ID, after, 5)
			if err != nil {
				t.Fatal(err)
			}
			mine = append(mine, p.Messages...)
			if after = p.After; after == 0 {
				break
			}
		}
		if len(mine) != 13 || mine[12].Text != "line from elsewhere" || mine[12].Conversation != "Other Group" || mine[0].Conversation != "Long Group" {
			t.Errorf("person's messages: %d, last %+v", len(mine), mine[len(mine)-1])
		}
		// Another agency.
		if _, err := s.ConversationMessages(as(beInv), "nl-case", "Long Group", investigation.MessageQuery{Last: true}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency, conversation: %v", err)
		}
		if _, err := s.PersonMessages(as(beInv), "nl-case", people[i].ID, 0, 5); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency, person: %v", err)
		}
		if _, err := s.PersonMessages(viewer, "nl-case", "P999999", 0, 5); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("unknown person: %v", err)
		}
	})
}
