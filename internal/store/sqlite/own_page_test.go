package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A new store file has PageSize pages.
func TestCreatePageSize(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vibora.db")
	if err := create(ctx, path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(Driver, DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var size int
	if err := db.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != PageSize {
		t.Errorf("page size %d, want %d", size, PageSize)
	}
}
