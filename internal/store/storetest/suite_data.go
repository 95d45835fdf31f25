package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

func testFiles(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	e := mustExhibit(t, db, c.ID, "E1")
	files := []store.File{
		{ExhibitID: e.ID, Path: "b.jpg", Size: 10, MediaType: "image/jpeg", SHA256: "aa", PDQ: "ff", PDQQuality: 90, Status: "matched", Root: "/r", Member: "b.jpg"},
		{ExhibitID: e.ID, Path: "a.txt", Size: 3, Status: "unknown", PDQQuality: -1, Root: "/r", Member: "a.txt"},
		{ExhibitID: e.ID, Path: "x.zip!/evil", Status: "error", Error: "path traversal", PDQQuality: -1, Root: "/r", Member: "x.zip!/../evil", IngestID: 4, Batch: 2},
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
	// Inserting the same identity again is a no-op, whatever its path.
	again := store.File{ExhibitID: e.ID, Path: "b.jpg [2]", Status: "unknown", Root: "/r", Member: "b.jpg"}
	db.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.InsertFile(ctx, &again, match)
		if err != nil || ok || again.ID != 0 {
			t.Errorf("duplicate identity: ok=%v err=%v", ok, err)
		}
		return nil
	})
	// A name stored twice is a second file.
	second := store.File{ExhibitID: e.ID, Path: "b.jpg [2]", Status: "unknown", Root: "/r", Member: "b.jpg", Seq: 1}
	// Another identity may not take a display path in use: never silently.
	clash := store.File{ExhibitID: e.ID, Path: "a.txt", Status: "unknown", Root: "/other", Member: "a.txt"}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := tx.InsertFile(ctx, &second, nil); !ok || err != nil {
			t.Errorf("second occurrence: ok=%v err=%v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InsertFile(ctx, &clash, nil)
		return err
	})
	if err == nil {
		t.Error("a second file under one display path was accepted")
	}
	var got []store.File
	db.Files(ctx, store.FileFilter{CaseID: c.ID}, func(f store.File) error { got = append(got, f); return nil })
	if len(got) != 4 || got[0].Path != "a.txt" || got[1].Path != "b.jpg" || got[1].Exhibit != "E1" || got[1].Status != "matched" ||
		got[3].Member != "x.zip!/../evil" || got[3].IngestID != 4 || got[3].Batch != 2 || got[2].Seq != 1 {
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
	keys, paths, err := db.FileKeys(ctx, e.ID)
	if err != nil || len(keys) != 4 || !keys[store.FileKey{Root: "/r", Member: "x.zip!/../evil"}] || !keys[store.FileKey{Root: "/r", Member: "b.jpg", Seq: 1}] ||
		len(paths) != 4 || !paths["b.jpg [2]"] {
		t.Fatalf("FileKeys = %v %v %v", keys, paths, err)
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
	var mid store.BankRecord
	db.BankRecords(ctx, b.ID, func(r store.BankRecord) error {
		if r.PDQQuality != n {
			t.Fatalf("record %d out of order", n)
		}
		if n == len(recs)/2 {
			mid = r
		}
		n++
		return nil
	})
	if n != len(recs) {
		t.Fatalf("BankRecords returned %d, want %d", n, len(recs))
	}
	// One record by its ID: on the DB (a statement prepared once, asked
	// twice) and in a transaction.
	for range 2 {
		if r, err := db.BankRecordByID(ctx, mid.ID); err != nil || r != mid {
			t.Fatalf("BankRecordByID(%d) = %+v, %v; want %+v", mid.ID, r, err, mid)
		}
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		r, err := tx.BankRecordByID(ctx, mid.ID)
		if err == nil && r != mid {
			err = fmt.Errorf("in a transaction: %+v, want %+v", r, mid)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteBank(ctx, b.ID) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BankRecordByID(ctx, mid.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record of a removed bank: %v, want ErrNotFound", err)
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
		return tx.InsertBankRecords(ctx, recs)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Chunks of two record IDs: repeats across chunks are found too.
	removed, err = db.DedupBankRecords(ctx, b.ID, 2)
	if err != nil || removed != 2 {
		t.Fatalf("removed %d, %v; want 2", removed, err)
	}
	var kept []string
	db.BankRecords(ctx, b.ID, func(r store.BankRecord) error { kept = append(kept, r.MD5+r.SHA1); return nil })
	if len(kept) != 3 || kept[0] != "aa" || kept[1] != "bb" || kept[2] != "aacc" {
		t.Fatalf("kept %v", kept)
	}
}

// testBankStaging: staging and retired rows are invisible to BankByName
// and Banks, are found by StagedBanks, and switch in by renaming.
func testBankStaging(t *testing.T, db *store.DB) {
	ctx := context.Background()
	live := store.Bank{Name: "n", Kind: "known", Version: 1, ImportedAt: "x", ImportedBy: "y"}
	stage := store.Bank{Name: store.StagingName("n", "staging", 2, "ab"), StagedFor: "n", Kind: "known", Version: 2, ImportedAt: "x", ImportedBy: "y"}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertBank(ctx, &live); err != nil {
			return err
		}
		if err := tx.InsertBank(ctx, &stage); err != nil {
			return err
		}
		recs := make([]store.BankRecord, 5)
		for i := range recs {
			recs[i] = store.BankRecord{BankID: stage.ID, MD5: fmt.Sprintf("%032x", i)}
		}
		return tx.InsertBankRecords(ctx, recs)
	})
	if err != nil {
		t.Fatal(err)
	}
	if bs, _ := db.Banks(ctx); len(bs) != 1 || bs[0].ID != live.ID {
		t.Fatalf("Banks lists staging rows: %+v", bs)
	}
	if st, err := db.StagedBanks(ctx, "n"); err != nil || len(st) != 1 || st[0].ID != stage.ID {
		t.Fatalf("StagedBanks: %+v %v", st, err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		live.Name, live.StagedFor = store.StagingName("n", "retired", 1, "cd"), "n"
		if err := tx.UpdateBank(ctx, &live); err != nil {
			return err
		}
		stage.Name, stage.StagedFor = "n", ""
		return tx.UpdateBank(ctx, &stage)
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := db.BankByName(ctx, "n"); err != nil || b.ID != stage.ID || b.Version != 2 {
		t.Fatalf("after switch: %+v %v", b, err)
	}
	var deleted int64
	for {
		var n int64
		err := db.InTx(ctx, func(tx *store.Tx) (err error) { n, err = tx.DeleteSomeBankRecords(ctx, stage.ID, 2); return err })
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		deleted += n
	}
	if deleted != 5 {
		t.Fatalf("deleted %d records in batches, want 5", deleted)
	}
	gone := store.Bank{ID: 1 << 40, Name: "zz"}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateBank(ctx, &gone) }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateBank of a missing row: %v", err)
	}
}

func testFilePages(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "paged")
	e := mustExhibit(t, db, c.ID, "E1")
	var ids []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range 7 {
			f := store.File{ExhibitID: e.ID, Path: fmt.Sprintf("f%d", 9-i), Status: "unknown", PDQQuality: -1, Root: "/r", Member: fmt.Sprintf("f%d", i)}
			var m []store.FileMatch
			if i%2 == 0 {
				f.Status = "matched"
				m = []store.FileMatch{{Bank: "b", BankKind: "known", RecordID: int64(i), Kind: "md5", Hash: "h", Category: "1"}}
			}
			if _, err := tx.InsertFile(ctx, &f, m); err != nil {
				return err
			}
			ids = append(ids, f.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Pages of 3 in ID order, resumed after the last ID, cover every
	// matched file once.
	var got []int64
	after := int64(0)
	for pages := 0; pages < 10; pages++ {
		var page []int64
		err := db.Files(ctx, store.FileFilter{CaseID: c.ID, Status: "matched", AfterID: after, Limit: 3}, func(f store.File) error { page = append(page, f.ID); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) > 3 {
			t.Fatalf("page of %d files, limit 3", len(page))
		}
		got = append(got, page...)
		after = page[len(page)-1]
	}
	want := []int64{ids[0], ids[2], ids[4], ids[6]}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged matched files = %v, want %v", got, want)
	}
	ms, err := db.FileMatchesOf(ctx, []int64{ids[0], ids[1], ids[4]})
	if err != nil || len(ms) != 2 || len(ms[ids[0]]) != 1 || ms[ids[4]][0].RecordID != 4 {
		t.Fatalf("FileMatchesOf = %v, %v", ms, err)
	}
	if ms, err := db.FileMatchesOf(ctx, nil); err != nil || len(ms) != 0 {
		t.Fatalf("FileMatchesOf(nil) = %v, %v", ms, err)
	}
}
