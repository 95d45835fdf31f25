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
	"sync"
	"sync/atomic"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/matchshard"
	"github.com/vibora-project/vibora/internal/store"
)

// Service performs use cases on a store. Each call acts as the principal
// its context carries (access.NewContext); the service holds no per-call
// state and is safe for concurrent use once constructed.
type Service struct {
	db      *store.DB
	closeDB bool              // Close closes db (Open made it)
	local   *access.Principal // acts for calls whose context carries no principal
	now     func() time.Time
	log     *slog.Logger
	// cacheDir holds derived, rebuildable data such as persisted match
	// indexes. Empty disables the cache.
	cacheDir string
	// geoIP, optional, geolocates IP addresses for country attribution.
	geoIP *maxminddb.Reader
	// exchanges, optional, names addresses of exchanges (their country).
	exchanges identifier.ExchangeBook
	// pwParams are the argon2id parameters of new password hashes.
	pwParams secret.Params
	// dummyHash is checked when a login names no account, so that an
	// unknown name costs as long as a wrong password.
	dummyHash struct {
		sync.Once
		phc string
	}
	// index is the newest match index, reused by calls whose banks have
	// not changed since.
	index struct {
		sync.Mutex
		idx *matchIndex
	}
	// shards, when set, matches PDQ hashes through the matcher processes
	// of the registry (WithMatchers).
	shards *matchshard.Client
	// live is the index MatchHashes uses (match_hashes.go).
	live atomic.Pointer[liveIndex]
	// residentIndex: a PDQ index loaded from the cache is copied into
	// memory of its own in the background (WithResidentIndex).
	residentIndex bool
	// oprfLimit is the OPRF evaluations a principal may have in 24 hours
	// (0: DefaultOPRFLimit).
	oprfLimit int64
}

// Option configures a Service.
type Option func(*Service)

// WithClock injects the clock (tests and reproducible demos).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger injects the operational logger.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithCacheDir sets where derived data (match indexes) is kept.
func WithCacheDir(dir string) Option { return func(s *Service) { s.cacheDir = dir } }

// WithResidentIndex makes a long-lived service (a server) copy a PDQ
// index it loaded from the cache (mapped in the page cache's small pages)
// into memory advised to huge pages, in the background, and swap the copy
// in: the service is ready as soon as the mapping is, and its PDQ
// searches then cost what a freshly built index's do
// (matchindex.(*PDQ).Resident). Commands that run once do not need it.
func WithResidentIndex() Option { return func(s *Service) { s.residentIndex = true } }

// WithGeoIP sets the MaxMind database that geolocates IP addresses for
// country attribution. The caller keeps it open while the service is used.
func WithGeoIP(r *maxminddb.Reader) Option { return func(s *Service) { s.geoIP = r } }

// WithExchanges sets the operator's list of addresses known to belong to
// exchanges (identifier.ReadExchangeBook): a person's or platform user's
// address in it points to the exchange's country.
func WithExchanges(b identifier.ExchangeBook) Option { return func(s *Service) { s.exchanges = b } }

// attributor places identifiers with the service's GeoIP database and
// exchange list.
func (s *Service) attributor() identifier.Attributor {
	return identifier.Attributor{GeoIP: s.geoIP, Exchanges: s.exchanges}
}

// New returns a Service on db. A non-empty localActor makes calls whose
// context carries no principal act as the owner of a local store shown as
// localActor (access.LocalPrincipal): the command line and tests. A server
// passes "", so that a request without a principal is refused.
func New(db *store.DB, localActor string, opts ...Option) *Service {
	s := &Service{db: db, now: time.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil)), pwParams: secret.DefaultParams}
	if localActor != "" {
		p := access.LocalPrincipal(localActor, localActor)
		s.local = &p
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// principal is who the call acts as.
func (s *Service) principal(ctx context.Context) (access.Principal, error) {
	if p, ok := access.FromContext(ctx); ok {
		return p, nil
	}
	if s.local != nil {
		return *s.local, nil
	}
	return access.Principal{}, access.ErrNoPrincipal
}

// actor is the displayed name of who the call acts as, for created-by and
// custody records. Use cases check access first, so a principal exists.
func (s *Service) actor(ctx context.Context) string {
	p, _ := s.principal(ctx)
	return p.Name
}

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
	return s.mutateIn(ctx, ch, s.db.InTx, fn)
}

// mutateIn is mutate with the transaction begun by inTx.
func (s *Service) mutateIn(ctx context.Context, ch *change, inTx func(context.Context, func(tx *store.Tx) error) error, fn func(tx *store.Tx) error) error {
	err := inTx(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, ch); err != nil {
			return err
		}
		// Identifiers and files the change added are checked against
		// the other agencies' cases in the same transaction.
		return s.deconflictAdded(ctx, tx)
	})
	if ch.action == "bank.import" || ch.action == "bank.remove" {
		s.banksChanged()
	}
	return err
}

func (s *Service) appendAudit(ctx context.Context, tx *store.Tx, ch *change) error {
	p, err := s.principal(ctx)
	if err != nil {
		return err
	}
	rec := audit.Record{
		Version:      audit.Current,
		At:           s.timestamp(),
		Actor:        p.Name,
		ActorID:      p.ID,
		Agency:       p.Agency,
		Roles:        p.RoleList(),
		AuthMethod:   string(p.Method),
		RequestID:    p.RequestID,
		RemoteAddr:   p.RemoteAddr,
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
