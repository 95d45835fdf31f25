package investigation_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// writeMD5s writes n distinct synthetic MD5 lines, offset by base.
func writeMD5s(t *testing.T, path string, base, n int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%032x\n", base+i+1)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBankImportInterrupted: an import cancelled after it has written
// some batches leaves the bank as it was and no staging rows; rows an
// import killed mid-way left behind are removed by the next import.
func TestBankImportInterrupted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		s := investigation.New(db, "alex", investigation.WithClock(fixedClock()))
		dir := t.TempDir()
		v1, v2 := filepath.Join(dir, "v1.txt"), filepath.Join(dir, "v2.txt")
		writeMD5s(t, v1, 0, 10)
		writeMD5s(t, v2, 1000, 50_000) // more than two batches
		if _, err := s.ImportBank(ctx, v1, investigation.BankImportOptions{Name: "b", Kind: "known"}); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		batches := 0
		_, err := s.ImportBank(cctx, v2, investigation.BankImportOptions{Name: "b", Progress: func(done, total int64) {
			if batches++; batches == 2 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled import: %v", err)
		}
		b, err := db.BankByName(ctx, "b")
		if err != nil || b.Version != 1 || b.RecordCount != 10 {
			t.Fatalf("bank after cancelled import: %+v %v", b, err)
		}
		if st, _ := db.StagedBanks(ctx, "b"); len(st) != 0 {
			t.Fatalf("staging rows left: %+v", st)
		}
		n := 0
		db.BankRecords(ctx, b.ID, func(store.BankRecord) error { n++; return nil })
		if n != 10 {
			t.Fatalf("%d records, want 10", n)
		}

		// A process killed mid-import leaves a staging row with records.
		left := store.Bank{Name: store.StagingName("b", "staging", 2, "dead"), StagedFor: "b", Kind: "known", ImportedAt: "x", ImportedBy: "y"}
		db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertBank(ctx, &left); err != nil {
				return err
			}
			return tx.InsertBankRecords(ctx, []store.BankRecord{{BankID: left.ID, MD5: strings.Repeat("0", 31) + "f"}})
		})
		res, err := s.ImportBank(ctx, v2, investigation.BankImportOptions{Name: "b"})
		if err != nil || res.Bank.Version != 2 || res.Stats.Imported != 50_000 || res.Replaced == nil {
			t.Fatalf("import after a crash: %+v %v", res.Stats, err)
		}
		if st, _ := db.StagedBanks(ctx, "b"); len(st) != 0 {
			t.Fatalf("staging rows left: %+v", st)
		}
		n = 0 // every record in the store, whatever bank row holds it
		for id := range int64(20) {
			db.BankRecords(ctx, id, func(store.BankRecord) error { n++; return nil })
		}
		if n != 50_000 {
			t.Fatalf("%d records in the store, want the 50000 of the new version only", n)
		}
		if bs, _ := db.Banks(ctx); len(bs) != 1 || bs[0].RecordCount != 50_000 {
			t.Fatalf("banks: %+v", bs)
		}
		// Importing the same file again changes nothing and leaves nothing.
		res, err = s.ImportBank(ctx, v2, investigation.BankImportOptions{Name: "b"})
		if err != nil || !res.Unchanged {
			t.Fatalf("same file: %+v %v", res, err)
		}
		if st, _ := db.StagedBanks(ctx, "b"); len(st) != 0 {
			t.Fatalf("staging rows left: %+v", st)
		}
		if err := s.RemoveBank(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		if bs, _ := db.Banks(ctx); len(bs) != 0 {
			t.Fatalf("removed bank listed: %+v", bs)
		}
	})
}
