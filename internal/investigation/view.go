package investigation

import (
	"context"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// The wire contract: the values the use cases return, printed by the
// command line's --json (docs/cli-json.md) and returned by the REST API.
// The stored models carry no JSON names; the views below own them, and the
// service converts at its boundary (the view functions). A view of a store
// type with the same fields is a plain conversion, so a field added to the
// store does not reach the wire until it is added here.

// Case is a case.
type Case struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Agency    string `json:"agency,omitempty"`
	Country   string `json:"country,omitempty"`
	Operation string `json:"operation,omitempty"`
	LegalRef  string `json:"legal_reference,omitempty"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func caseView(c store.Case) Case { return Case(c) }

// Exhibit is a seized item of a case.
type Exhibit struct {
	ID             int64  `json:"id"`
	CaseID         int64  `json:"case_id"`
	Label          string `json:"label"`
	Type           string `json:"type,omitempty"`
	Description    string `json:"description,omitempty"`
	Make           string `json:"make,omitempty"`
	Model          string `json:"model,omitempty"`
	Serial         string `json:"serial,omitempty"`
	IMEI           string `json:"imei,omitempty"`
	SeizedAt       string `json:"seized_at,omitempty"`
	SeizedWhere    string `json:"seized_where,omitempty"`
	SeizedBy       string `json:"seized_by,omitempty"`
	LegalAuthority string `json:"legal_authority,omitempty"`
	CreatedAt      string `json:"created_at"`
	CreatedBy      string `json:"created_by"`
	// Owner is the person of the case the exhibit (a seized device) is
	// attributed to, by the person ID of the suspect ranking (P12).
	Owner string `json:"owner,omitempty"`
}

func exhibitView(e store.Exhibit) Exhibit { return Exhibit(e) }

// CustodyEvent is one entry of the chain of custody.
type CustodyEvent struct {
	ID        int64  `json:"id"`
	CaseID    int64  `json:"case_id"`
	ExhibitID int64  `json:"exhibit_id,omitempty"`
	Event     string `json:"event"` // acquired, ingested, verified, exported
	Actor     string `json:"actor"`
	At        string `json:"at"`
	Reason    string `json:"reason,omitempty"`
	Digests   string `json:"digests,omitempty"` // e.g. "manifest-sha256=..."
}

func custodyView(e store.CustodyEvent) CustodyEvent { return CustodyEvent(e) }

// Bank is a live hash bank.
type Bank struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"` // known, ignorable, watch, custom
	Source        string `json:"source,omitempty"`
	FileName      string `json:"file_name,omitempty"`
	FileSHA256    string `json:"file_sha256,omitempty"`
	Format        string `json:"format"`
	FormatVersion string `json:"format_version,omitempty"`
	Version       int    `json:"version"`
	ImportedAt    string `json:"imported_at"`
	ImportedBy    string `json:"imported_by"`
	RecordCount   int64  `json:"records"`
	RejectedCount int64  `json:"rejected"`
	ContentDigest string `json:"content_digest,omitempty"` // changes on every import
}

func bankView(b store.Bank) Bank {
	return Bank{Name: b.Name, Kind: b.Kind, Source: b.Source, FileName: b.FileName, FileSHA256: b.FileSHA256, Format: b.Format,
		FormatVersion: b.FormatVersion, Version: b.Version, ImportedAt: b.ImportedAt, ImportedBy: b.ImportedBy,
		RecordCount: b.RecordCount, RejectedCount: b.RejectedCount, ContentDigest: b.ContentDigest}
}

// Conversation is an imported conversation with its statistics.
type Conversation struct {
	Platform            string `json:"platform"`
	ExtID               string `json:"id"` // the platform's id
	Name                string `json:"name"`
	Type                string `json:"type"`
	Source              string `json:"source,omitempty"`
	ImportedAt          string `json:"imported_at,omitempty"`
	Messages            int64  `json:"messages"`
	ServiceMessages     int64  `json:"service_messages"`
	Participants        int64  `json:"participants"`
	Attachments         int64  `json:"attachments"`
	AttachmentsPresent  int64  `json:"attachments_present"`
	AttachmentsRefsOnly int64  `json:"attachments_referenced"`
	First               string `json:"first_message,omitempty"`
	Last                string `json:"last_message,omitempty"`
}

func conversationView(c store.ConversationStats) Conversation {
	return Conversation{Platform: c.Platform, ExtID: c.ExtID, Name: c.Name, Type: c.Type, Source: c.SourcePath, ImportedAt: c.ImportedAt,
		Messages: c.Messages, ServiceMessages: c.ServiceMessages, Participants: c.Participants, Attachments: c.Attachments,
		AttachmentsPresent: c.AttachmentsPresent, AttachmentsRefsOnly: c.AttachmentsRefsOnly, First: c.First, Last: c.Last}
}

// FileMatch is a bank record a file matched.
type FileMatch struct {
	Bank         string `json:"bank"`
	BankKind     string `json:"bank_kind"`
	RecordID     int64  `json:"record"`
	Kind         string `json:"kind"`
	Hash         string `json:"hash"`
	Distance     int    `json:"distance"`
	Category     string `json:"category,omitempty"`
	NormCategory string `json:"normalized_category,omitempty"`
	Series       string `json:"series,omitempty"`
	// QueryMatchPercent and ComparedMatchPercent are a vPDQ match's q% and
	// c% (kind vpdq only; Hash is then the video's name in its list).
	QueryMatchPercent    *float64 `json:"query_match_percent,omitempty"`
	ComparedMatchPercent *float64 `json:"compared_match_percent,omitempty"`
}

func fileMatchView(m store.FileMatch) FileMatch {
	v := FileMatch{Bank: m.Bank, BankKind: m.BankKind, RecordID: m.RecordID, Kind: m.Kind, Hash: m.Hash, Distance: m.Distance,
		Category: m.Category, NormCategory: m.NormCategory, Series: m.Series}
	if m.Kind == "vpdq" {
		q, c := m.QueryPercent, m.ComparedPercent
		v.QueryMatchPercent, v.ComparedMatchPercent = &q, &c
	}
	return v
}

// Lead is a stealer-log machine that hit the watchlist.
type Lead struct {
	LogID        string `json:"log_id"`
	Family       string `json:"family"`
	Source       string `json:"source"`
	Country      string `json:"country,omitempty"`
	IP           string `json:"ip,omitempty"`
	HWID         string `json:"hwid,omitempty"`
	Machine      string `json:"machine,omitempty"`
	OSUser       string `json:"os_user,omitempty"`
	WatchedSites int    `json:"watched_sites"`
	ImportedAt   string `json:"imported_at"`
}

func leadView(l store.Lead) Lead {
	return Lead{LogID: l.LogID, Family: l.Family, Source: l.SourcePath, Country: l.Country, IP: l.IP, HWID: l.HWID,
		Machine: l.Machine, OSUser: l.OSUser, WatchedSites: l.WatchedSites, ImportedAt: l.ImportedAt}
}

// views converts a list of stored values; the result is never nil, so
// JSON shows [] not null.
func views[S, V any](list []S, view func(S) V) []V {
	out := make([]V, len(list))
	for i, x := range list {
		out[i] = view(x)
	}
	return out
}

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
	return views(list, caseView), err
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
	exhibits, err := s.db.Exhibits(ctx, c.ID)
	if err != nil {
		return CaseDetail{}, fmt.Errorf("exhibits of case %q: %w", name, err)
	}
	custody, err := s.db.CustodyEvents(ctx, c.ID, 0)
	if err != nil {
		return CaseDetail{}, fmt.Errorf("custody of case %q: %w", name, err)
	}
	return CaseDetail{Case: caseView(c), Exhibits: views(exhibits, exhibitView), Custody: views(custody, custodyView)}, nil
}

// Exhibits lists a case's exhibits by label.
func (s *Service) Exhibits(ctx context.Context, caseName string) ([]Exhibit, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Exhibits(ctx, c.ID)
	return views(list, exhibitView), err
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
	return ExhibitDetail{Exhibit: exhibitView(e), Custody: views(events, custodyView)}, nil
}

// Conversations lists a case's conversations with their statistics.
func (s *Service) Conversations(ctx context.Context, caseName string) ([]Conversation, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	convs, err := s.db.Conversations(ctx, c.ID)
	return views(convs, conversationView), err
}

// Banks lists the hash banks.
func (s *Service) Banks(ctx context.Context) ([]Bank, error) {
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return nil, err
	}
	banks, err := s.db.Banks(ctx)
	return views(banks, bankView), err
}

// orEmptySlice turns nil into an empty slice, so JSON shows [] not null.
func orEmptySlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
