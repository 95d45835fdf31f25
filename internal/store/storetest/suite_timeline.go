package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testTimeline: a person's messages by sender in time order within a
// window, never another case's; files counted by modification day.
func testTimeline(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-timeline")
	other := mustCase(t, db, "op-timeline-other")
	var rowan, sky, stranger store.Participant
	var conv, far store.Conversation
	err := db.InTx(ctx, func(tx *store.Tx) error {
		conv = store.Conversation{CaseID: c.ID, Platform: "telegram", ExtID: "7700000002", Name: "Example Group", Type: "group"}
		far = store.Conversation{CaseID: other.ID, Platform: "telegram", ExtID: "7700000003", Name: "Elsewhere", Type: "group"}
		for _, cv := range []*store.Conversation{&conv, &far} {
			if _, err := tx.UpsertConversation(ctx, cv); err != nil {
				return err
			}
		}
		rowan = store.Participant{ConversationID: conv.ID, ExtID: "u1", DisplayName: "Rowan Example"}
		sky = store.Participant{ConversationID: conv.ID, ExtID: "u2", DisplayName: "Sky Sample"}
		stranger = store.Participant{ConversationID: far.ID, ExtID: "u3", DisplayName: "Elsewhere Person"}
		for _, p := range []*store.Participant{&rowan, &sky, &stranger} {
			if err := tx.UpsertParticipant(ctx, p); err != nil {
				return err
			}
		}
		// Imported out of time order: the query orders by time.
		msgs := []store.Message{
			{ConversationID: conv.ID, ExtID: "3", AtUTC: "2024-03-03T10:00:00Z", SenderID: rowan.ID, Text: "third"},
			{ConversationID: conv.ID, ExtID: "1", AtUTC: "2024-03-01T10:00:00Z", SenderID: rowan.ID, Text: "first"},
			{ConversationID: conv.ID, ExtID: "2", AtUTC: "2024-03-02T10:00:00Z", SenderID: sky.ID, Text: "second"},
			{ConversationID: conv.ID, ExtID: "4", AtUTC: "", SenderID: rowan.ID, Text: "no time"},
			{ConversationID: far.ID, ExtID: "9", AtUTC: "2024-03-02T11:00:00Z", SenderID: stranger.ID, Text: "elsewhere"},
		}
		if _, err := tx.InsertMessages(ctx, msgs); err != nil {
			return err
		}
		e := store.Exhibit{CaseID: c.ID, Label: "E1"}
		if err := tx.InsertExhibit(ctx, &e); err != nil {
			return err
		}
		for i, f := range []store.File{
			{Path: "a.jpg", ModTime: "2024-03-01T08:00:00Z", Status: "unknown"},
			{Path: "b.jpg", ModTime: "2024-03-01T23:59:59Z", Status: "unknown"},
			{Path: "c.jpg", ModTime: "2024-03-01T12:00:00Z", Status: "matched"},
			{Path: "d.jpg", ModTime: "2024-03-05T12:00:00Z", Status: "unknown"},
			{Path: "e.txt", ModTime: "", Status: "unknown"},
		} {
			f.ExhibitID, f.Root, f.Member, f.PDQQuality = e.ID, "/r", f.Path, -1
			if ok, err := tx.InsertFile(ctx, &f, nil); err != nil || !ok {
				return fmt.Errorf("file %d: inserted %v: %w", i, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	texts := func(ms []store.SenderMessage) []string {
		var out []string
		for _, m := range ms {
			if m.ConversationID != conv.ID {
				t.Errorf("message %+v: conversation %d, want %d", m, m.ConversationID, conv.ID)
			}
			out = append(out, m.Text)
		}
		return out
	}
	for _, tc := range []struct {
		senders  []int64
		from, to string
		limit    int
		want     []string
	}{
		{[]int64{rowan.ID, sky.ID}, "", "", 10, []string{"first", "second", "third"}},
		{[]int64{rowan.ID}, "", "", 10, []string{"first", "third"}},
		{[]int64{rowan.ID, sky.ID}, "2024-03-02", "", 10, []string{"second", "third"}},
		{[]int64{rowan.ID, sky.ID}, "", "2024-03-02T10:00:00Z", 10, []string{"first"}},
		{[]int64{rowan.ID, sky.ID}, "", "", 2, []string{"first", "second"}},
		{[]int64{stranger.ID}, "", "", 10, nil}, // another case's participant
		{nil, "", "", 10, nil},
	} {
		got, err := db.MessagesBySenders(ctx, c.ID, tc.senders, tc.from, tc.to, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if g := texts(got); !reflect.DeepEqual(g, tc.want) {
			t.Errorf("senders %v from %q to %q limit %d: %q, want %q", tc.senders, tc.from, tc.to, tc.limit, g, tc.want)
		}
	}
	days, err := db.FileDays(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.FileDay{{Day: "2024-03-01", Status: "matched", Files: 1}, {Day: "2024-03-01", Status: "unknown", Files: 2}, {Day: "2024-03-05", Status: "unknown", Files: 1}}
	if !reflect.DeepEqual(days, want) {
		t.Errorf("file days %+v, want %+v", days, want)
	}
	if days, err := db.FileDays(ctx, other.ID); err != nil || len(days) != 0 {
		t.Errorf("another case's file days: %+v %v", days, err)
	}
}
