// Package store keeps Vibora's data: cases, exhibits, files, custody events,
// hash banks, chats, leads and the audit trail, in SQLite (a file, the
// default) or PostgreSQL (a postgres:// DSN, for a shared hub).
//
// Both dialects run the same SQL through database/sql; what differs (driver,
// DDL, placeholders, locking) lives in the sqlite and postgres
// sub-packages. The storetest sub-package holds the conformance suite that
// every dialect must pass.
//
// The store is a storage layer only: it does not decide what a change means.
// Mutations are made by internal/investigation, which writes each change and
// its audit record in one transaction (DB.InTx).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/store/postgres"
	"github.com/vibora-project/vibora/internal/store/sqlite"
)

// Sentinel errors.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrNotStore: the file named as a SQLite store exists and is not a
	// Vibora store (see sqlite.Prepare); it was not opened or changed.
	ErrNotStore = sqlite.ErrNotOurs
)

// Dialect names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open store.
type DB struct {
	q
	sql      *sql.DB
	dialect  string
	dsn      string
	readOnly bool
	// stmts holds the statements of the hot paths (credential checks),
	// prepared once: query text -> *sql.Stmt.
	stmts sync.Map
	// shmPath is a SQLite store's -shm file ("" none) and shm that file
	// open, read by CommitMark (nil: none open).
	shmPath string
	shm     atomic.Pointer[os.File]
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs queries written with '?' placeholders against either dialect.
type q struct {
	db      querier
	dialect string
}

func (q q) rebind(query string) string {
	if q.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.db.ExecContext(ctx, q.rebind(query), args...)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.db.QueryContext(ctx, q.rebind(query), args...)
}

func (q q) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.db.QueryRowContext(ctx, q.rebind(query), args...)
}

// insertID runs an INSERT ... RETURNING id.
func (q q) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := q.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Open opens the store named by dsn, a SQLite file path or a
// postgres:// (postgresql://) DSN, and migrates it to the newest schema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenAt(ctx, dsn, -1)
}

// OpenAt opens the store and migrates it to version (every migration when
// version < 0). Tests use it to build databases of earlier schema versions.
func OpenAt(ctx context.Context, dsn string, version int) (*DB, error) {
	var target sqlite.Target
	dialect, driver, conn := SQLite, sqlite.Driver, ""
	if IsPostgres(dsn) {
		dialect, driver, conn = Postgres, postgres.Driver, dsn
	} else {
		// Never open (and so never change) a file that is not ours.
		t, err := sqlite.Prepare(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		target, conn = t, t.DSN
	}
	sdb, err := sql.Open(driver, conn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a small pool lets readers
		// proceed under WAL while the writer holds its connection.
		sdb.SetMaxOpenConns(sqliteConns)
		sdb.SetMaxIdleConns(sqliteConns)
	} else {
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
	}
	// Idle connections are kept up to the pool's size: with database/sql's
	// default of two, a server under load closed and reopened connections
	// (and re-prepared their statements) on most requests.
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
	}
	db := &DB{q: q{db: sdb, dialect: dialect}, sql: sdb, dialect: dialect, dsn: dsn, readOnly: target.ReadOnly}
	if db.readOnly {
		err = db.checkVersion(ctx)
	} else {
		err = db.migrate(ctx, version)
	}
	if err == nil && target.Unclaimed {
		_, err = db.exec(ctx, sqlite.ClaimSQL)
	}
	if err != nil {
		sdb.Close()
		return nil, err
	}
	db.shmPath = shmPathOf(dialect, dsn, db.readOnly)
	db.CommitMark() // opens it
	return db, nil
}

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Redact hides a password in a DSN so it can be shown in errors.
func Redact(dsn string) string {
	if !IsPostgres(dsn) {
		return dsn
	}
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://") + 3
	if at < scheme {
		return dsn
	}
	cred := dsn[scheme:at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return dsn[:scheme] + cred[:i] + ":***" + dsn[at:]
	}
	return dsn
}

// Close closes the store.
func (db *DB) Close() error {
	db.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	if shm := db.shm.Load(); shm != nil {
		shm.Close()
	}
	return db.sql.Close()
}

// prepared returns the statement for query (with '?' placeholders),
// preparing it on first use: a hot path then skips SQL parsing.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.sql.PrepareContext(ctx, db.rebind(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// ReadOnly reports a write-protected SQLite store, opened read-only (see
// sqlite.Prepare): reads and verification work, writes fail.
func (db *DB) ReadOnly() bool { return db.readOnly }

// checkVersion is migrate for a store that may not be written: it must
// already be at this vibora's schema version.
func (db *DB) checkVersion(ctx context.Context) error {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read-only store: %w", err)
	}
	if v != len(ms) {
		return fmt.Errorf("store is write-protected and at schema version %d, this vibora needs %d: make it writable once to upgrade it", v, len(ms))
	}
	return nil
}

// Dialect is SQLite or Postgres.
func (db *DB) Dialect() string { return db.dialect }

// DSN is the DSN the store was opened with.
func (db *DB) DSN() string { return db.dsn }

// SQL exposes the underlying handle to tests that must tamper with the
// database directly (audit verification tests). Production code never uses it.
func (db *DB) SQL() *sql.DB { return db.sql }

// Tx is a transaction. Every mutation of the store happens inside one.
type Tx struct {
	q
	tx    *sql.Tx
	added added // identifiers and files added, for deconfliction
}

// SQL is the transaction's database/sql handle, for an engine that writes
// its own rows in the same transaction as the store's (the job engine's
// tickets, inserted with the job they run).
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// InTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inTx(ctx, db.sql.BeginTx, fn)
}

// Migration is one numbered schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the dialect's migrations in order.
func Migrations(dialect string) ([]Migration, error) {
	var fsys fs.FS = sqlite.Migrations
	if dialect == Postgres {
		fsys = postgres.Migrations
	}
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, n := range names {
		base := path.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(base, ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.Name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion returns the version the database is at.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.queryRow(ctx, "SELECT MAX(version) FROM schema_version").Scan(&v)
	return int(v.Int64), err
}

func (db *DB) migrate(ctx context.Context, target int) error {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	if target < 0 || target > len(ms) {
		target = len(ms)
	}
	create := "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
	if _, err := db.exec(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms[:target] {
		err := db.InTx(ctx, func(tx *Tx) error {
			if db.dialect == Postgres {
				// Serialise concurrent migrators on a shared hub.
				if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(7240617)"); err != nil {
					return err
				}
			}
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM schema_version WHERE version = ?", m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.exec(ctx, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate to %s: %w", m.Name, err)
		}
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v > len(ms) {
		return fmt.Errorf("store schema version %d is newer than this vibora (%d): upgrade vibora", v, len(ms))
	}
	return nil
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}
