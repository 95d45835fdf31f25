package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testPayments: payment events are stored once per (case, source kind,
// source reference), list by time with events without a time last, carry
// their conversation and exhibit names and the message's row (the
// position a link to it pages from), and filter by party key and kind.
func testPayments(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "op-payments")
	other := mustCase(t, db, "op-payments-other")
	ex := mustExhibit(t, db, c.ID, "DUMP-01")
	conv := store.Conversation{CaseID: c.ID, Platform: "telegram", ExtID: "7700000002", Name: "Example Market", Type: "group"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if _, err := tx.UpsertConversation(ctx, &conv); err != nil {
			return err
		}
		_, err := tx.InsertMessages(ctx, []store.Message{{ConversationID: conv.ID, ExtID: "40", Text: "price?"}, {ConversationID: conv.ID, ExtID: "41", Text: "150 EUR"}})
		return err
	})
	chat := store.Payment{CaseID: c.ID, SourceKind: "chat", SourceRef: "telegram 7700000002 message 41 #1", ConversationID: conv.ID, MessageExtID: "41",
		PayerSubjectType: "participant", PayerSubjectID: 7, PayerName: "Rowan Example",
		PayeeKey: "iban:GB82WEST12345698765432", PayeeName: "", Amount: "150.00", Currency: "EUR",
		AtUTC: "2024-03-02T09:05:00Z", Method: "iban", Evidence: "amount 12 bytes before the IBAN", CreatedAt: "x", CreatedBy: "alex"}
	row := store.Payment{CaseID: c.ID, SourceKind: "platform", SourceRef: "payments row 17", ExhibitID: ex.ID,
		PayerKey: "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", PayerSubjectType: "platform_user", PayerSubjectID: 3, PayerName: "user3",
		PayeeKey: "btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", Amount: "0.00150000", Currency: "BTC",
		AtUTC: "2024-01-10T00:00:00Z", Method: "btc", TxID: "ab" + fmt.Sprintf("%062d", 1), CreatedAt: "x", CreatedBy: "alex"}
	manual := store.Payment{CaseID: c.ID, SourceKind: "manual", SourceRef: "note 1", PayerKey: "card:visa:1111", PayeeName: "Someone", Method: "card", CreatedAt: "x", CreatedBy: "alex"}
	elsewhere := row
	elsewhere.CaseID, elsewhere.ExhibitID = other.ID, 0
	var n int64
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		n, err = tx.InsertPayments(ctx, []store.Payment{chat, row, manual, elsewhere})
		return err
	})
	if n != 4 {
		t.Fatalf("inserted %d, want 4", n)
	}
	again := chat
	again.Amount = "999.00" // a rerun never overwrites
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		n, err = tx.InsertPayments(ctx, []store.Payment{again, row})
		return err
	})
	if n != 0 {
		t.Fatalf("rerun inserted %d, want 0", n)
	}
	got, err := db.Payments(ctx, store.PaymentFilter{CaseID: c.ID})
	if err != nil || len(got) != 3 {
		t.Fatalf("Payments = %+v, %v", got, err)
	}
	if got[0].SourceRef != "payments row 17" || got[0].Exhibit != "DUMP-01" || got[0].ConversationID != 0 || got[0].MessageID != 0 || got[0].PayerSubjectID != 3 || got[0].TxID != row.TxID {
		t.Fatalf("first payment = %+v", got[0])
	}
	if g := got[1]; g.Amount != "150.00" || g.Conversation != "Example Market" || g.Platform != "telegram" || g.MessageExtID != "41" || g.ConversationID != conv.ID ||
		g.PayeeKey != chat.PayeeKey || g.PayerName != "Rowan Example" || g.Evidence != chat.Evidence || g.ExhibitID != 0 ||
		g.ChatExtID != "7700000002" || g.MessageID == 0 {
		t.Fatalf("second payment = %+v", g)
	}
	if got[2].SourceKind != "manual" || got[2].AtUTC != "" {
		t.Fatalf("an event without a time lists last: %+v", got[2])
	}
	byKey, err := db.Payments(ctx, store.PaymentFilter{CaseID: c.ID, Key: "btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"})
	if err != nil || len(byKey) != 1 || byKey[0].SourceKind != "platform" {
		t.Fatalf("by payee key = %+v, %v", byKey, err)
	}
	byKind, err := db.Payments(ctx, store.PaymentFilter{CaseID: c.ID, SourceKind: "chat"})
	if err != nil || len(byKind) != 1 || byKind[0].SourceKind != "chat" {
		t.Fatalf("by kind = %+v, %v", byKind, err)
	}
	if o, err := db.Payments(ctx, store.PaymentFilter{CaseID: other.ID}); err != nil || len(o) != 1 || o[0].Exhibit != "" {
		t.Fatalf("other case = %+v, %v", o, err)
	}
	// A large batch crosses the statement size. Its events share texts
	// with quotes and a question mark (SQLite writes what they share into
	// the statement), a time (but for one) and the lack of a conversation.
	var many []store.Payment
	for i := range 450 {
		p := manual
		p.SourceRef, p.PayeeName, p.Evidence, p.AtUTC = fmt.Sprintf("bulk %d", i), "Rowan O'Example", "amount 'near' the address? yes", "2024-05-01T00:00:00Z"
		p.PayerSubjectID = int64(i % 2)
		if i == 449 {
			p.AtUTC = ""
		}
		many = append(many, p)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		n, err = tx.InsertPayments(ctx, many)
		return err
	})
	if n != 450 {
		t.Fatalf("bulk inserted %d, want 450", n)
	}
	bulk, err := db.Payments(ctx, store.PaymentFilter{CaseID: c.ID, SourceKind: "manual"})
	if err != nil || len(bulk) != 451 {
		t.Fatalf("bulk read back %d, %v", len(bulk), err)
	}
	for _, g := range bulk {
		i := -1
		fmt.Sscanf(g.SourceRef, "bulk %d", &i)
		if i < 0 {
			continue // note 1
		}
		want := many[i]
		want.ID = g.ID
		if g.PayeeName != want.PayeeName || g.Evidence != want.Evidence || g.AtUTC != want.AtUTC || g.PayerSubjectID != want.PayerSubjectID ||
			g.ConversationID != 0 || g.ExhibitID != 0 || g.PayerKey != want.PayerKey || g.CreatedBy != "alex" {
			t.Fatalf("bulk %d read back %+v, want %+v", i, g, want)
		}
	}
}
