// Package hashset is the hash-bank model: banks of hash records with their
// provenance, the record type every importer produces, hash normalisation,
// category normalisation across classification profiles, and the streaming
// Reader interface the format sub-packages implement.
//
// One sub-package per exchange format (vics, icse, plain, hma, nsrl) turns
// an io.Reader (or, for NSRL, a read-only SQLite file) into Records; the
// format sub-package detects the format of a file and opens the right
// reader. Sub-packages import this package, never the other way round.
//
// Importers are pure: bytes in, records out. They never write to their
// input. Every importer is bounded (line and record size caps) and reports
// a bad record as a *RejectError carrying its line, so one bad record never
// aborts an import. See docs/hashsets.md for the formats and mappings.
package hashset

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Kind says what a bank's hashes mean to a triage run.
type Kind string

// Bank kinds.
const (
	KindKnown     Kind = "known"     // known abuse material: a match is an alert
	KindIgnorable Kind = "ignorable" // known-good (NSRL): a match lets a file be skipped
	KindWatch     Kind = "watch"     // material of interest that is not known abuse material
	KindCustom    Kind = "custom"    // anything else the unit maintains itself
)

// ParseKind validates a bank kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindKnown, KindIgnorable, KindWatch, KindCustom:
		return k, nil
	}
	return "", fmt.Errorf("bank kind %q: want known, ignorable, watch or custom", s)
}

// Bank is a named hash list and where it came from. The store keeps it;
// importers fill the format fields through Meta.
type Bank struct {
	Name          string
	Kind          Kind
	Source        string    // who supplied the list (free text, e.g. "national VICS portal")
	FileName      string    // base name of the imported file
	FileSHA256    [32]byte  // SHA-256 of the imported file's bytes
	Format        string    // vics, icse, plain, hma, nsrl
	FormatVersion string    // e.g. "2.0", "1.3", "2024.12.1"
	ImportedAt    time.Time // UTC
	RecordCount   int64
}

// Meta describes the file a Reader is reading. Fields learnt from the
// file's content (FormatVersion, Document, Profile) are final once Next has
// returned its first record or io.EOF.
type Meta struct {
	Format        string // vics, icse, plain, hma, nsrl
	FormatVersion string // "1.1".."1.3", "2.0" for VICS; the VERSION row for NSRL
	Document      string // VICS: "media" (hash set) or "cases" (case export)
	Profile       string // category profile applied to the records (see Profile*)
	Context       string // VICS: the OData metadata/context URL as given
	SuggestedKind Kind   // what the format implies (nsrl: ignorable); "" when it says nothing
	// Hash64 says how 64-hex values the file does not label were read
	// (a 64-hex value is a SHA-256 or a PDQ hash); nil when there were none.
	Hash64 *Hash64Assumption
}

// CategoryCounter is implemented by readers that count the raw category
// values of their records (VICS), so an import can say which categories it
// saw. Categories returns value -> records ("" for none); at most
// MaxCategoryValues distinct values are kept, the rest count under "…".
type CategoryCounter interface {
	Categories() map[string]int64
}

// MaxCategoryValues bounds the distinct values a CategoryCounter keeps.
const MaxCategoryValues = 64

// Hash64Assumption records what a reader took unlabelled 64-hex values
// for, and why, so that the importer can say so and name the way to change
// it.
type Hash64Assumption struct {
	Kind   HashKind // HashSHA256 or HashPDQ
	Reason string   // one of the Hash64By* reasons
	Values int64    // how many values were read this way
	// NotPDQLike counts values read as PDQ that do not look like a PDQ
	// hash (a PDQ hash has 128 of its 256 bits set, give or take a few;
	// a SHA-256 usually does not): a sign that the file or option is wrong.
	NotPDQLike int64
}

// Reasons for a Hash64Assumption.
const (
	Hash64ByDefault   = "default"   // nothing said: SHA-256
	Hash64ByOption    = "option"    // Options.Hash64 (--hash-kind)
	Hash64ByDirective = "directive" // a "# hash-kind: pdq" comment in the file
	Hash64ByHeader    = "header"    // a header or column name implies it
	Hash64ByFileName  = "file name" // the file's name implies it, and the values look like PDQ
	// Hash64NotPDQLike: the file's name says PDQ but its values do not
	// look like PDQ hashes, so they were read as SHA-256.
	Hash64NotPDQLike = "file name says pdq, values do not"
)

// Options tune an importer. The zero value is valid.
type Options struct {
	// Profile overrides the category profile the format implies
	// (e.g. "vics-legacy" for an old DHS-numbered export).
	Profile string
	// Hash64 says what a 64-hex value in an unlabelled column is:
	// HashSHA256 (the default) or HashPDQ. A column header or a file-level
	// hint ("# hash-kind: pdq") takes precedence where the format has them.
	Hash64 HashKind
	// MaxRecordBytes caps one record (a JSON object, a CSV row, a line);
	// 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
}

// DefaultMaxRecordBytes is the per-record size cap when Options leaves it 0.
const DefaultMaxRecordBytes = 1 << 20

// RecordCap returns the effective per-record cap.
func (o Options) RecordCap() int {
	if o.MaxRecordBytes > 0 {
		return o.MaxRecordBytes
	}
	return DefaultMaxRecordBytes
}

// Reader streams the records of one hash list. Next returns io.EOF at the
// end, a *RejectError for a bad record (count it and call Next again), and
// any other error when the file cannot be read further (the import fails).
// The Record returned is owned by the caller; its Tags slice is not reused.
type Reader interface {
	Next() (Record, error)
	Meta() Meta
}

// RejectError reports one record the importer could not use.
type RejectError struct {
	Line   int64  `json:"line"`   // 1-based line of the record's first byte (row number for NSRL)
	Reason string `json:"reason"` // lowercase, e.g. "md5: want 32 hex characters, got 31"
	Raw    string `json:"raw"`    // the offending text, truncated to MaxRawLen bytes
}

// MaxRawLen bounds RejectError.Raw.
const MaxRawLen = 200

func (e *RejectError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Reject builds a *RejectError, truncating raw.
func Reject(line int64, raw string, format string, args ...any) *RejectError {
	return &RejectError{Line: line, Reason: fmt.Sprintf(format, args...), Raw: Truncate(raw, MaxRawLen)}
}

// Truncate cuts s to at most n bytes on a UTF-8 boundary, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

// IsReject reports whether err is a per-record rejection.
func IsReject(err error) bool {
	var re *RejectError
	return errors.As(err, &re)
}

// Stats counts what happened to the records of one import. The importer
// layer (not the readers) fills Imported and Duplicate.
type Stats struct {
	Read      int64 `json:"read"` // records returned by Next (valid or rejected)
	Imported  int64 `json:"imported"`
	Duplicate int64 `json:"duplicate"` // same hashes already seen in this file (see Deduper)
	Rejected  int64 `json:"rejected"`
}

// ReadAll drains r, collecting records and rejections, and stops at io.EOF
// (returning nil) or the first fatal error. Meant for tests and small
// lists: it holds every record in memory.
func ReadAll(r Reader) ([]Record, []*RejectError, error) {
	var recs []Record
	var rejs []*RejectError
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, rejs, nil
		}
		var re *RejectError
		if errors.As(err, &re) {
			rejs = append(rejs, re)
			continue
		}
		if err != nil {
			return recs, rejs, err
		}
		recs = append(recs, rec)
	}
}
