// Package storetest is the store's conformance suite and the helpers that
// give tests a real, empty store: SQLite in a temporary directory, and
// PostgreSQL in a fresh database on the server named by
// VIBORA_TEST_POSTGRES (a postgres:// DSN). When VIBORA_REQUIRE_POSTGRES=1
// (set by .ci/run), a missing server fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// Env variables.
const (
	EnvPostgres        = "VIBORA_TEST_POSTGRES"
	EnvRequirePostgres = "VIBORA_REQUIRE_POSTGRES"
)

// Opener opens an empty store for one test, migrated to version (-1: newest).
type Opener func(t testing.TB, version int) *store.DB

// Dialects returns the openers to run a suite against: SQLite always,
// PostgreSQL when configured.
func Dialects(t testing.TB) map[string]Opener {
	m := map[string]Opener{store.SQLite: OpenSQLite}
	if PostgresDSN(t) != "" {
		m[store.Postgres] = OpenPostgres
	}
	return m
}

// Each runs fn against every available dialect as subtests.
func Each(t *testing.T, fn func(t *testing.T, open Opener)) {
	for name, open := range Dialects(t) {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

// OpenSQLite opens a new SQLite store in t.TempDir().
func OpenSQLite(t testing.TB, version int) *store.DB {
	t.Helper()
	db, err := store.OpenAt(context.Background(), filepath.Join(t.TempDir(), "vibora.db"), version)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN returns the test server's DSN, or "" (skipping is the caller's
// choice) — unless PostgreSQL is required, when its absence fails t.
func PostgresDSN(t testing.TB) string {
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" && os.Getenv(EnvRequirePostgres) == "1" {
		t.Fatalf("%s=1 but %s is not set: PostgreSQL tests are mandatory here", EnvRequirePostgres, EnvPostgres)
	}
	return dsn
}

// NewPostgresDatabase creates a fresh database on the test server, dropped
// when the test ends, and returns its DSN. It skips t when no server is
// configured (and PostgreSQL is not required).
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	dsn := PostgresDSN(t)
	if dsn == "" {
		t.Skipf("no PostgreSQL: set %s to a postgres:// DSN to run this test", EnvPostgres)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "vibora_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// OpenPostgres opens a store in a fresh PostgreSQL database.
func OpenPostgres(t testing.TB, version int) *store.DB {
	t.Helper()
	db, err := store.OpenAt(context.Background(), NewPostgresDatabase(t), version)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
