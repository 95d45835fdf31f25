// Package sqlite is the embedded SQLite dialect of the store: the pure-Go
// driver (modernc.org/sqlite, so the binary stays static), its connection
// settings and its numbered migrations.
package sqlite

import (
	"embed"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Migrations holds the numbered schema migrations, migrations/NNNN_name.sql.
//
//go:embed migrations/*.sql
var Migrations embed.FS

// Driver is the database/sql driver name.
const Driver = "sqlite"

// DSN turns a file path into a driver DSN with the settings Vibora relies
// on: WAL journal, foreign keys, a busy timeout so concurrent commands wait
// instead of failing, and IMMEDIATE transactions so that a writer takes the
// write lock at BEGIN (no upgrade deadlocks).
func DSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + escape(path) + "?" + q.Encode()
}
