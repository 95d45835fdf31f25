package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testMessagePage: a conversation pages by row id forwards, backwards and
// from its end; a search keeps only matching texts (wildcards taken
// literally); each message carries its attachments with their files'
// triage labels; a person's messages page across conversations; nothing
// crosses into another case.
func testMessagePage(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-pages")
	other := mustCase(t, db, "op-elsewhere")
	e := mustExhibit(t, db, c.ID, "E1")
	conv := store.Conversation{CaseID: c.ID, Platform: "telegram", ExtID: "7700000002", Name: "Example Channel", Type: "group"}
	conv2 := store.Conversation{CaseID: c.ID, Platform: "telegram", ExtID: "7700000003", Name: "Second Group", Type: "group"}
	var sender, sender2 store.Participant
	files := []store.File{
		{ExhibitID: e.ID, Path: "chat/photo_1.jpg", Status: "matched", SHA256: "aa", PDQQuality: -1, Root: "/r", Member: "chat/photo_1.jpg"},
		{ExhibitID: e.ID, Path: "chat/photo_2.jpg", Status: "unknown", SHA256: "bb", PDQQuality: -1, Root: "/r", Member: "chat/photo_2.jpg"},
		{ExhibitID: e.ID, Path: "chat/readme.txt", Status: "ignorable", SHA256: "cc", PDQQuality: -1, Root: "/r", Member: "chat/readme.txt"},
	}
	matches := [][]store.FileMatch{
		{{Bank: "nsrl", BankKind: "ignorable", RecordID: 1, Kind: "sha256", Hash: "aa"},
			{Bank: "known", BankKind: "known", RecordID: 7, Kind: "sha256", Hash: "aa", Category: "1", NormCategory: "known-a", Series: "series-x"}},
		nil,
		{{Bank: "nsrl", BankKind: "ignorable", RecordID: 2, Kind: "sha256", Hash: "cc"}},
	}
	const n = 30
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range files {
			if _, err := tx.InsertFile(ctx, &files[i], matches[i]); err != nil {
				return err
			}
		}
		for _, cv := range []*store.Conversation{&conv, &conv2} {
			if _, err := tx.UpsertConversation(ctx, cv); err != nil {
				return err
			}
		}
		sender = store.Participant{ConversationID: conv.ID, ExtID: "user1", DisplayName: "Rowan Example", Role: "admin"}
		sender2 = store.Participant{ConversationID: conv2.ID, ExtID: "user1", DisplayName: "Rowan Example"}
		for _, p := range []*store.Participant{&sender, &sender2} {
			if err := tx.UpsertParticipant(ctx, p); err != nil {
				return err
			}
		}
		var msgs []store.Message
		for i := range n {
			text := fmt.Sprintf("message %d", i+1)
			switch i {
			case 4:
				text = "100% SURE about_it"
			case 5:
				text = "1000 sure aboutxit"
			}
			msgs = append(msgs, store.Message{ConversationID: conv.ID, ExtID: fmt.Sprint(i + 1), AtUTC: fmt.Sprintf("2024-03-02T09:%02dZ", i), SenderID: sender.ID, Text: text})
		}
		msgs = append(msgs, store.Message{ConversationID: conv2.ID, ExtID: "1", AtUTC: "2024-03-03T09:00Z", SenderID: sender2.ID, Text: "elsewhere"})
		if _, err := tx.InsertMessages(ctx, msgs); err != nil {
			return err
		}
		for _, a := range []store.Attachment{
			{ConversationID: conv.ID, MessageExtID: "3", SenderID: sender.ID, Kind: "photo", RelPath: "chat/photo_1.jpg", Present: true, FileID: files[0].ID},
			{ConversationID: conv.ID, MessageExtID: "3", SenderID: sender.ID, Kind: "photo", RelPath: "chat/photo_2.jpg", Present: true, FileID: files[1].ID},
			{ConversationID: conv.ID, MessageExtID: "4", SenderID: sender.ID, Kind: "file", RelPath: "chat/readme.txt", FileName: "readme.txt", Present: true, FileID: files[2].ID},
			{ConversationID: conv.ID, MessageExtID: "30", SenderID: sender.ID, Kind: "video", FileName: "clip.mp4"},
		} {
			if err := tx.InsertAttachment(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ext := func(rows []store.MessageRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.ExtID)
		}
		return out
	}
	// Forwards through the whole conversation, 7 at a time.
	var all []store.MessageRow
	for q := (store.MessageQuery{Limit: 7}); ; {
		page, err := db.MessagePage(ctx, c.ID, conv.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 7 {
			t.Fatalf("page of %d, limit 7", len(page))
		}
		all = append(all, page...)
		q.After = page[len(page)-1].ID
	}
	if len(all) != n {
		t.Fatalf("%d messages paged forwards, want %d", len(all), n)
	}
	for i, m := range all {
		if m.ExtID != fmt.Sprint(i+1) || m.Sender != "Rowan Example" {
			t.Fatalf("message %d: %+v", i, m)
		}
	}
	// The last page, then backwards from it.
	last, err := db.MessagePage(ctx, c.ID, conv.ID, store.MessageQuery{Last: true, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := ext(last); !slices.Equal(got, []string{"27", "28", "29", "30"}) {
		t.Errorf("last page %v, want 27..30 in order", got)
	}
	before, err := db.MessagePage(ctx, c.ID, conv.ID, store.MessageQuery{Before: last[0].ID, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := ext(before); !slices.Equal(got, []string{"23", "24", "25", "26"}) {
		t.Errorf("page before the last %v, want 23..26 in order", got)
	}
	first, err := db.MessagePage(ctx, c.ID, conv.ID, store.MessageQuery{Before: all[2].ID, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := ext(first); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("page before message 3 %v, want 1, 2", got)
	}
	// Attachments with their labels; one row per message however many it has.
	byExt := map[string]store.MessageRow{}
	for _, m := range all {
		byExt[m.ExtID] = m
	}
	want := map[string][]store.MessageAttachment{
		"3": {{Kind: "photo", RelPath: "chat/photo_1.jpg", Present: true, FileID: files[0].ID, Status: "matched", Category: "known-a", Series: "series-x"},
			{Kind: "photo", RelPath: "chat/photo_2.jpg", Present: true, FileID: files[1].ID, Status: "unknown"}},
		"4":  {{Kind: "file", RelPath: "chat/readme.txt", FileName: "readme.txt", Present: true, FileID: files[2].ID, Status: "ignorable"}},
		"30": {{Kind: "video", FileName: "clip.mp4"}},
	}
	for _, m := range all {
		if !slices.Equal(m.Attachments, want[m.ExtID]) {
			t.Errorf("message %s attachments %+v, want %+v", m.ExtID, m.Attachments, want[m.ExtID])
		}
	}
	// Search: case-insensitive, % and _ are literal, paged like the rest.
	for search, wantExt := range map[string][]string{"100% sure": {"5"}, "about_it": {"5"}, "SURE": {"5", "6"}, "message 2": {"2", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29"}, "absent": nil} {
		var got []store.MessageRow
		for q := (store.MessageQuery{Search: search, Limit: 3}); ; {
			page, err := db.MessagePage(ctx, c.ID, conv.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			q.After = page[len(page)-1].ID
		}
		if !slices.Equal(ext(got), wantExt) {
			t.Errorf("search %q: %v, want %v", search, ext(got), wantExt)
		}
	}
	lastHit, err := db.MessagePage(ctx, c.ID, conv.ID, store.MessageQuery{Search: "message 2", Last: true, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ext(lastHit); !slices.Equal(got, []string{"28", "29"}) {
		t.Errorf("last page of a search %v, want 28, 29", got)
	}
	// Another case sees nothing of the conversation.
	if rows, err := db.MessagePage(ctx, other.ID, conv.ID, store.MessageQuery{Last: true, Limit: 10}); err != nil || len(rows) != 0 {
		t.Errorf("another case's conversation: %+v %v", rows, err)
	}
	// A person's messages across both conversations, paged.
	var mine []store.MessageRow
	for after := int64(0); ; {
		page, err := db.SenderMessages(ctx, c.ID, []int64{sender.ID, sender2.ID}, after, 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		mine = append(mine, page...)
		after = page[len(page)-1].ID
	}
	if len(mine) != n+1 || mine[n].Conversation != "Second Group" || mine[n].Text != "elsewhere" || mine[0].Conversation != "Example Channel" {
		t.Errorf("sender messages: %d, last %+v", len(mine), mine[len(mine)-1])
	}
	if rows, err := db.SenderMessages(ctx, other.ID, []int64{sender.ID}, 0, 10); err != nil || len(rows) != 0 {
		t.Errorf("another case's participant: %+v %v", rows, err)
	}
}
