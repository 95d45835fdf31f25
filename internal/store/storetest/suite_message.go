package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testMessages: a conversation's messages page by row id in import order,
// with the sender's name; a page never crosses into another case.
func testMessages(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-messages")
	other := mustCase(t, db, "op-other")
	conv := store.Conversation{CaseID: c.ID, Platform: "telegram", ExtID: "7700000001", Name: "Example Group", Type: "group"}
	var msgs []store.Message
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.UpsertConversation(ctx, &conv); err != nil {
			return err
		}
		p := store.Participant{ConversationID: conv.ID, ExtID: "user1", DisplayName: "Rowan Example"}
		if err := tx.UpsertParticipant(ctx, &p); err != nil {
			return err
		}
		for i := range 5 {
			msgs = append(msgs, store.Message{ConversationID: conv.ID, ExtID: fmt.Sprint(i + 1), AtUTC: fmt.Sprintf("2024-03-02T09:0%dZ", i),
				SenderID: p.ID, Text: fmt.Sprintf("message %d", i+1), Service: i == 0, Action: map[bool]string{true: "create_group"}[i == 0]})
		}
		msgs[4].SenderID = 0
		_, err := tx.InsertMessages(ctx, msgs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []store.MessageRow
	var after int64
	for {
		page, err := db.Messages(ctx, c.ID, conv.ID, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("page of %d, limit 2", len(page))
		}
		got = append(got, page...)
		after = page[len(page)-1].ID
	}
	if len(got) != 5 {
		t.Fatalf("%d messages paged, want 5: %+v", len(got), got)
	}
	for i, m := range got {
		if m.ExtID != msgs[i].ExtID || m.Text != msgs[i].Text || m.AtUTC != msgs[i].AtUTC || m.Service != msgs[i].Service || m.Action != msgs[i].Action {
			t.Errorf("message %d: %+v, want %+v", i, m, msgs[i])
		}
		if want := map[bool]string{true: "Rowan Example"}[msgs[i].SenderID != 0]; m.Sender != want {
			t.Errorf("message %d: sender %q, want %q", i, m.Sender, want)
		}
	}
	if rows, err := db.Messages(ctx, other.ID, conv.ID, 0, 10); err != nil || len(rows) != 0 {
		t.Errorf("another case's conversation: %+v %v", rows, err)
	}
}
