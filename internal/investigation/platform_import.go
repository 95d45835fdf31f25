package investigation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/store"
)

// subjectPlatformUser is the subject type of a platform user in identifier
// links and payment parties.
const subjectPlatformUser = "platform_user"

// PlatformImportOptions say what to import: the platform's name in the
// case, the mapping file and the dump files.
type PlatformImportOptions struct {
	Name    string
	Mapping string
	Dumps   []string
	Limits  dump.Limits
	// Exclusive asks for the store to be the import's alone (a SQLite
	// store no other connection has open, store.DB.InExclusiveTx): it
	// writes each page once, and others wait for it meanwhile.
	Exclusive bool
}

// PlatformImportError is a row or value that was not imported.
type PlatformImportError struct {
	File    string `json:"file"`
	Table   string `json:"table"`
	Line    int64  `json:"line"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
	Skipped bool   `json:"row_skipped"` // false: the row was imported without this value
}

// PlatformImportReport says what an import read and stored.
type PlatformImportReport struct {
	Case          string                `json:"case"`
	Platform      string                `json:"platform"`
	MappingSHA256 string                `json:"mapping_sha256"`
	Files         []string              `json:"files"`
	Rows          int64                 `json:"rows"`            // rows read from mapped tables
	Records       map[string]int64      `json:"records"`         // rows imported, by entity
	Unmapped      map[string]int64      `json:"unmapped_tables"` // rows of tables the mapping leaves out
	Users         int64                 `json:"users"`           // platform users now stored
	KnownFiles    int64                 `json:"known_file_rows"` // upload/download/view rows whose hash a bank knows
	UnknownFiles  int64                 `json:"unknown_file_rows"`
	Payments      *PaymentsRecorded     `json:"payments,omitempty"`
	SkippedRows   int64                 `json:"skipped_rows"` // rows not imported (each is an error)
	ValueErrors   int64                 `json:"value_errors"` // values left out of imported rows
	Errors        []PlatformImportError `json:"errors"`       // the first MaxReportedErrors of them
	Exclusive     bool                  `json:"exclusive"`    // the store was the import's alone (Exclusive asked and granted)
}

// MaxReportedErrors bounds the errors an import report lists; all of them
// are stored.
const MaxReportedErrors = 200

// Incomplete reports whether anything was not imported.
func (r PlatformImportReport) Incomplete() bool { return r.SkippedRows > 0 || r.ValueErrors > 0 }

// ImportPlatform imports a seized platform's database dumps into a case
// through a mapping file (docs/platform.md): users, their identifiers
// (e-mail, phone, platform username, IPs with first and last time seen,
// wallets), uploads, downloads and views (their hashes matched against
// the banks), messages, deposit addresses and payments (recorded as
// payment events). The dumps are streamed, never loaded whole; a row that
// cannot be read or mapped is recorded as an error and the rest is
// imported. Rerunning the same import stores nothing twice. The whole
// import is one transaction with its audit record (platform.import).
func (s *Service) ImportPlatform(ctx context.Context, caseName string, opt PlatformImportOptions) (PlatformImportReport, error) {
	rep := PlatformImportReport{Case: caseName, Files: []string{}, Records: map[string]int64{}, Unmapped: map[string]int64{}, Errors: []PlatformImportError{}}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	mf, err := source.OpenInput(opt.Mapping)
	if err != nil {
		return rep, fmt.Errorf("mapping: %v: %w", err, ErrInvalid)
	}
	h := sha256.New()
	m, err := platform.ParseMapping(io.TeeReader(mf, h))
	mf.Close()
	if err != nil {
		return rep, fmt.Errorf("mapping %s: %v: %w", opt.Mapping, err, ErrInvalid)
	}
	name := cmp.Or(strings.TrimSpace(opt.Name), m.Platform)
	if err := checkText("platform name", name, 64); err != nil || name == "" {
		return rep, cmp.Or(err, fmt.Errorf("platform name: empty: %w", ErrInvalid))
	}
	rep.Platform, rep.MappingSHA256 = name, hex.EncodeToString(h.Sum(nil))
	if len(opt.Dumps) == 0 {
		return rep, fmt.Errorf("no dump files: %w", ErrInvalid)
	}
	for _, p := range opt.Dumps {
		if _, err := source.CheckInput(p, false); err != nil {
			return rep, fmt.Errorf("dump: %v: %w", err, ErrInvalid)
		}
	}
	matcher, err := s.Matcher(ctx, MatchOptions{})
	if err != nil {
		return rep, err
	}
	ch := &change{action: "platform.import", object: "case:" + c.Name}
	inTx := s.db.InTx
	if opt.Exclusive {
		inTx = func(ctx context.Context, fn func(tx *store.Tx) error) (err error) {
			rep.Exclusive, err = s.db.InExclusiveTx(ctx, fn)
			return err
		}
	}
	err = s.mutateIn(ctx, ch, inTx, func(tx *store.Tx) error {
		im := &platformImport{s: s, tx: tx, c: c, m: m, rep: &rep, matcher: matcher,
			p: store.Platform{CaseID: c.ID, Name: name, MappingSHA256: rep.MappingSHA256, CreatedAt: s.timestamp()}}
		if err := tx.UpsertPlatform(ctx, &im.p); err != nil {
			return err
		}
		if im.bulk, err = tx.PlatformBulk(ctx, im.p.ID); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, path := range opt.Dumps {
			if err := im.file(ctx, path, opt.Limits, seen); err != nil {
				return err
			}
		}
		for _, t := range m.Missing(seen) {
			if err := im.fail(ctx, PlatformImportError{File: strings.Join(rep.Files, ", "), Table: t, Message: "the mapping names this table; no dump holds it", Skipped: true}); err != nil {
				return err
			}
			rep.SkippedRows-- // not a row
		}
		if err := im.flushPayments(ctx); err != nil {
			return err
		}
		if err := im.bulk.Pack(ctx); err != nil {
			return err
		}
		if err := im.bulk.Close(ctx); err != nil { // after the packs: it rebuilds the indexes a large import dropped
			return err
		}
		var err error
		rep.Users, err = tx.PlatformUserCount(ctx, im.p.ID)
		ch.detail = map[string]any{"platform": name, "mapping_sha256": rep.MappingSHA256, "files": rep.Files, "rows": rep.Rows,
			"records": rep.Records, "skipped_rows": rep.SkippedRows, "value_errors": rep.ValueErrors}
		return err
	})
	if err != nil {
		return rep, err
	}
	return rep, nil
}

// platformImport is one import's state inside its transaction.
type platformImport struct {
	s        *Service
	tx       *store.Tx
	c        store.Case
	m        *platform.Mapping
	p        store.Platform
	rep      *PlatformImportReport
	matcher  *Matcher
	bulk     *store.PlatformBulk // users, identifiers, activity and logins, in batches
	sources  map[[2]string]*dumpSource
	src      *dumpSource // the last source looked up, of srcFile and srcTable
	srcFile  string
	srcTable string
	entity   string // the entity of the last record counted (countRecords)
	records  int64  // its records not yet in the report
	payments []PaymentEvent
	file0    string
	rec      platform.Record // the row being imported (platform.Mapping.Read)
	problems []error         // its values that could not be read
}

func (im *platformImport) fail(ctx context.Context, e PlatformImportError) error {
	if e.Skipped {
		im.rep.SkippedRows++
	} else {
		im.rep.ValueErrors++
	}
	if len(im.rep.Errors) < MaxReportedErrors {
		im.rep.Errors = append(im.rep.Errors, e)
	}
	return im.tx.AddPlatformError(ctx, store.PlatformError{PlatformID: im.p.ID, File: e.File, Table: e.Table, Line: e.Line,
		Column: e.Column, Message: clipText(e.Message), Skipped: e.Skipped})
}

// file imports one dump file.
func (im *platformImport) file(ctx context.Context, path string, lim dump.Limits, seen map[string]bool) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	im.rep.Files = append(im.rep.Files, abs)
	im.file0 = abs
	f, err := source.OpenInput(abs)
	if err != nil {
		return fmt.Errorf("dump: %v: %w", err, ErrInvalid)
	}
	defer f.Close()
	r, err := dump.Open(abs, f, "", lim)
	if err != nil {
		return im.fail(ctx, PlatformImportError{File: abs, Message: err.Error(), Skipped: true})
	}
	// A dump lists a table's rows together: what the import knows of a
	// table is looked up once per run of its rows, not once per row.
	tables := map[string]*fileTable{}
	var t *fileTable
	defer im.countRecords("")
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var de *dump.Error
			if !errors.As(err, &de) {
				return err
			}
			if im.m.Tables[de.Table] == nil && de.Table != "" && !errors.Is(err, dump.ErrTruncated) {
				im.rep.Unmapped[de.Table]++ // a bad row of a table nobody asked for
				continue
			}
			if err := im.fail(ctx, PlatformImportError{File: abs, Table: de.Table, Line: de.Line, Column: de.Column, Message: de.Err.Error(), Skipped: true}); err != nil {
				return err
			}
			continue
		}
		if t == nil || t.name != row.Table {
			if t = tables[row.Table]; t == nil {
				// Its columns are checked against the mapping once, with
				// its first row's.
				t = &fileTable{name: row.Table, mapped: im.m.Tables[row.Table] != nil}
				tables[row.Table] = t
				if t.mapped {
					seen[row.Table] = true
					if t.cerr = im.m.CheckColumns(row.Table, row.Columns); t.cerr != nil {
						if err := im.fail(ctx, PlatformImportError{File: abs, Table: row.Table, Line: row.Line, Message: t.cerr.Error() + " (every row of the table is skipped)", Skipped: true}); err != nil {
							return err
						}
						im.rep.SkippedRows-- // counted per row below
					}
				}
			}
		}
		if !t.mapped {
			im.rep.Unmapped[row.Table]++
			continue
		}
		im.rep.Rows++
		if t.cerr != nil {
			im.rep.SkippedRows++
			continue
		}
		if err := im.row(ctx, abs, &row); err != nil {
			return err
		}
	}
}

// row imports one mapped row.
func (im *platformImport) row(ctx context.Context, file string, row *dump.Row) error {
	rec := &im.rec
	problems, err := im.m.Read(row, rec, im.problems[:0])
	im.problems = problems[:0]
	if errors.Is(err, platform.ErrFiltered) {
		return nil
	}
	for _, p := range problems {
		e := PlatformImportError{File: file, Table: row.Table, Line: row.Line, Message: p.Error()}
		var ce *platform.ColumnError
		if errors.As(p, &ce) {
			e.Column, e.Message = ce.Column, ce.Err.Error()
		}
		if err := im.fail(ctx, e); err != nil {
			return err
		}
	}
	if err != nil {
		e := PlatformImportError{File: file, Table: row.Table, Line: row.Line, Message: err.Error(), Skipped: true}
		var ce *platform.ColumnError
		if errors.As(err, &ce) {
			e.Column, e.Message = ce.Column, ce.Err.Error()
		}
		return im.fail(ctx, e)
	}
	im.countRecords(rec.Entity)
	// The row's time as text, for a user's creation and its identifiers'
	// first and last times; logins and activity take the time itself.
	at, atDone := "", false
	atText := func() string {
		if !atDone && !rec.Time.IsZero() {
			at = utcText(rec.Time)
		}
		atDone = true
		return at
	}
	if rec.User != "" {
		if rec.Entity == platform.EntityUser {
			u := store.PlatformUser{ExtID: rec.User, Username: rec.Username, DisplayName: rec.DisplayName, Role: rec.Role, Country: rec.Country, Created: atText()}
			if err := im.bulk.User(ctx, u); err != nil {
				return err
			}
		}
		add := func(kind identifier.Kind, v string) error {
			if v == "" {
				return nil
			}
			return im.bulk.Identifier(ctx, rec.User, identifier.Key(kind, v), rec.Time)
		}
		username := ""
		if rec.Entity == platform.EntityUser && rec.Username != "" {
			username = im.m.Platform + ":" + strings.ToLower(rec.Username)
		}
		// A login's IP is packed with the logins at the end
		// (store.PlatformBulk.Pack), not stored as an identifier.
		ipKind, ip := identifier.KindIPv4, ""
		if rec.IP.IsValid() && rec.Entity != platform.EntityLogin {
			ip = rec.IP.String()
			if rec.IP.Is6() {
				ipKind = identifier.KindIPv6
			}
		}
		for _, err := range []error{add(identifier.KindEmail, rec.Email), add(identifier.KindPhone, rec.Phone), add(identifier.KindUsername, username), add(ipKind, ip)} {
			if err != nil {
				return err
			}
		}
		if rec.Address != "" && (rec.Entity == platform.EntityUser || rec.Entity == platform.EntityDeposit) {
			if err := im.bulk.Identifier(ctx, rec.User, rec.Address, rec.Time); err != nil {
				return err
			}
		}
	}
	if rec.Entity == platform.EntityLogin {
		return im.login(ctx, file, row, rec)
	}
	if rec.Entity == platform.EntityUser {
		return nil
	}
	ref := row.Table + " " + rec.Ref
	if rec.Ref == "" {
		// One string, not three: views and messages are rows of millions
		// and seldom have an id mapped.
		var buf [96]byte
		b := append(append(buf[:0], row.Table...), " line "...)
		b = append(strconv.AppendInt(b, row.Line, 10), " offset "...)
		ref = string(strconv.AppendInt(b, row.Offset, 10))
	}
	src, err := im.source(ctx, file, row.Table)
	if err != nil {
		return err
	}
	if rec.Entity == platform.EntityPayment {
		return im.payment(ctx, rec, ref, file, src.id, row)
	}
	a := store.PlatformActivity{Ref: ref, Kind: rec.Entity, Time: rec.Time, SHA256: rec.SHA256, SHA1: rec.SHA1, MD5: rec.MD5,
		Name: rec.Name, Size: rec.Size, UploadRef: rec.Upload, Address: rec.Address, SourceID: src.id, Offset: row.Offset, Line: row.Line}
	if rec.SHA256 != "" || rec.SHA1 != "" || rec.MD5 != "" {
		if a.Status, a.Matched, err = im.match(ctx, rec); err != nil {
			return err
		}
		if a.Status == "matched" {
			im.rep.KnownFiles++
		} else {
			im.rep.UnknownFiles++
		}
	}
	return im.bulk.Activity(ctx, rec.User, rec.Other, a)
}

// fileTable is what an import knows of a table of the file it reads:
// whether the mapping names it, and why its rows are skipped (its
// columns do not fit the mapping; nil: they are read).
type fileTable struct {
	name   string
	mapped bool
	cerr   error
}

// countRecords counts a record of entity in the report, "" none: the
// records of the last entity counted are added to the report when the
// entity changes, and when a file ends (with "").
func (im *platformImport) countRecords(entity string) {
	if entity == im.entity && entity != "" {
		im.records++
		return
	}
	if im.records > 0 {
		im.rep.Records[im.entity] += im.records
	}
	im.entity, im.records = entity, 0
	if entity != "" {
		im.records = 1
	}
}

// dumpSource is a file and table rows come from, and the offset of the
// last login an earlier import stored from it (-1: none).
type dumpSource struct{ id, stored int64 }

// login stores a login row with its source row, unless an earlier
// import of the same file stored it.
func (im *platformImport) login(ctx context.Context, file string, row *dump.Row, rec *platform.Record) error {
	src, err := im.source(ctx, file, row.Table)
	if err != nil {
		return err
	}
	if row.Offset <= src.stored {
		return nil
	}
	return im.bulk.Login(ctx, rec.User, store.PlatformLogin{SourceID: src.id, Offset: row.Offset, Line: row.Line, Addr: rec.IP, Time: rec.Time, Agent: rec.UserAgent})
}

// source is the platform's source of rows of table in file.
func (im *platformImport) source(ctx context.Context, file, table string) (*dumpSource, error) {
	if src := im.src; src != nil && im.srcTable == table && im.srcFile == file {
		return src, nil // the last row's: rows of a table come together
	}
	key := [2]string{file, table}
	if src := im.sources[key]; src != nil {
		im.src, im.srcFile, im.srcTable = src, file, table
		return src, nil
	}
	id, stored, err := im.tx.PlatformSourceOf(ctx, im.p.ID, file, table)
	if err != nil {
		return nil, err
	}
	if im.sources == nil {
		im.sources = map[[2]string]*dumpSource{}
	}
	src := &dumpSource{id, stored}
	im.sources[key] = src
	im.src, im.srcFile, im.srcTable = src, file, table
	return src, nil
}

// match looks a row's hashes up in the banks: "matched" (with the banks,
// categories and series), "ignorable" or "unknown".
func (im *platformImport) match(ctx context.Context, rec *platform.Record) (status, matched string, err error) {
	var found []Match
	var buf [32]byte
	for _, h := range []struct{ kind, hex string }{{"sha256", rec.SHA256}, {"sha1", rec.SHA1}, {"md5", rec.MD5}} {
		if h.hex == "" {
			continue
		}
		d, ok := decodeHex(buf[:], h.hex)
		if !ok {
			continue
		}
		ms, err := im.matcher.MatchDigest(ctx, h.kind, d)
		if err != nil {
			return "", "", err
		}
		found = append(found, ms...)
	}
	status = "unknown"
	var parts []string
	for _, m := range found {
		if m.BankKind == "ignorable" {
			if status == "unknown" {
				status = "ignorable"
			}
			continue
		}
		status = "matched"
		parts = append(parts, fmt.Sprintf("%s: %s / %s", m.Bank, cmp.Or(m.NormCategory, m.Category, "(no category)"), cmp.Or(m.Series, "(no series)")))
	}
	slices.Sort(parts)
	return status, strings.Join(slices.Compact(parts), "; "), nil
}

// payment keeps a mapped payment row as a payment event of the case
// (source platform, with the table and row behind it) and as activity.
func (im *platformImport) payment(ctx context.Context, rec *platform.Record, ref, file string, source int64, row *dump.Row) error {
	var uid int64
	if rec.User != "" {
		var err error
		if uid, err = im.bulk.UserID(ctx, rec.User); err != nil {
			return err
		}
		a := store.PlatformActivity{Ref: ref, Kind: rec.Entity, Time: rec.Time, Address: rec.Address, Amount: rec.Amount, TxID: rec.TxID,
			SourceID: source, Offset: row.Offset, Line: row.Line}
		if err := im.bulk.Activity(ctx, rec.User, rec.Other, a); err != nil {
			return err
		}
	}
	name := ""
	if uid != 0 {
		name = im.p.Name + " user " + rec.User
	}
	// The payee: the platform user paid when the mapping names one (a
	// payment between users), with the address paid to if any; else the
	// address, a deposit address of the platform.
	payee := PaymentParty{Key: rec.Address, Name: im.p.Name + " deposit address", canonical: true}
	if rec.Other != "" {
		pid, err := im.bulk.UserID(ctx, rec.Other)
		if err != nil {
			return err
		}
		payee = PaymentParty{Key: rec.Address, SubjectType: subjectPlatformUser, SubjectID: pid, Name: im.p.Name + " user " + rec.Other, canonical: true}
	}
	e := PaymentEvent{Source: PaymentFromPlatform, SourceRef: im.p.Name + ": " + ref,
		Payer:  PaymentParty{SubjectType: subjectPlatformUser, SubjectID: uid, Name: name},
		Payee:  payee,
		Amount: rec.Amount, Currency: cmp.Or(strings.ToUpper(rec.Currency), rec.Chain), At: rec.Time, TxID: rec.TxID,
		Method:   strings.ToLower(cmp.Or(rec.Chain, strings.SplitN(rec.Address, ":", 2)[0])),
		Evidence: fmt.Sprintf("row of table %s (%s) in %s", rec.Table, ref, filepath.Base(file))}
	if uid == 0 {
		e.Payer = PaymentParty{}
	}
	im.payments = append(im.payments, e)
	if len(im.payments) >= 1000 {
		return im.flushPayments(ctx)
	}
	return nil
}

func (im *platformImport) flushPayments(ctx context.Context) error {
	if len(im.payments) == 0 {
		return nil
	}
	res, err := im.s.recordPayments(ctx, im.tx, im.c, im.payments)
	im.payments = im.payments[:0]
	if err != nil {
		return err
	}
	if im.rep.Payments == nil {
		im.rep.Payments = &PaymentsRecorded{Case: res.Case, Rejected: []PaymentRejection{}}
	}
	p := im.rep.Payments
	p.Events += res.Events
	p.New += res.New
	p.Existing += res.Existing
	for _, r := range res.Rejected {
		if err := im.fail(ctx, PlatformImportError{File: im.file0, Message: "payment " + r.SourceRef + ": " + r.Reason}); err != nil {
			return err
		}
		if len(p.Rejected) < MaxReportedErrors {
			p.Rejected = append(p.Rejected, r)
		}
	}
	return nil
}

// utcText is t in UTC as RFC 3339 (what t.UTC().Format(time.RFC3339)
// gives), written without the general formatter for years 0 to 9999: the
// import formats the time of every user row and of every row with
// identifiers.
func utcText(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	if y < 0 || y > 9999 {
		return t.Format(time.RFC3339)
	}
	var b [20]byte
	two := func(i, v int) { b[i], b[i+1] = byte('0'+v/10), byte('0'+v%10) }
	two(0, y/100)
	two(2, y%100)
	b[4] = '-'
	two(5, int(mo))
	b[7] = '-'
	two(8, d)
	b[10] = 'T'
	two(11, h)
	b[13] = ':'
	two(14, mi)
	b[16] = ':'
	two(17, sec)
	b[19] = 'Z'
	return string(b[:])
}

// decodeHex decodes the hex digits of s into the start of dst, which
// must hold them, and reports whether s was hex that fits: a digest of
// every uploaded file of a dump, decoded without an allocation each.
func decodeHex(dst []byte, s string) ([]byte, bool) {
	if len(s)%2 != 0 || len(s)/2 > len(dst) {
		return nil, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		if hi|lo > 0xf {
			return nil, false
		}
		dst[i/2] = hi<<4 | lo
	}
	return dst[:len(s)/2], true
}

// hexValue is the value of each hex digit, 0xff for any other byte.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()
