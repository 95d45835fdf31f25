package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// SQLite removes the -shm file when the store's last connection closes
// (the pool closes idle ones after five minutes) and makes a new one with
// the next: the commit mark follows the new file, and commits still move
// it. Read from the removed file, it stayed put whatever was committed.
func TestCommitMarkAfterLastClose(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vibora.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m0, ok := db.CommitMark()
	if !ok {
		t.Fatal("no commit mark")
	}
	db.SQL().SetMaxIdleConns(0) // closes the idle connections, the last ones
	if _, err := os.Stat(path + "-shm"); !os.IsNotExist(err) {
		t.Fatalf("the -shm file after the last connection closed: %v", err)
	}
	if _, ok := db.CommitMark(); ok {
		t.Error("a commit mark with no -shm file")
	}
	db.SQL().SetMaxIdleConns(sqliteConns)
	marks := [][CommitMarkSize]byte{m0}
	for i := range 2 {
		if err := db.InTx(ctx, func(tx *Tx) error {
			return tx.InsertCase(ctx, &Case{Name: fmt.Sprintf("op-%d", i), CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
		}); err != nil {
			t.Fatal(err)
		}
		m, ok := db.CommitMark()
		if !ok || m == marks[len(marks)-1] {
			t.Fatalf("commit %d: mark %v, unchanged %v", i, ok, m == marks[len(marks)-1])
		}
		marks = append(marks, m)
	}
}
