package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

// openService opens the store named by --db and returns the use-case layer.
// Commands run as the local principal (the OS user, shown as --actor) that
// the root command puts in their context. The caller must call the returned
// close function.
func (g *globals) openService(ctx context.Context, opts ...investigation.Option) (*investigation.Service, func(), error) {
	db, err := store.Open(ctx, g.db)
	if err != nil {
		if errors.Is(err, store.ErrNotStore) {
			return nil, nil, withHint(usageError{err}, "--db must name a Vibora store, or a new or empty file: Vibora never writes to a file it did not create")
		}
		if store.IsPostgres(g.db) {
			return nil, nil, withHint(err, "check that the PostgreSQL server is running and the DSN is right")
		}
		return nil, nil, withHint(err, "--db (or VIBORA_DB) names the SQLite file; its directory must exist and be writable")
	}
	opts = append([]investigation.Option{investigation.WithLogger(g.logger), investigation.WithCacheDir(cacheDir(g.db))}, opts...)
	s := investigation.New(db, "", opts...)
	return s, func() { db.Close() }, nil
}

// cacheDir is where derived data (persisted match indexes) lives: next to a
// SQLite file, or in the user's cache directory for a PostgreSQL hub.
func cacheDir(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn + ".cache"
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	sum := sha256.Sum256([]byte(dsn))
	return filepath.Join(base, "vibora", hex.EncodeToString(sum[:8]))
}

// classify maps domain errors to usage errors with hints.
func classify(err error, hint string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) || errors.Is(err, investigation.ErrInvalid) {
		if hint != "" {
			return withHint(usageError{err}, hint)
		}
		return usageError{err}
	}
	return err
}

// openCase opens the store and finds the named case. The caller must call
// the returned close function.
func (g *globals) openCase(ctx context.Context, name string) (*investigation.Service, store.Case, func(), error) {
	s, done, err := g.openService(ctx)
	if err != nil {
		return nil, store.Case{}, nil, err
	}
	c, err := s.Case(ctx, name)
	if err != nil {
		done()
		return nil, c, nil, classify(err, "'vibora case list' shows the existing cases")
	}
	return s, c, done, nil
}
