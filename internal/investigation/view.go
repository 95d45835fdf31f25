package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// The wire contract: the values the use cases take and return, printed by
// the command line's --json (docs/cli-json.md) and, next, by the REST API.
// The stored models below are part of it under these names; their JSON
// field names are fixed by that document.
type (
	Case         = store.Case
	Exhibit      = store.Exhibit
	CustodyEvent = store.CustodyEvent
	Bank         = store.Bank
	Conversation = store.ConversationStats
	File         = store.File
	FileMatch    = store.FileMatch
)

// Errors the callers of the service tell apart. They are the store's
// sentinels, so errors.Is holds whichever layer wrapped them.
var (
	// ErrNotFound: the object does not exist, or the principal may not see it.
	ErrNotFound = store.ErrNotFound
	// ErrExists: an object of that name exists already.
	ErrExists = store.ErrExists
	// ErrNotStore: the file named as a store is not a Vibora store; it was
	// neither opened nor changed.
	ErrNotStore = store.ErrNotStore
)

// Open opens (and migrates) the store named by dsn, a SQLite file path or a
// postgres:// DSN, and returns a service on it; see New for localActor.
// Close releases the store.
func Open(ctx context.Context, dsn, localActor string, opts ...Option) (*Service, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s := New(db, localActor, opts...)
	s.closeDB = true
	return s, nil
}

// Close closes the store when the service opened it (Open).
func (s *Service) Close() error {
	if s.closeDB {
		return s.db.Close()
	}
	return nil
}

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool { return store.IsPostgres(dsn) }

// RedactDSN hides a password in a DSN so it can be shown.
func RedactDSN(dsn string) string { return store.Redact(dsn) }

// Cases lists the cases the principal may read, by name: those of its
// agency its roles let it read, those shared with its agency and those it
// is a member of, selected in SQL.
func (s *Service) Cases(ctx context.Context) ([]Case, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Cases(ctx, caseVisibility(p))
	return orEmptySlice(list), err
}

// CaseDetail is a case with its exhibits and its chain of custody.
type CaseDetail struct {
	Case
	Exhibits []Exhibit      `json:"exhibits"`
	Custody  []CustodyEvent `json:"custody"`
}

// CaseDetail returns a case, its exhibits and its chain of custody.
func (s *Service) CaseDetail(ctx context.Context, name string) (CaseDetail, error) {
	c, err := s.caseFor(ctx, name, access.Read)
	if err != nil {
		return CaseDetail{}, err
	}
	d := CaseDetail{Case: c}
	if d.Exhibits, err = s.db.Exhibits(ctx, c.ID); err != nil {
		return d, fmt.Errorf("exhibits of case %q: %w", name, err)
	}
	if d.Custody, err = s.db.CustodyEvents(ctx, c.ID, 0); err != nil {
		return d, fmt.Errorf("custody of case %q: %w", name, err)
	}
	d.Exhibits, d.Custody = orEmptySlice(d.Exhibits), orEmptySlice(d.Custody)
	return d, nil
}

// Exhibits lists a case's exhibits by label.
func (s *Service) Exhibits(ctx context.Context, caseName string) ([]Exhibit, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Exhibits(ctx, c.ID)
	return orEmptySlice(list), err
}

// ExhibitDetail is an exhibit with its chain of custody.
type ExhibitDetail struct {
	Exhibit
	Custody []CustodyEvent `json:"custody"`
}

// ExhibitDetail returns an exhibit of a case and its chain of custody.
func (s *Service) ExhibitDetail(ctx context.Context, caseName, label string) (ExhibitDetail, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return ExhibitDetail{}, err
	}
	e, err := s.db.ExhibitByLabel(ctx, c.ID, label)
	if err != nil {
		return ExhibitDetail{}, err
	}
	events, err := s.db.CustodyEvents(ctx, c.ID, e.ID)
	if err != nil {
		return ExhibitDetail{}, fmt.Errorf("custody of exhibit %q: %w", label, err)
	}
	return ExhibitDetail{Exhibit: e, Custody: orEmptySlice(events)}, nil
}

// Conversations lists a case's conversations with their statistics.
func (s *Service) Conversations(ctx context.Context, caseName string) ([]Conversation, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	convs, err := s.db.Conversations(ctx, c.ID)
	return orEmptySlice(convs), err
}

// Banks lists the hash banks.
func (s *Service) Banks(ctx context.Context) ([]Bank, error) {
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return nil, err
	}
	banks, err := s.db.Banks(ctx)
	return orEmptySlice(banks), err
}

// orEmptySlice turns nil into an empty slice, so JSON shows [] not null.
func orEmptySlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
