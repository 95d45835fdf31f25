package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testDeconfliction: identifier hits join across cases of other agencies
// only, notices are recorded on both sides with each side's keys, new
// keys reopen an acknowledged notice, the transaction notes what it
// added, and OPRF keys and usage are kept.
func testDeconfliction(t *testing.T, db *store.DB) {
	ctx := context.Background()
	mustAgency(t, db, "NL-POL", "NL")
	mustAgency(t, db, "BE-FCCU", "BE")
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.SetAgencyContact(ctx, "BE-FCCU", "fccu-desk@example.org")
	})
	mk := func(name, agency string) store.Case {
		c := store.Case{Name: name, Agency: agency, CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertCase(ctx, &c) })
		return c
	}
	nl, nl2, be := mk("nl-1", "NL-POL"), mk("nl-2", "NL-POL"), mk("be-1", "BE-FCCU")
	link := func(c store.Case, kind, norm string) {
		inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.LinkIdentifier(ctx, c.ID, kind, norm, kind+":"+norm, "lead", 1, "test", norm)
		})
	}
	link(be, "phone", "+12025550101")
	link(be, "email", "alex@example.org")
	link(be, "domain", "example.org")
	link(nl2, "phone", "+12025550101")

	var idents map[int64]int64
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, k := range [][2]string{{"phone", "+12025550101"}, {"email", "alex@example.org"}, {"domain", "example.org"}, {"phone", "+12025550199"}} {
			if err := tx.LinkIdentifier(ctx, nl.ID, k[0], k[1], k[0]+":"+k[1], "lead", 2, "test", k[1]); err != nil {
				return err
			}
		}
		// Linking a stored identifier again adds nothing.
		if err := tx.LinkIdentifier(ctx, nl.ID, "phone", "+12025550101", "phone:+12025550101", "lead", 3, "test", ""); err != nil {
			return err
		}
		var err error
		idents, _, err = tx.Added(ctx)
		return err
	})
	if len(idents) != 1 || idents[nl.ID] == 0 {
		t.Fatalf("added %v", idents)
	}
	hits, err := db.IdentifierHits(ctx, nl.ID, idents[nl.ID], []string{"email", "phone"})
	if err != nil {
		t.Fatal(err)
	}
	// Not nl-2 (same agency), not the domain (kind not asked for).
	if fmt.Sprint(hits) != fmt.Sprintf("[{%d email email:alex@example.org} {%d phone phone:+12025550101}]", be.ID, be.ID) &&
		fmt.Sprint(hits) != fmt.Sprintf("[{%d phone phone:+12025550101} {%d email email:alex@example.org}]", be.ID, be.ID) {
		t.Fatalf("hits %v", hits)
	}
	var changes []store.NoticeChange
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		var err error
		changes, err = tx.RecordHits(ctx, nl.ID, hits, "2024-01-20T10:00:01Z")
		return err
	})
	if len(changes) != 4 {
		t.Fatalf("changes %+v, want email and phone on both sides", changes)
	}
	ns, err := db.Notices(ctx, store.NoticeFilter{CaseID: nl.ID})
	if err != nil || len(ns) != 2 {
		t.Fatalf("nl notices %+v, %v", ns, err)
	}
	for _, n := range ns {
		if n.OtherAgency != "BE-FCCU" || n.OtherContact != "fccu-desk@example.org" || n.OtherCountry != "BE" || n.Matches != 1 || n.CaseName != "nl-1" {
			t.Fatalf("notice %+v", n)
		}
	}
	beNotices, _ := db.Notices(ctx, store.NoticeFilter{Visibility: store.CaseVisibility{Agency: "BE-FCCU", Own: true}})
	if len(beNotices) != 2 || beNotices[0].OtherAgency != "NL-POL" || beNotices[0].OtherContact != "" {
		t.Fatalf("be notices %+v", beNotices)
	}
	keys, _ := db.NoticeKeys(ctx, beNotices[0].ID)
	if len(keys) != 1 {
		t.Fatalf("keys %v", keys)
	}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		return tx.AckNotice(ctx, ns[0].ID, "2024-01-20T10:00:02Z", "Ivo")
	})
	if open, _ := db.Notices(ctx, store.NoticeFilter{CaseID: nl.ID, Open: true}); len(open) != 1 {
		t.Fatalf("open after ack: %+v", open)
	}
	// The same hits again change nothing; a new key reopens the notice.
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		again, err := tx.RecordHits(ctx, nl.ID, hits, "2024-01-20T10:00:03Z")
		if err != nil || len(again) != 0 {
			return fmt.Errorf("again: %v %v", again, err)
		}
		return nil
	})
	acked, _ := db.NoticeByID(ctx, ns[0].ID)
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.RecordHits(ctx, nl.ID, []store.DeconflictHit{{OtherCaseID: be.ID, Kind: acked.Kind, Key: acked.Kind + ":new"}}, "2024-01-20T10:00:04Z")
		return err
	})
	if n, _ := db.NoticeByID(ctx, ns[0].ID); n.AckedAt != "" || n.Matches != 2 {
		t.Fatalf("after a new key: %+v", n)
	}
	if _, err := db.NoticeByID(ctx, 999999); err == nil {
		t.Fatal("missing notice found")
	}
	held, err := db.HeldKeys(ctx, []int64{nl.ID, be.ID}, []string{"phone"}, true)
	if err != nil || len(held) != 3 || held[0].Key != "phone:+12025550101" {
		t.Fatalf("held %+v, %v", held, err)
	}
	// OPRF keys: the first stored wins; usage sums over a window.
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		if err := tx.InsertOPRFKey(ctx, "OP", "aa", "t", "alex"); err != nil {
			return err
		}
		if err := tx.InsertOPRFKey(ctx, "OP", "bb", "t", "alex"); err != nil {
			return err
		}
		if err := tx.InsertOPRFEvaluation(ctx, "user:1", "OP", "2024-01-20T10:00:00Z", 5); err != nil {
			return err
		}
		return tx.InsertOPRFEvaluation(ctx, "user:1", "OP", "2024-01-21T10:00:00Z", 7)
	})
	if k, err := db.OPRFKey(ctx, "OP"); err != nil || k != "aa" {
		t.Fatalf("oprf key %q, %v", k, err)
	}
	if n, err := db.OPRFUsage(ctx, "user:1", "2024-01-21T00:00:00Z"); err != nil || n != 7 {
		t.Fatalf("usage %d, %v", n, err)
	}
}
