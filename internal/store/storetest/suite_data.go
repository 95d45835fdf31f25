package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func testFiles(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	e := mustExhibit(t, db, c.ID, "E1")
	files := []store.File{
		{ExhibitID: e.ID, Path: "b.jpg", Size: 10, MediaType: "image/jpeg", SHA256: "aa", PDQ: "ff", PDQQuality: 90, Status: "matched"},
		{ExhibitID: e.ID, Path: "a.txt", Size: 3, Status: "unknown", PDQQuality: -1},
		{ExhibitID: e.ID, Path: "x.zip!/../evil", Status: "error", Error: "path traversal", PDQQuality: -1},
	}
	match := []store.FileMatch{{Bank: "known", BankKind: "known", RecordID: 7, Kind: "sha256", Hash: "aa", Category: "1", NormCategory: "known", Series: "s1"}}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range files {
			var m []store.FileMatch
			if i == 0 {
				m = match
			}
			if ok, err := tx.InsertFile(ctx, &files[i], m); err != nil || !ok {
				return errors.Join(err, errors.New("not inserted"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Inserting the same path again is a no-op.
	again := store.File{ExhibitID: e.ID, Path: "b.jpg", Status: "unknown"}
	db.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.InsertFile(ctx, &again, match)
		if err != nil || ok {
			t.Errorf("duplicate path: ok=%v err=%v", ok, err)
		}
		return nil
	})
	var got []store.File
	db.Files(ctx, store.FileFilter{CaseID: c.ID}, func(f store.File) error { got = append(got, f); return nil })
	if len(got) != 3 || got[0].Path != "a.txt" || got[1].Path != "b.jpg" || got[1].Exhibit != "E1" || got[1].Status != "matched" {
		t.Fatalf("Files = %+v", got)
	}
	var matched []store.File
	db.Files(ctx, store.FileFilter{CaseID: c.ID, Category: "known"}, func(f store.File) error { matched = append(matched, f); return nil })
	if len(matched) != 1 || matched[0].Path != "b.jpg" {
		t.Fatalf("category filter = %+v", matched)
	}
	ms, err := db.FileMatches(ctx, c.ID)
	if err != nil || len(ms[got[1].ID]) != 1 || ms[got[1].ID][0].Series != "s1" {
		t.Fatalf("FileMatches = %+v, %v", ms, err)
	}
	paths, _ := db.FilePaths(ctx, e.ID)
	if len(paths) != 3 || !paths["x.zip!/../evil"] {
		t.Fatalf("FilePaths = %v", paths)
	}
}

func testBanks(t *testing.T, db *store.DB) {
	ctx := context.Background()
	b := store.Bank{Name: "demo-known", Kind: "known", Format: "vics", Version: 1, ImportedAt: "2024-01-20T10:00:00Z", ImportedBy: "alex"}
	recs := make([]store.BankRecord, 1203) // more than one multi-row statement
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertBank(ctx, &b); err != nil {
			return err
		}
		for i := range recs {
			recs[i] = store.BankRecord{BankID: b.ID, MD5: "0123456789abcdef0123456789abcdef", Category: "1", Series: "s", PDQQuality: i}
		}
		return tx.InsertBankRecords(ctx, recs)
	})
	if err != nil {
		t.Fatal(err)
	}
	dup := store.Bank{Name: "demo-known", Kind: "known", ImportedAt: "x", ImportedBy: "y"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBank(ctx, &dup) }); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate bank: %v", err)
	}
	n := 0
	db.BankRecords(ctx, b.ID, func(r store.BankRecord) error {
		if r.PDQQuality != n {
			t.Fatalf("record %d out of order", n)
		}
		n++
		return nil
	})
	if n != len(recs) {
		t.Fatalf("BankRecords returned %d, want %d", n, len(recs))
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteBank(ctx, b.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BankByName(ctx, "demo-known"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed bank still there: %v", err)
	}
}

func testBankDedup(t *testing.T, db *store.DB) {
	ctx := context.Background()
	b := store.Bank{Name: "d", Kind: "known", ImportedAt: "x", ImportedBy: "y"}
	var removed int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertBank(ctx, &b); err != nil {
			return err
		}
		recs := []store.BankRecord{{BankID: b.ID, MD5: "aa"}, {BankID: b.ID, MD5: "bb"}, {BankID: b.ID, MD5: "aa"}, {BankID: b.ID, MD5: "aa", SHA1: "cc"}, {BankID: b.ID, MD5: "bb"}}
		if err := tx.InsertBankRecords(ctx, recs); err != nil {
			return err
		}
		var err error
		removed, err = tx.DeleteDuplicateBankRecords(ctx, b.ID)
		return err
	})
	if err != nil || removed != 2 {
		t.Fatalf("removed %d, %v; want 2", removed, err)
	}
	var kept []string
	db.BankRecords(ctx, b.ID, func(r store.BankRecord) error { kept = append(kept, r.MD5+r.SHA1); return nil })
	if len(kept) != 3 || kept[0] != "aa" || kept[1] != "bb" || kept[2] != "aacc" {
		t.Fatalf("kept %v", kept)
	}
}
