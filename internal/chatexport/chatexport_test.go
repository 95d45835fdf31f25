package chatexport

import (
	"errors"
	"fmt"
	"testing"
	"testing/fstest"
)

func TestResolveRef(t *testing.T) {
	tests := []struct{ dir, ref, want string }{
		{"ChatExport", "photos/a.jpg", "ChatExport/photos/a.jpg"},
		{".", "photos/a.jpg", "photos/a.jpg"},
		{"a/b", "../c.jpg", "a/c.jpg"},
		{"a", "../../etc/passwd", ""},
		{"a", "/etc/passwd", ""},
		{"a", "C:\\x.jpg", ""},
		{"a", "https://cdn.example.org/x.jpg", ""},
		{"a", "files\\doc.pdf", "a/files/doc.pdf"},
		{"a", "", ""},
		{"a", ".", "a"},
		{".", ".", ""},
	}
	for _, tc := range tests {
		if got := ResolveRef(tc.dir, tc.ref); got != tc.want {
			t.Errorf("ResolveRef(%q, %q) = %q, want %q", tc.dir, tc.ref, got, tc.want)
		}
	}
}

func TestExists(t *testing.T) {
	fsys := fstest.MapFS{"a/b.jpg": {Data: []byte("x")}}
	if !Exists(fsys, "a/b.jpg") || Exists(fsys, "a") || Exists(fsys, "a/c.jpg") || Exists(nil, "a/b.jpg") || Exists(fsys, "") {
		t.Error("Exists wrong")
	}
}

func TestEmitterSeen(t *testing.T) {
	var c Collector
	var st Stats
	e := NewEmitter(nil, &c, &st)
	calls := 0
	e.H = Funcs{OnParticipant: func(p *Participant) error { calls++; return c.Participant(p) }}
	steps := []ParticipantUpdate{
		{ID: "user1", Name: "Alex"},
		{ID: "user1", Name: "Alex"},             // nothing new: no call
		{ID: "user1", Name: "Alex E."},          // new name
		{ID: "user1", Phone: "+1 202 555 0101"}, // new phone
		{ID: "", Name: "ignored"},
		{ID: "user2", Role: &Role{ConversationID: "c", Role: "creator"}},
		{ID: "user2", Role: &Role{ConversationID: "c", Role: "creator"}},
	}
	for _, u := range steps {
		if err := e.Seen(Telegram, u); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 4 || st.Participants != 2 || len(c.Participants) != 2 {
		t.Fatalf("calls %d, participants %d/%d", calls, st.Participants, len(c.Participants))
	}
	p := c.Participants[0]
	if fmt.Sprint(p.Names) != "[Alex Alex E.]" || p.Phone != "+1 202 555 0101" {
		t.Errorf("participant = %+v", p)
	}
	if len(c.Participants[1].Roles) != 1 {
		t.Errorf("roles = %+v", c.Participants[1].Roles)
	}
	stop := errors.New("stop")
	e.H = Funcs{OnParticipant: func(*Participant) error { return stop }}
	if err := e.Seen(Telegram, ParticipantUpdate{ID: "user3"}); !errors.Is(err, stop) {
		t.Errorf("handler error lost: %v", err)
	}
}

func TestStatsWarnCap(t *testing.T) {
	var st Stats
	for i := 0; i < MaxWarnings+5; i++ {
		st.Warn(Warning{File: "f", Line: i + 1, Reason: "r"})
	}
	if len(st.Warnings) != MaxWarnings || st.WarningsDropped != 5 {
		t.Errorf("kept %d dropped %d", len(st.Warnings), st.WarningsDropped)
	}
	var total Stats
	total.Add(Stats{Format: "telegram", Messages: 2, Files: []string{"a"}})
	total.Add(Stats{Format: "whatsapp", Messages: 3, Files: []string{"b"}, Warnings: []Warning{{File: "b", Line: 2, Reason: "x"}}})
	if total.Format != "telegram,whatsapp" || total.Messages != 5 || len(total.Files) != 2 || total.Warnings[0].String() != "b line 2: x" {
		t.Errorf("total = %+v", total)
	}
	if w := (Warning{File: "f.json", Offset: 12, Reason: "bad"}); w.String() != "f.json offset 12: bad" {
		t.Errorf("warning string = %q", w)
	}
	if w := (Warning{File: "c.txt", Reason: "order assumed"}); w.String() != "c.txt: order assumed" {
		t.Errorf("warning string = %q", w)
	}
}
