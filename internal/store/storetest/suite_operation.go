package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func testOperations(t *testing.T, db *store.DB) {
	ctx := context.Background()
	es := mustAgency(t, db, "ES-PN", "ES")
	mustAgency(t, db, "AR-PFA", "AR")
	c1 := mustCase(t, db, "op-case-es")
	c2 := mustCase(t, db, "op-case-ar")
	o := store.Operation{Name: "VIBORA", LeadAgency: es.Name, CreatedAt: "2025-03-01T10:00:00Z", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertOperation(ctx, &o) })
	if o.ID == 0 {
		t.Fatal("no id assigned")
	}
	dup := store.Operation{Name: "VIBORA", CreatedAt: "x", CreatedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertOperation(ctx, &dup) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate operation: %v, want ErrExists", err)
	}
	other := store.Operation{Name: "OTHER", LeadAgency: "NL-POL", CreatedAt: "x", CreatedBy: "y"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.InsertOperation(ctx, &other) })
	if got, err := db.OperationByName(ctx, "VIBORA"); err != nil || got != o {
		t.Fatalf("OperationByName = %+v, %v; want %+v", got, err, o)
	}
	if _, err := db.OperationByName(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing operation: %v", err)
	}

	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, a := range []store.OperationAgency{
			{OperationID: o.ID, Agency: "ES-PN", Role: "lead", Contact: "desk@example.org"},
			{OperationID: o.ID, Agency: "AR-PFA", Role: "partner"},
			{OperationID: o.ID, Agency: "IP-DESK", Role: "coordinator", Contact: "+1 202 555 0101"},
			{OperationID: o.ID, Agency: "AR-PFA", Role: "partner", Contact: "ar@example.org"}, // changes the contact
		} {
			a.CreatedAt, a.CreatedBy = "2025-03-01T10:00:00Z", "alex"
			if err := tx.PutOperationAgency(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	agencies, err := db.OperationAgencies(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(agencies[0].Agency, agencies[0].Contact, agencies[0].Country, " ", agencies[1].Agency, agencies[1].Country, " ", agencies[2].Agency, agencies[2].Role); len(agencies) != 3 || got != "AR-PFAar@example.orgAR ES-PNES IP-DESKcoordinator" {
		t.Fatalf("agencies = %+v", agencies)
	}
	if r, err := db.OperationRole(ctx, o.ID, "AR-PFA"); err != nil || r != "partner" {
		t.Fatalf("OperationRole = %q, %v", r, err)
	}
	if r, err := db.OperationRole(ctx, other.ID, "AR-PFA"); err != nil || r != "" {
		t.Fatalf("OperationRole of a stranger = %q, %v", r, err)
	}
	for v, want := range map[store.OperationVisibility]string{
		{All: true}:         "[OTHER VIBORA]",
		{Agency: "AR-PFA"}:  "[VIBORA]",
		{Agency: "NL-POL"}:  "[OTHER]",
		{Agency: "BE-FCCU"}: "[]",
		{}:                  "[]",
	} {
		ops, err := db.Operations(ctx, v)
		names := []string{}
		for _, op := range ops {
			names = append(names, op.Name)
		}
		if err != nil || fmt.Sprint(names) != want {
			t.Errorf("Operations(%+v) = %v, %v; want %s", v, names, err, want)
		}
	}

	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, c := range []store.Case{c2, c1} {
			if err := tx.AddOperationCase(ctx, store.OperationCase{OperationID: o.ID, CaseID: c.ID, Case: c.Name, CreatedAt: "x", CreatedBy: "alex"}); err != nil {
				return err
			}
		}
		return nil
	})
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return tx.AddOperationCase(ctx, store.OperationCase{OperationID: o.ID, CaseID: c1.ID, Case: c1.Name, CreatedAt: "x", CreatedBy: "alex"})
	})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("case added twice: %v, want ErrExists", err)
	}
	cases, err := db.OperationCases(ctx, o.ID)
	if err != nil || len(cases) != 2 || cases[0].Case != "op-case-ar" || cases[1].Agency != "Example Unit" {
		t.Fatalf("OperationCases = %+v, %v", cases, err)
	}

	x := store.Suspect{OperationID: o.ID, CaseID: c1.ID, Person: "P1", Status: "identified", CreatedAt: "x", CreatedBy: "alex"}
	y := store.Suspect{OperationID: o.ID, CaseID: c2.ID, Person: "P1", Status: "candidate", CreatedAt: "x", CreatedBy: "alex"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, s := range []*store.Suspect{&x, &y} {
			if err := tx.InsertSuspect(ctx, s); err != nil {
				return err
			}
			if err := tx.AppendStatus(ctx, *s, &store.StatusChange{Status: s.Status, Day: "2025-03-04", Why: "named in chat", RecordedAt: "x", RecordedBy: "alex"}); err != nil {
				return err
			}
		}
		return nil
	})
	again := store.Suspect{OperationID: o.ID, CaseID: c1.ID, Person: "P1", Status: "candidate", CreatedAt: "x", CreatedBy: "alex"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertSuspect(ctx, &again) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("suspect twice: %v, want ErrExists", err)
	}
	x.Status, x.Country, x.Role = "attributed", "ES", "admin"
	att := store.StatusChange{Status: "attributed", Day: "2025-03-05", Why: "phone +34", Evidence: "PHONE-01", Country: "ES", RecordedAt: "y", RecordedBy: "bea"}
	inTx(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.AppendStatus(ctx, x, &att) })
	got, err := db.SuspectOf(ctx, o.ID, c1.ID, "P1")
	if err != nil || got.Status != "attributed" || got.Country != "ES" || got.Role != "admin" || got.Case != "op-case-es" {
		t.Fatalf("SuspectOf = %+v, %v", got, err)
	}
	if _, err := db.SuspectOf(ctx, o.ID, c1.ID, "P9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing suspect: %v", err)
	}
	list, err := db.Suspects(ctx, o.ID)
	if err != nil || len(list) != 2 || list[0].Case != "op-case-ar" || list[1].Status != "attributed" {
		t.Fatalf("Suspects = %+v, %v", list, err)
	}
	hist, err := db.StatusHistory(ctx, o.ID, 0)
	if err != nil || len(hist) != 3 {
		t.Fatalf("StatusHistory = %+v, %v", hist, err)
	}
	mine, err := db.StatusHistory(ctx, o.ID, x.ID)
	if err != nil || len(mine) != 2 || mine[1] != att || mine[0].Status != "identified" {
		t.Fatalf("StatusHistory of one = %+v, %v; want ... %+v", mine, err, att)
	}

	inTx(t, db, func(ctx context.Context, tx *store.Tx) error {
		for _, tl := range []store.Tally{
			{OperationID: o.ID, SuspectID: x.ID, Devices: 4, Day: "2025-03-17"},
			{OperationID: o.ID, Victims: 2, Day: "2025-03-18", Note: "two children safeguarded"},
		} {
			tl.RecordedAt, tl.RecordedBy = "z", "alex"
			if err := tx.InsertTally(ctx, &tl); err != nil {
				return err
			}
		}
		return nil
	})
	tallies, err := db.Tallies(ctx, o.ID)
	if err != nil || len(tallies) != 2 || tallies[0].Person != "P1" || tallies[0].Case != "op-case-es" || tallies[0].Devices != 4 ||
		tallies[1].SuspectID != 0 || tallies[1].Victims != 2 || tallies[1].Note != "two children safeguarded" {
		t.Fatalf("Tallies = %+v, %v", tallies, err)
	}
	if other, _ := db.Tallies(ctx, other.ID); len(other) != 0 {
		t.Fatalf("tallies of another operation: %+v", other)
	}
}
