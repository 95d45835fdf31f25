package hostile

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // "sqlite" database/sql driver
)

// AppDatabase writes at path a SQLite database shaped like a seized
// messaging app's (contacts and messages of invented people, example.org
// addresses) with rows rows. With wal, the database is in WAL mode and the
// last rows are left committed in path-wal, not yet checkpointed into the
// main file: what a database copied off a running phone looks like.
func AppDatabase(ctx context.Context, path string, rows int, wal bool) error {
	work := path
	if wal {
		// Build it elsewhere and copy the main file and its WAL while the
		// writer still holds them open (closing would checkpoint).
		tmp, err := os.MkdirTemp("", "vibora-hostile-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = filepath.Join(tmp, "app.db")
	}
	db, err := sql.Open("sqlite", "file:"+work)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	stmts := []string{
		`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, email TEXT)`,
		`CREATE TABLE messages (id INTEGER PRIMARY KEY, contact_id INTEGER, body TEXT, sent_at INTEGER)`,
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	insert := func(from, to int) error {
		for i := from; i < to; i++ {
			if _, err := db.ExecContext(ctx, `INSERT INTO contacts (name, email) VALUES (?, ?)`,
				fmt.Sprintf("Person %d", i), fmt.Sprintf("person%d@example.org", i)); err != nil {
				return err
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO messages (contact_id, body, sent_at) VALUES (?, ?, ?)`,
				i+1, fmt.Sprintf("synthetic message %d", i), 1700000000+i); err != nil {
				return err
			}
		}
		return nil
	}
	if !wal {
		return insert(0, rows)
	}
	for _, s := range []string{`PRAGMA journal_mode=WAL`, `PRAGMA wal_autocheckpoint=0`} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	half := rows / 2
	if err := insert(0, half); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	if err := insert(half, rows); err != nil {
		return err
	}
	if err := copyFile(work, path); err != nil {
		return err
	}
	return copyFile(work+"-wal", path+"-wal")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
