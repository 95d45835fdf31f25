package investigation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// tgMessage is one message of a synthetic Telegram chat export.
type tgMessage struct {
	from, fromID, text string
}

// writeTelegramChat writes a Telegram Desktop JSON export of one group
// and returns its directory.
func writeTelegramChat(t *testing.T, name string, id int64, msgs []tgMessage) string {
	t.Helper()
	type message struct {
		ID       int    `json:"id"`
		Type     string `json:"type"`
		Date     string `json:"date"`
		Unixtime string `json:"date_unixtime"`
		From     string `json:"from"`
		FromID   string `json:"from_id"`
		Text     string `json:"text"`
	}
	export := struct {
		Name     string    `json:"name"`
		Type     string    `json:"type"`
		ID       int64     `json:"id"`
		Messages []message `json:"messages"`
	}{Name: name, Type: "private_group", ID: id}
	for i, m := range msgs {
		at := int64(1705305600 + 60*i)
		export.Messages = append(export.Messages, message{ID: i + 1, Type: "message", Date: fmt.Sprintf("2024-01-15T09:%02d:00", i),
			Unixtime: fmt.Sprint(at), From: m.from, FromID: m.fromID, Text: m.text})
	}
	b, err := json.MarshalIndent(export, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ChatExport_"+strings.ReplaceAll(name, " ", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "result.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeWhatsAppChat writes a WhatsApp text export and returns its path.
func writeWhatsAppChat(t *testing.T, group string, lines ...string) string {
	t.Helper()
	text := "1/15/24, 9:00 AM - Alex Example created group \"" + group + "\"\n" + strings.Join(lines, "\n") + "\n"
	p := filepath.Join(t.TempDir(), "WhatsApp Chat with "+group+".txt")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func peopleOf(t *testing.T, s *investigation.Service, caseName string, chats ...string) []investigation.Person {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateCase(ctx, investigation.Case{Name: caseName}); err != nil {
		t.Fatal(err)
	}
	for _, c := range chats {
		if _, err := s.ImportChat(ctx, caseName, c, investigation.ChatImportOptions{}); err != nil {
			t.Fatalf("import %s: %v", c, err)
		}
	}
	people, err := s.People(ctx, caseName)
	if err != nil {
		t.Fatal(err)
	}
	return people
}

func personNamed(t *testing.T, people []investigation.Person, name string) investigation.Person {
	t.Helper()
	var found []investigation.Person
	for _, p := range people {
		if p.Name == name {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d persons named %q in %+v", len(found), name, people)
	}
	return found[0]
}

// Two members who only posted the same number are a possible link: each
// sees it, neither is merged, and the link is typed and printed as before.
func TestPeoplePossibleLinkNotMerged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		chat := writeTelegramChat(t, "Quote Group", 3000000001, []tgMessage{
			{"Ash Example", "user2000000001", "reach me on +1 202 555 0150"},
			{"Bo Sample", "user2000000002", "ok, +1 202 555 0150 noted"},
			{"Bo Sample", "user2000000002", "again: +1 202 555 0150"},
		})
		people := peopleOf(t, newService(t, open), "op", chat)
		if len(people) != 2 {
			t.Fatalf("want 2 persons (not merged), got %+v", people)
		}
		ash, bo := personNamed(t, people, "Ash Example"), personNamed(t, people, "Bo Sample")
		for _, p := range []investigation.Person{ash, bo} {
			if len(p.Links) != 0 {
				t.Errorf("%s: links %v, want none", p.Name, p.Links)
			}
			if len(p.PossibleLinks) != 1 {
				t.Fatalf("%s: possible links %v, want one (repeats folded)", p.Name, p.PossibleLinks)
			}
			l := p.PossibleLinks[0]
			if l.Kind != investigation.LinkPossible || l.Key != "phone:+12025550150" {
				t.Errorf("%s: possible link %+v", p.Name, l)
			}
			want := `possible link, not merged: phone:+12025550150 posted by Ash Example in telegram "Quote Group" and by Bo Sample in telegram "Quote Group"`
			if l.String() != want {
				t.Errorf("%s: possible link reads\n%s\nwant\n%s", p.Name, l, want)
			}
			// The JSON contract is the sentence, as before links were typed.
			b, err := json.Marshal(p.PossibleLinks)
			if err != nil || string(b) != `[`+strconvQuote(want)+`]` {
				t.Errorf("%s: JSON %s %v", p.Name, b, err)
			}
			// What a member posted is listed with their identifiers (it
			// also places them), though it joins no one.
			if !slices.Contains(p.Identifiers, "phone:+12025550150") {
				t.Errorf("%s: identifiers %v", p.Name, p.Identifiers)
			}
		}
		if ash.Score == 0 || bo.Score <= ash.Score {
			t.Errorf("scores: Ash %.1f, Bo %.1f (Bo wrote more)", ash.Score, bo.Score)
		}
		for _, r := range bo.Reasons {
			if strings.Contains(r, "same person") {
				t.Errorf("a possible link scored as a cross-source join: %v", bo.Reasons)
			}
		}
	})
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A number a member posted joins them to a member whose profile is that
// number (WhatsApp shows unsaved contacts by number): strong evidence on
// one side is enough, and the link says which side is which.
func TestPeoplePostedNumberJoinsProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		tg := writeTelegramChat(t, "Quote Group", 3000000002, []tgMessage{
			{"Ash Example", "user2000000001", "my whatsapp is +1 202 555 0170"},
			{"Cy Test", "user2000000003", "hello"},
		})
		wa := writeWhatsAppChat(t, "Side Group",
			"1/15/24, 9:05 AM - +1 202-555-0170: hi from the other app",
			"1/15/24, 9:06 AM - Alex Example: welcome")
		people := peopleOf(t, newService(t, open), "op", tg, wa)
		ash := personNamed(t, people, "Ash Example")
		if len(ash.Conversations) != 2 || len(ash.Links) != 1 {
			t.Fatalf("Ash not joined to the WhatsApp number: %+v", ash)
		}
		l := ash.Links[0]
		if l.Kind != investigation.LinkIdentifier || l.Key != "phone:+12025550170" {
			t.Fatalf("link %+v", l)
		}
		// The strong carrier is the first side; the posting is the second.
		if !strings.Contains(l.A.Source, "whatsapp") || !strings.HasPrefix(l.B.Via, "posted in message ") || !strings.Contains(l.B.Source, "Ash Example") {
			t.Errorf("link sides: %+v", l)
		}
		if len(ash.PossibleLinks) != 0 {
			t.Errorf("possible links: %v", ash.PossibleLinks)
		}
		if !slices.Contains(ash.Identifiers, "phone:+12025550170") || !slices.ContainsFunc(ash.Reasons, func(r string) bool { return strings.Contains(r, "same person in 2 sources") }) {
			t.Errorf("joined person: ids %v reasons %v", ash.Identifiers, ash.Reasons)
		}
		if c := personNamed(t, people, "Cy Test"); len(c.Links) != 0 || len(c.PossibleLinks) != 0 {
			t.Errorf("Cy: %+v", c)
		}
	})
}

// Two participants that strong evidence made one person (the same
// Telegram account in two groups) and who both posted a number are not a
// "possible link, not merged" of that person with itself. (People noted
// such a link before the refactor.)
func TestPeoplePossibleLinkMootWhenMerged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		one := writeTelegramChat(t, "Group One", 3000000003, []tgMessage{{"Dee Example", "user2000000004", "cash to +1 202 555 0180"}})
		two := writeTelegramChat(t, "Group Two", 3000000004, []tgMessage{{"Dee Example", "user2000000004", "I said +1 202 555 0180"}})
		people := peopleOf(t, newService(t, open), "op", one, two)
		dee := personNamed(t, people, "Dee Example")
		if len(dee.Conversations) != 2 || len(dee.Links) != 1 || dee.Links[0].Key != "telegram_id:2000000004" {
			t.Fatalf("not joined by the Telegram account: %+v", dee)
		}
		if len(dee.PossibleLinks) != 0 {
			t.Errorf("possible link of a person with itself: %v", dee.PossibleLinks)
		}
	})
}

// Roles are typed: creator and admin weigh in the score by name, any
// other role (a Discord server's role names) is shown but not scored.
func TestPeopleRolesTyped(t *testing.T) {
	r := investigation.Role{Name: investigation.RoleCreator, Conversation: "Side Group"}
	if r.String() != "creator of Side Group" {
		t.Errorf("role reads %q", r)
	}
	b, err := json.Marshal([]investigation.Role{r})
	if err != nil || string(b) != `["creator of Side Group"]` {
		t.Errorf("role JSON %s %v", b, err)
	}
}
