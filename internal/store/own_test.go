package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashset/nsrl/nsrltest"
	"github.com/vibora-project/vibora/internal/hostile"
	"github.com/vibora-project/vibora/internal/store"
)

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	s, err := hostile.Snapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A --db that names an existing file Vibora did not create (a seized app
// database, an NSRL file, anything else) is refused and left untouched:
// same bytes, no -wal, -shm or -journal beside it.
func TestOpenRefusesForeignFiles(t *testing.T) {
	ctx := context.Background()
	for name, build := range map[string]func(string) error{
		"app":     func(p string) error { return hostile.AppDatabase(ctx, p, 20, false) },
		"app-wal": func(p string) error { return hostile.AppDatabase(ctx, p, 20, true) },
		"nsrl":    func(p string) error { return nsrltest.Build(ctx, p, 10, "2024.03.1") },
		"text":    func(p string) error { return os.WriteFile(p, []byte("not a database\n"), 0o644) },
		"empty-db-with-wal": func(p string) error {
			if err := hostile.AppDatabase(ctx, p+".src", 10, true); err != nil {
				return err
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				return err
			}
			return os.Rename(p+".src-wal", p+"-wal")
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "seized.db")
			if err := build(p); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			db, err := store.Open(ctx, p)
			if err == nil {
				db.Close()
				t.Fatalf("opened %s as a store", name)
			}
			if !strings.Contains(err.Error(), "not a Vibora store") || !strings.Contains(err.Error(), p) {
				t.Errorf("error %q: want it to say %s is not a Vibora store", err, p)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("the file or its directory changed:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

// Vibora creates a store in a new or an empty file, and reopens it.
func TestOpenCreatesOnlyNewOrEmpty(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "new.db"), empty} {
		db, err := store.Open(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		addCase(t, db, "op-own")
		db.Close()
		db, err = store.Open(ctx, p)
		if err != nil {
			t.Fatalf("reopen %s: %v", p, err)
		}
		if _, err := db.CaseByName(ctx, "op-own"); err != nil {
			t.Fatalf("reopen %s: %v", p, err)
		}
		db.Close()
	}
}

// A write-protected store (mode 0444, or in a read-only directory) opens
// read-only: it can be read, writes fail, and nothing beside it changes.
// Permission bits do not stop root, so the store must open read-only by
// itself rather than wait for EACCES.
func TestOpenWriteProtectedStore(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"file", "dir"} {
		t.Run(how, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			os.Mkdir(dir, 0o755)
			p := filepath.Join(dir, "vibora.db")
			db, err := store.Open(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			addCase(t, db, "op-ro")
			db.Close()
			if how == "file" {
				os.Chmod(p, 0o444)
			} else {
				os.Chmod(dir, 0o555)
				t.Cleanup(func() { os.Chmod(dir, 0o755) })
			}
			before := snapshot(t, dir)
			db, err = store.Open(ctx, p)
			if err != nil {
				t.Fatalf("open write-protected store: %v", err)
			}
			if !db.ReadOnly() {
				t.Error("ReadOnly() = false")
			}
			if _, err := db.CaseByName(ctx, "op-ro"); err != nil {
				t.Fatalf("read: %v", err)
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.InsertCase(ctx, &store.Case{Name: "op-write", CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
			}); err == nil {
				t.Error("a write to a write-protected store succeeded")
			}
			db.Close()
			if after := snapshot(t, dir); after != before {
				t.Errorf("the store or its directory changed:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

func addCase(t *testing.T, db *store.DB, name string) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertCase(ctx, &store.Case{Name: name, CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
	}); err != nil {
		t.Fatal(err)
	}
}

// A store made before stores carried their application id is recognised
// by its tables, opened, and claimed.
func TestOpenClaimsOlderStore(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "old.db")
	db, err := store.Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	addCase(t, db, "op-old")
	if _, err := db.SQL().ExecContext(ctx, "PRAGMA application_id = 0"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if id := appID(t, p); id != 0 {
		t.Fatalf("application id %#x after clearing", id)
	}
	db, err = store.Open(ctx, p)
	if err != nil {
		t.Fatalf("reopen an older store: %v", err)
	}
	if _, err := db.CaseByName(ctx, "op-old"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if id := appID(t, p); id != 0x56425241 {
		t.Errorf("application id %#x, want the store claimed", id)
	}
}

func appID(t *testing.T, p string) uint32 {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || len(b) < 72 {
		t.Fatalf("read %s: %v", p, err)
	}
	return uint32(b[68])<<24 | uint32(b[69])<<16 | uint32(b[70])<<8 | uint32(b[71])
}
