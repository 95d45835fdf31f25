// Package investigation holds Vibora's use cases: creating cases and
// exhibits, importing hash banks, ingesting evidence, importing chats and
// stealer logs, and verifying the audit trail. It is the only package that
// combines the store, the audit trail and the match indexes, and every
// mutation it makes is one transaction that writes the change together with
// its audit record.
package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// Service performs use cases on a store on behalf of one actor.
type Service struct {
	db    *store.DB
	actor string
	now   func() time.Time
	log   *slog.Logger
	// CacheDir holds derived, rebuildable data such as persisted match
	// indexes. Empty disables the cache.
	CacheDir string
	// GeoIP, optional, geolocates IP addresses for country attribution.
	GeoIP *maxminddb.Reader
}

// Option configures a Service.
type Option func(*Service)

// WithClock injects the clock (tests and reproducible demos).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger injects the operational logger.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithCacheDir sets where derived data (match indexes) is kept.
func WithCacheDir(dir string) Option { return func(s *Service) { s.CacheDir = dir } }

// New returns a Service acting as actor.
func New(db *store.DB, actor string, opts ...Option) *Service {
	s := &Service{db: db, actor: actor, now: time.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(s)
	}
	return s
}

// DB returns the store, for read-only queries.
func (s *Service) DB() *store.DB { return s.db }

// Actor is who the service acts as.
func (s *Service) Actor() string { return s.actor }

func (s *Service) timestamp() string { return audit.FormatTime(s.now()) }

// change describes one audited mutation.
type change struct {
	action string // e.g. "case.create"
	object string // e.g. "case:op-tidewater"
	before any    // state before (nil when created)
	after  any    // state after (nil when removed)
	detail any    // extra facts worth keeping (counts, reasons)
}

// mutate runs fn in a transaction and appends the audit record of ch in the
// same transaction. ch may be changed by fn (to fill in after-state).
func (s *Service) mutate(ctx context.Context, ch *change, fn func(tx *store.Tx) error) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, ch)
	})
}

func (s *Service) appendAudit(ctx context.Context, tx *store.Tx, ch *change) error {
	rec := audit.Record{
		At:           s.timestamp(),
		Actor:        s.actor,
		Action:       ch.action,
		Object:       ch.object,
		BeforeDigest: digest(ch.before),
		AfterDigest:  digest(ch.after),
	}
	if ch.detail != nil {
		b, err := json.Marshal(ch.detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		rec.Detail = string(b)
	}
	return tx.AppendAudit(ctx, &rec)
}

// digest is the SHA-256 of v's JSON form ("" for nil): the audit trail
// records what an object looked like without copying it.
func digest(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
