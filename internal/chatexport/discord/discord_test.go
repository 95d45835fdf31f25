package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/chatexport"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const (
	guildFile = "Example Guild - General - trading [100000000000000010].json"
	dmFile    = "dm_media/Direct Messages - Blake [100000000000000050].json"
)

func parse(t *testing.T, name string) (*chatexport.Collector, chatexport.Stats) {
	t.Helper()
	var c chatexport.Collector
	st, err := Parse(context.Background(), os.DirFS("testdata"), name, &c)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return &c, st
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden; run go test -update and review the diff", path)
	}
}

func TestGolden(t *testing.T) {
	for name, file := range map[string]string{"guild": guildFile, "dm_media": dmFile} {
		t.Run(name, func(t *testing.T) {
			c, st := parse(t, file)
			golden(t, name, struct {
				Model *chatexport.Collector `json:"model"`
				Stats chatexport.Stats      `json:"stats"`
			}{c, st})
		})
	}
}

// TestGuildFixture checks the counts against the fixture file itself.
func TestGuildFixture(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", guildFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Channel  struct{ ID, Name string }
		Messages []struct {
			ID          string
			Type        string
			Attachments []struct{ FileName string }
			Mentions    []struct{ ID string }
		}
		MessageCount int
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	c, st := parse(t, guildFile)
	if len(c.Messages) != doc.MessageCount || len(c.Messages) != len(doc.Messages) {
		t.Fatalf("messages = %d, file says %d", len(c.Messages), doc.MessageCount)
	}
	conv := c.Conversations[0]
	if conv.ID != doc.Channel.ID || conv.Name != "trading" || conv.GuildName != "Example Guild" || conv.Category != "General" || conv.Type != chatexport.TypeChannel {
		t.Errorf("conversation = %+v", conv)
	}
	for i, m := range c.Messages {
		d := doc.Messages[i]
		if m.ID != d.ID || len(m.Attachments) != len(d.Attachments) {
			t.Errorf("message %d = %+v", i, m)
		}
		service := d.Type != "Default" && d.Type != "Reply"
		if m.Service != service {
			t.Errorf("message %s service = %v", m.ID, m.Service)
		}
		mentions := 0
		for _, e := range m.Entities {
			if e.Type == "mention" {
				mentions++
			}
		}
		if mentions != len(d.Mentions) {
			t.Errorf("message %s mentions = %d, want %d", m.ID, mentions, len(d.Mentions))
		}
	}
	m1 := c.Messages[1]
	if m1.Attachments[0].FileName != "inventory_list.pdf" || *m1.Attachments[0].Size != 16 || m1.Attachments[0].URL == "" || m1.Attachments[0].Path != "" {
		t.Errorf("attachment = %+v", m1.Attachments[0])
	}
	if !m1.Edited || m1.EditedAt != time.Date(2024, 1, 15, 9, 6, 0, 0, time.UTC) || m1.Time.Nanosecond() != 345000000 || m1.SenderName != "Blake" {
		t.Errorf("message 1 = %+v", m1)
	}
	if c.Messages[2].ReplyTo != "100000000000000101" || c.Messages[2].ReplyToChat != "" {
		t.Errorf("reply = %+v", c.Messages[2])
	}
	if len(c.Events) != 1 || c.Events[0].Kind != chatexport.EventJoin || c.Events[0].Actor.ID != "200000000000000001" {
		t.Errorf("events = %+v", c.Events)
	}
	if len(c.Participants) != 2 || c.Participants[0].Username != "alex_example" || strings.Join(c.Participants[0].Names, ",") != "alex_example,Alex" {
		t.Errorf("participants = %+v", c.Participants)
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings = %v", st.Warnings)
	}
}

func TestDMWithMedia(t *testing.T) {
	c, st := parse(t, dmFile)
	if len(c.Messages) != 6 {
		t.Fatalf("messages = %d, want 6 (one without id imported under its offset)", len(c.Messages))
	}
	noID := 0
	for _, m := range c.Messages {
		if strings.HasPrefix(m.ID, "offset-") {
			noID++
		}
	}
	if len(st.Warnings) != 2 || noID != 1 || st.Skipped != 0 {
		t.Errorf("warnings = %v, %d messages without id, %d skipped", st.Warnings, noID, st.Skipped)
	}
	conv := c.Conversations[0]
	if conv.Type != chatexport.TypeGroup || conv.ExportedAt != time.Date(2024, 1, 21, 9, 0, 0, 0, time.UTC) {
		t.Errorf("conversation = %+v", conv)
	}
	m := c.Messages[1]
	if len(m.Attachments) != 3 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	if a := m.Attachments[0]; !a.Present || a.Kind != chatexport.KindPhoto || a.Path != "dm_media/Direct Messages - Blake [100000000000000050].json_Files/photo one-5A1B.jpg" {
		t.Errorf("local photo = %+v", a)
	}
	if a := m.Attachments[1]; a.Present || a.Path == "" || a.Kind != chatexport.KindVideo {
		t.Errorf("missing video = %+v", a)
	}
	if a := m.Attachments[2]; a.Kind != chatexport.KindSticker || a.URL == "" {
		t.Errorf("sticker = %+v", a)
	}
	if m.Reactions != 3 || !m.Pinned || m.UTCOffset != 3600 || len(m.Entities) != 1 || m.Entities[0].Href != "https://example.org/page" {
		t.Errorf("message = %+v", m)
	}
	var kinds []string
	for _, e := range c.Events {
		kinds = append(kinds, string(e.Kind))
	}
	if strings.Join(kinds, ",") != "add,pin,leave" {
		t.Errorf("events = %v", kinds)
	}
	if c.Events[0].Targets[0].ID != "200000000000000004" || c.Events[1].PinnedMessageID != "100000000000000501" {
		t.Errorf("events = %+v %+v", c.Events[0], c.Events[1])
	}
	var blake *chatexport.Participant
	for _, p := range c.Participants {
		if p.ID == "200000000000000002" {
			blake = p
		}
	}
	if blake == nil || len(blake.Roles) != 1 || blake.Roles[0].Role != "Moderator" {
		t.Errorf("blake = %+v", blake)
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{``, `[]`, `{"guild":{},"channel":{"id":"1"},"messages":[{"id":"1",`, `{"messages":[{"id":"1","content":"\q"}]}`} {
		var c chatexport.Collector
		_, err := ParseReader(context.Background(), strings.NewReader(in), nil, "d.json", &c)
		if err == nil {
			t.Errorf("ParseReader(%q) succeeded", in)
		} else if !strings.Contains(err.Error(), "d.json") {
			t.Errorf("error without file name: %v", err)
		}
	}
}

func FuzzDiscord(f *testing.F) {
	for _, name := range []string{guildFile, dmFile} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[{"id":"3","attachments":[{"url":"../../x"}],"reference":{"messageId":"1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := chatexport.Funcs{OnMessage: func(m *chatexport.Message) error {
			for _, a := range m.Attachments {
				if a.Path == ".." || strings.HasPrefix(a.Path, "../") || strings.HasPrefix(a.Path, "/") {
					t.Fatalf("attachment path escapes: %q", a.Path)
				}
			}
			return nil
		}}
		_, _ = ParseReader(context.Background(), bytes.NewReader(data), nil, "fuzz.json", h)
		_ = Sniff(data)
	})
}

func TestMessageSizeCap(t *testing.T) {
	defer func(v int64) { maxMessage = v }(maxMessage)
	maxMessage = 1000
	atts := strings.Repeat(`{"url":"https://cdn.example.org/a","fileName":"a.jpg"},`, 100)
	in := `{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[{"id":"3","attachments":[` + atts + `{}]},{"id":"4","content":"ok"}]}`
	var c chatexport.Collector
	st, err := ParseReader(context.Background(), strings.NewReader(in), nil, "big.json", &c)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 1 || c.Messages[0].ID != "4" || !strings.Contains(st.Warnings[0].Reason, "larger than 1000") {
		t.Errorf("messages %d, warnings %v", len(c.Messages), st.Warnings)
	}
}
