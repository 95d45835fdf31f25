package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/investigation"
)

// openService opens the store named by --db and returns the use-case layer.
// Commands run as the local principal (the OS user, shown as --actor) that
// the root command puts in their context. The caller must call the returned
// close function.
func (g *globals) openService(ctx context.Context, opts ...investigation.Option) (*investigation.Service, func(), error) {
	opts = append([]investigation.Option{investigation.WithLogger(g.logger), investigation.WithCacheDir(cacheDir(g.db))}, opts...)
	opts = append(opts, matcherOptions(g.db)...)
	opts = append(opts, serviceOptions...)
	s, err := investigation.Open(ctx, g.db, "", opts...)
	if err != nil {
		if errors.Is(err, investigation.ErrNotStore) {
			return nil, nil, withHint(usageError{err}, "--db must name a Vibora store, or a new or empty file: Vibora never writes to a file it did not create")
		}
		if investigation.IsPostgres(g.db) {
			return nil, nil, withHint(err, "check that the PostgreSQL server is running and the DSN is right")
		}
		return nil, nil, withHint(err, "--db (or VIBORA_DB) names the SQLite file; its directory must exist and be writable")
	}
	return s, func() { s.Close() }, nil
}

// serviceOptions are added to every service the commands open: the golden
// tests inject a fixed clock so that --json output is byte-identical.
var serviceOptions []investigation.Option

// cacheDir is where derived data (persisted match indexes) lives: next to a
// SQLite file, or in the user's cache directory for a PostgreSQL hub.
func cacheDir(dsn string) string {
	if !investigation.IsPostgres(dsn) {
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
	if errors.Is(err, investigation.ErrNotFound) || errors.Is(err, investigation.ErrExists) || errors.Is(err, investigation.ErrInvalid) || errors.Is(err, access.ErrForbidden) {
		if hint != "" {
			return withHint(usageError{err}, hint)
		}
		return usageError{err}
	}
	return err
}

// openCase opens the store and finds the named case. The caller must call
// the returned close function.
func (g *globals) openCase(ctx context.Context, name string) (*investigation.Service, investigation.Case, func(), error) {
	s, done, err := g.openService(ctx)
	if err != nil {
		return nil, investigation.Case{}, nil, err
	}
	c, err := s.Case(ctx, name)
	if err != nil {
		done()
		return nil, c, nil, classify(err, "'vibora case list' shows the existing cases")
	}
	return s, c, done, nil
}
