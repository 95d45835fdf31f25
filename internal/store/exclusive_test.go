package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// journalOf is the journal mode of db as a new statement sees it.
func journalOf(t *testing.T, db *DB) string {
	t.Helper()
	var mode string
	if err := db.SQL().QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

func countCases(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM cases").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A store the process has alone is written through a rollback journal
// for the transaction and goes back to its write-ahead log after it,
// whether the transaction commits or not; CommitMark follows commits
// after it (the log's index is a new file).
func TestInExclusiveTx(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vibora.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var inside string
	exclusive, err := db.InExclusiveTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "PRAGMA journal_mode").Scan(&inside); err != nil {
			return err
		}
		return tx.InsertCase(ctx, &Case{Name: "op-exclusive", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
	})
	if err != nil || !exclusive {
		t.Fatalf("InExclusiveTx = %v, %v; want true, nil", exclusive, err)
	}
	if inside != "delete" {
		t.Errorf("journal mode inside the transaction %q, want delete", inside)
	}
	if mode := journalOf(t, db); mode != "wal" {
		t.Errorf("journal mode after %q, want wal", mode)
	}
	if n := countCases(t, db); n != 1 {
		t.Errorf("%d cases after the commit, want 1", n)
	}
	m1, ok := db.CommitMark()
	if !ok {
		t.Fatal("no commit mark after an exclusive transaction")
	}
	if err := db.InTx(ctx, func(tx *Tx) error {
		return tx.InsertCase(ctx, &Case{Name: "op-after", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
	}); err != nil {
		t.Fatal(err)
	}
	if m2, ok := db.CommitMark(); !ok || m2 == m1 {
		t.Errorf("commit mark unchanged by a commit after an exclusive transaction (%v)", ok)
	}

	failed := errors.New("the import failed")
	exclusive, err = db.InExclusiveTx(ctx, func(tx *Tx) error {
		if err := tx.InsertCase(ctx, &Case{Name: "op-rolled-back", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"}); err != nil {
			return err
		}
		return failed
	})
	if !exclusive || !errors.Is(err, failed) {
		t.Errorf("InExclusiveTx of a failing transaction = %v, %v", exclusive, err)
	}
	if n := countCases(t, db); n != 2 {
		t.Errorf("%d cases after a rollback, want 2", n)
	}
	if mode := journalOf(t, db); mode != "wal" {
		t.Errorf("journal mode after a rollback %q, want wal", mode)
	}
}

// Another connection holding the store, here of another pool as of
// another process, leaves the transaction on the write-ahead log.
func TestInExclusiveTxShared(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vibora.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := Open(ctx, path) // its pool keeps a connection open
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var inside string
	exclusive, err := db.InExclusiveTx(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "PRAGMA journal_mode").Scan(&inside); err != nil {
			return err
		}
		return tx.InsertCase(ctx, &Case{Name: "op-shared", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
	})
	if err != nil || exclusive {
		t.Fatalf("InExclusiveTx beside another connection = %v, %v; want false, nil", exclusive, err)
	}
	if inside != "wal" {
		t.Errorf("journal mode inside %q, want wal", inside)
	}
	if n := countCases(t, other); n != 1 {
		t.Errorf("the other connection sees %d cases, want 1", n)
	}
}

// A crash in the middle of an exclusive transaction, pages already
// written into the store, leaves a journal that the next open rolls
// back: the store is whole and holds nothing of the transaction. The
// crash is a copy of the store and its journal taken by another process
// (a copy made by this one would release SQLite's locks on close).
func TestInExclusiveTxCrash(t *testing.T) {
	if _, err := exec.LookPath("cp"); err != nil {
		t.Skip("no cp to copy the store with")
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "vibora.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.InTx(ctx, func(tx *Tx) error {
		for i := range 50 {
			if err := tx.InsertCase(ctx, &Case{Name: fmt.Sprintf("op-before-%d", i), CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	crash := filepath.Join(t.TempDir(), "crash.db")
	stop := errors.New("crash taken")
	exclusive, err := db.InExclusiveTx(ctx, func(tx *Tx) error {
		// A small page cache, so that SQLite writes into the store before
		// the commit.
		if _, err := tx.exec(ctx, "PRAGMA cache_size = 16"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO cases (name, created_at, created_by)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
			SELECT 'op-during-' || i || '-' || hex(randomblob(40)), '2026-01-02T00:00:00Z', 'alex' FROM n`); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE cases SET created_by = 'sam' WHERE name LIKE 'op-before-%'"); err != nil {
			return err
		}
		if err := exec.Command("cp", path, crash).Run(); err != nil {
			return err
		}
		if err := exec.Command("cp", path+"-journal", crash+"-journal").Run(); err != nil {
			return fmt.Errorf("no journal beside the store: %w", err)
		}
		return stop
	})
	if !exclusive || !errors.Is(err, stop) {
		t.Fatalf("InExclusiveTx = %v, %v", exclusive, err)
	}
	if st, err := os.Stat(crash); err != nil || st.Size() <= before.Size() {
		t.Fatalf("the crashed store did not grow (%v): the test needs pages written before the commit", err)
	}
	c, err := Open(ctx, crash)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var check string
	if err := c.SQL().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the crashed store: %q, %v", check, err)
	}
	if n := countCases(t, c); n != 50 {
		t.Errorf("the crashed store holds %d cases, want the 50 before the transaction", n)
	}
	var sam int
	if err := c.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM cases WHERE created_by = 'sam'").Scan(&sam); err != nil || sam != 0 {
		t.Errorf("%d cases changed by the transaction survive the crash (%v)", sam, err)
	}
	if mode := journalOf(t, c); mode != "wal" {
		t.Errorf("the crashed store opens in journal mode %q, want wal", mode)
	}
}
