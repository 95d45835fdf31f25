package investigation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/format"
	"github.com/vibora-project/vibora/internal/store"
)

// BankImportOptions name and classify an import.
type BankImportOptions struct {
	Name    string
	Kind    string // known, ignorable, watch, custom; "" takes what the format implies, else custom
	Format  string // "" detects
	Source  string // who supplied the list
	Profile string // category profile override
	Hash64  string // "pdq" when unlabelled 64-hex values are PDQ hashes (default sha256)
	// Category and Series are given to records that carry none (a video
	// hash list carries neither).
	Category, Series string
	// AllowPartial accepts an import that yields no usable record or
	// rejects more than MaxRejectedShare of what it read; without it such
	// an import fails and the bank stays as it was.
	AllowPartial bool
	// Progress, when set, is called now and then with bytes read and the
	// file size.
	Progress func(done, total int64)
}

// MaxRejections is how many rejections an import keeps in detail; the
// count covers all of them.
const MaxRejections = 1000

// MaxRejectedShare is the share of rejected records above which an import
// is refused (unless AllowPartial): a list that is mostly unreadable was
// most likely read in the wrong format.
const MaxRejectedShare = 0.10

// ErrRefused is returned (wrapped) when an import read too little to
// replace a bank with: nothing was changed.
var ErrRefused = errors.New("import refused")

// bankBatch is how many records one staging transaction writes: the store's
// writer is held for one batch at a time, never for a whole import.
const bankBatch = 20_000

// BankImportResult reports an import.
type BankImportResult struct {
	Bank       Bank                    `json:"bank"`
	Stats      hashset.Stats           `json:"stats"`
	Rejections []*hashset.RejectError  `json:"rejections"`
	Unchanged  bool                    `json:"unchanged"` // the same file was already the bank's current version
	Replaced   *Bank                   `json:"replaced,omitempty"`
	File       string                  `json:"file"`
	ByClass    map[hashset.Class]int64 `json:"by_class"`
	// Refused says why nothing was imported ("" when the import happened).
	Refused string `json:"refused,omitempty"`
	// Hash64 says what unlabelled 64-hex values were read as, and how to
	// change it; nil when the file had none.
	Hash64 *Hash64Note `json:"hash64,omitempty"`
	// Categories counts the raw category values the file's records
	// carried (VICS), so the user sees which categories were imported.
	Categories map[string]int64 `json:"categories,omitempty"`
}

// Hash64Note tells the user what an import took unlabelled 64-hex values
// for: a 64-hex value can be a SHA-256 or a PDQ hash.
type Hash64Note struct {
	Kind   string `json:"kind"`   // sha256 or pdq
	Reason string `json:"reason"` // default, option, directive, header, file name
	Values int64  `json:"values"` // how many values were read this way
	Hint   string `json:"hint"`   // how to read them as the other kind
	// NotPDQLike counts values read as PDQ that do not look like PDQ
	// hashes (see hashset.PDQLike): a sign the kind is wrong.
	NotPDQLike int64 `json:"not_pdq_like,omitempty"`
}

func hash64Note(a *hashset.Hash64Assumption) *Hash64Note {
	if a == nil {
		return nil
	}
	other := hashset.HashPDQ
	if a.Kind == hashset.HashPDQ {
		other = hashset.HashSHA256
	}
	return &Hash64Note{Kind: a.Kind.String(), Reason: a.Reason, Values: a.Values, NotPDQLike: a.NotPDQLike,
		Hint: fmt.Sprintf("import again with --hash-kind %s if they are %s hashes", other, strings.ToUpper(other.String()))}
}

// ImportBank imports a hash list into the bank named in opt, creating it or
// replacing its previous version. Importing the file that is already the
// bank's current version changes nothing.
//
// The records stream from the file into a staging row in transactions of
// bankBatch records, so the store's writer is never held for long; the
// file is hashed in the same read. At the end one short transaction
// switches the staging row in (with the audit record) and retires the
// previous version, whose records are then deleted in batches. An import
// that fails, is cancelled or is refused leaves the bank as it was; its
// staging rows are removed, or by the next import of the bank if the
// process died.
func (s *Service) ImportBank(ctx context.Context, path string, opt BankImportOptions) (BankImportResult, error) {
	res := BankImportResult{File: path, ByClass: map[hashset.Class]int64{}}
	if err := s.check(ctx, access.Bank, access.Write); err != nil {
		return res, err
	}
	opt.Name = strings.TrimSpace(opt.Name)
	if opt.Name == "" {
		return res, fmt.Errorf("bank name is empty: %w", ErrInvalid)
	}
	if strings.IndexFunc(opt.Name, unicode.IsControl) >= 0 {
		return res, fmt.Errorf("bank name %q contains control characters: %w", opt.Name, ErrInvalid)
	}
	if opt.Kind != "" {
		if _, err := hashset.ParseKind(opt.Kind); err != nil {
			return res, fmt.Errorf("%v: %w", err, ErrInvalid)
		}
	}
	hopts := hashset.Options{Profile: opt.Profile}
	if opt.Hash64 != "" {
		k, err := hashset.ParseHashKind(opt.Hash64)
		if err != nil || (k != hashset.HashSHA256 && k != hashset.HashPDQ) {
			return res, fmt.Errorf("hash kind %q: want sha256 or pdq: %w", opt.Hash64, ErrInvalid)
		}
		hopts.Hash64 = k
	}
	f, err := format.Open(ctx, path, format.Options{Options: hopts, Format: opt.Format})
	if err != nil {
		return res, fmt.Errorf("open hash list: %w", err)
	}
	defer f.Close()

	old, err := s.db.BankByName(ctx, opt.Name)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	if err := s.dropStaged(ctx, opt.Name); err != nil {
		return res, fmt.Errorf("remove what an interrupted import of bank %q left: %w", opt.Name, err)
	}

	bank := store.Bank{Name: opt.Name, Kind: opt.Kind, Source: opt.Source, FileName: filepath.Base(path), Format: f.Format,
		Version: 1, ImportedAt: s.timestamp(), ImportedBy: s.actor(ctx)}
	if exists {
		bank.Version = old.Version + 1
		if bank.Source == "" {
			bank.Source = old.Source
		}
		if bank.Kind == "" {
			bank.Kind = old.Kind
		}
	}
	stage := bank
	stage.Name, stage.StagedFor = store.StagingName(opt.Name, "staging", bank.Version, nonce()), opt.Name
	if stage.Kind == "" {
		stage.Kind = string(hashset.KindCustom)
	}
	if err := s.db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBank(ctx, &stage) }); err != nil {
		return res, err
	}
	switched := false
	defer func() {
		if !switched {
			if err := s.dropBankRows(context.WithoutCancel(ctx), stage.ID); err != nil {
				s.log.Warn("remove staged bank records", "bank", opt.Name, "err", err)
			}
		}
	}()
	if err := s.stageRecords(ctx, f, stage.ID, opt, &res); err != nil {
		return res, err
	}
	sum, err := f.SHA256()
	if err != nil {
		return res, err
	}
	meta := f.Meta()
	res.Hash64 = hash64Note(meta.Hash64)
	if cc, ok := f.Reader.(hashset.CategoryCounter); ok {
		res.Categories = cc.Categories()
	}
	bank.FileSHA256 = hex.EncodeToString(sum[:])
	if exists && old.FileSHA256 == bank.FileSHA256 && old.Format == f.Format && (opt.Kind == "" || opt.Kind == old.Kind) &&
		old.ContentDigest == contentDigest(old.FileSHA256, old.Kind, old.Format, opt) {
		res.Bank, res.Unchanged, res.ByClass = bankView(old), true, map[hashset.Class]int64{}
		return res, nil
	}
	if why := refusal(res.Stats); why != "" && !opt.AllowPartial {
		res.Refused, res.Bank, res.ByClass = why, bankView(old), map[hashset.Class]int64{}
		res.Bank.Name = opt.Name
		return res, fmt.Errorf("bank %q not imported from %s: %s: %w", opt.Name, filepath.Base(path), why, ErrRefused)
	}

	bank.ID = stage.ID
	bank.FormatVersion = meta.FormatVersion
	if bank.Kind == "" {
		bank.Kind = string(meta.SuggestedKind)
	}
	if bank.Kind == "" {
		bank.Kind = string(hashset.KindCustom)
	}
	bank.RecordCount, bank.RejectedCount = res.Stats.Imported, res.Stats.Rejected
	bank.ContentDigest = contentDigest(bank.FileSHA256, bank.Kind, bank.Format, opt)

	// The switch: one short transaction renames the staging row to the
	// bank's name, retires the previous version, and records the change.
	ch := &change{action: "bank.import", object: "bank:" + bank.Name, after: bankView(bank)}
	if exists {
		ch.action, ch.before = "bank.replace", bankView(old)
	}
	detail := map[string]any{"file": bank.FileName, "file_sha256": bank.FileSHA256, "format": bank.Format, "format_version": bank.FormatVersion,
		"read": res.Stats.Read, "imported": res.Stats.Imported, "duplicate": res.Stats.Duplicate, "rejected": res.Stats.Rejected, "version": bank.Version}
	if res.Hash64 != nil {
		detail["hash64"] = res.Hash64.Kind
	}
	ch.detail = detail
	retired := old
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		cur, err := tx.BankByName(ctx, opt.Name)
		switch {
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		case exists != (err == nil) || (exists && (cur.ID != old.ID || cur.Version != old.Version)):
			return fmt.Errorf("bank %q changed while this import ran (another import?): nothing replaced", opt.Name)
		}
		if exists {
			retired.Name, retired.StagedFor = store.StagingName(opt.Name, "retired", old.Version, nonce()), opt.Name
			if err := tx.UpdateBank(ctx, &retired); err != nil {
				return err
			}
		}
		return tx.UpdateBank(ctx, &bank)
	})
	if err != nil {
		return res, err
	}
	switched = true
	if exists {
		replaced := bankView(old)
		res.Replaced = &replaced
		if err := s.dropBankRows(ctx, old.ID); err != nil {
			// The new version is in place; the next import of this bank
			// removes what is left of the old one.
			s.log.Warn("remove replaced bank records", "bank", opt.Name, "err", err)
		}
	}
	res.Bank = bankView(bank)
	return res, nil
}

// refusal says why an import's records are too few to replace a bank with,
// or "".
func refusal(st hashset.Stats) string {
	switch {
	case st.Imported == 0 && st.Read == 0:
		return "the file yielded no record (wrong format or document type?)"
	case st.Imported == 0:
		return fmt.Sprintf("no usable record: all %d rejected", st.Rejected)
	case float64(st.Rejected) > MaxRejectedShare*float64(st.Read):
		return fmt.Sprintf("%d of %d records rejected (more than %.0f%%)", st.Rejected, st.Read, MaxRejectedShare*100)
	}
	return ""
}

// stageRecords streams f's records into the staging bank stageID in
// transactions of bankBatch records, counting into res.
func (s *Service) stageRecords(ctx context.Context, f *format.File, stageID int64, opt BankImportOptions, res *BankImportResult) error {
	// Every format is checked for repeats, NSRL too: a database is outside
	// data, and its DISTINCT_HASH may hold a hash twice (in two cases, or
	// as a hostile table).
	var dedup recordSet
	batch := make([]store.BankRecord, 0, bankBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		t0 := time.Now()
		err := s.db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertBankRecords(ctx, batch) })
		s.log.Debug("bank import batch", "records", len(batch), "held", time.Since(t0))
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(f.Progress())
		}
		return err
	}
	for {
		rec, err := f.Next()
		if err == io.EOF {
			break
		}
		var rej *hashset.RejectError
		if errors.As(err, &rej) {
			res.Stats.Read++
			res.Stats.Rejected++
			if len(res.Rejections) < MaxRejections {
				res.Rejections = append(res.Rejections, rej)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Path, err)
		}
		res.Stats.Read++
		if dedup.seen(&rec) {
			res.Stats.Duplicate++
			continue
		}
		if rec.Category == "" && opt.Category != "" {
			rec.Category, rec.Class = opt.Category, hashset.NormaliseCategory(rec.Profile, opt.Category)
		}
		if rec.Series == "" {
			rec.Series = opt.Series
		}
		res.Stats.Imported++
		res.ByClass[rec.Class]++
		r := toStoreRecord(&rec)
		r.BankID = stageID
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if dedup.overflow {
		// Too many records to remember them all: remove the repeats in
		// the store instead (exact, and memory stays flat).
		t0 := time.Now()
		n, err := s.db.DedupBankRecords(ctx, stageID, bankBatch)
		s.log.Debug("bank import repeats removed", "records", n, "took", time.Since(t0))
		if err != nil {
			return err
		}
		res.Stats.Duplicate += n
		res.Stats.Imported -= n
	}
	return nil
}

// dropStaged removes the staging and retired rows an interrupted import or
// replacement of bank name left behind.
func (s *Service) dropStaged(ctx context.Context, name string) error {
	rows, err := s.db.StagedBanks(ctx, name)
	if err != nil {
		return err
	}
	for _, b := range rows {
		if err := s.dropBankRows(ctx, b.ID); err != nil {
			return err
		}
	}
	return nil
}

// dropBankRows deletes a bank row that is no longer live (staging or
// retired) and its records, bankBatch records per transaction.
func (s *Service) dropBankRows(ctx context.Context, id int64) error {
	for {
		var n int64
		err := s.db.InTx(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.DeleteSomeBankRecords(ctx, id, bankBatch)
			return err
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteBank(ctx, id) })
}

// nonce is a short random suffix that keeps staging names unique.
func nonce() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RemoveBank deletes a bank and its records: one audited transaction
// retires it (it is no longer listed or matched), then its records are
// deleted in batches (an interrupted removal is finished by the next
// import of a bank of that name).
func (s *Service) RemoveBank(ctx context.Context, name string) error {
	b, err := s.bankFor(ctx, name, access.Admin)
	if err != nil {
		return err
	}
	ch := &change{action: "bank.remove", object: "bank:" + name, before: bankView(b), detail: map[string]any{"records": b.RecordCount}}
	retired := b
	retired.Name, retired.StagedFor = store.StagingName(name, "retired", b.Version, nonce()), name
	if err := s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.UpdateBank(ctx, &retired) }); err != nil {
		return err
	}
	return s.dropBankRows(ctx, b.ID)
}

// contentDigest names a bank's content: the file and everything that
// changes how its records were read. Persisted match indexes are keyed by it.
func contentDigest(fileSHA256, kind, format string, opt BankImportOptions) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", fileSHA256, kind, format, opt.Profile, opt.Hash64)
	if opt.Category != "" || opt.Series != "" {
		fmt.Fprintf(h, "\x00%s\x00%s", opt.Category, opt.Series)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func toStoreRecord(r *hashset.Record) store.BankRecord {
	out := store.BankRecord{
		MD5: r.HexMD5(), SHA1: r.HexSHA1(), SHA256: r.HexSHA256(), PDQ: r.HexPDQ(), PDQQuality: -1,
		PhotoDNA: r.PhotoDNA, Category: r.Category, Profile: r.Profile, NormCategory: string(r.Class), Series: r.Series,
		VictimIdentified: r.VictimIdentified.String(), OffenderIdentified: r.OffenderIdentified.String(),
		Distributed: r.Distributed.String(), Tags: strings.Join(r.Tags, "|"), SourceID: r.SourceID, VPDQ: r.VPDQ,
	}
	if r.Has(hashset.HasPDQQuality) {
		out.PDQQuality = int(r.PDQQuality)
	}
	return out
}

// maxRemembered is how many records an import remembers to spot repeats
// as they stream by (about 50 bytes each, so at most about 100 MB); past
// it, repeats are removed in the store at the end of the import, which is
// exact and keeps memory flat but takes minutes on tens of millions of
// records (see docs/performance.md). NSRL's DISTINCT_HASH holds no repeats
// and is not checked.
const maxRemembered = 2_000_000

// recordSet detects records whose hashes already appeared in the same
// file, in 16 bytes per record (two independent 64-bit hashes of the key).
type recordSet struct {
	s1, s2   maphash.Seed
	m        map[[2]uint64]struct{}
	overflow bool
}

func (d *recordSet) seen(r *hashset.Record) bool {
	if d.overflow {
		return false
	}
	if len(d.m) >= maxRemembered {
		d.m, d.overflow = nil, true
		return false
	}
	if d.m == nil {
		d.s1, d.s2, d.m = maphash.MakeSeed(), maphash.MakeSeed(), map[[2]uint64]struct{}{}
	}
	k := r.Key()
	b := keyBytes(&k)
	id := [2]uint64{maphash.Bytes(d.s1, b), maphash.Bytes(d.s2, b)}
	if _, ok := d.m[id]; ok {
		return true
	}
	d.m[id] = struct{}{}
	return false
}

func keyBytes(k *hashset.Key) []byte {
	b := make([]byte, 0, 1+16+20+32+32+32)
	b = append(b, byte(k.Present))
	b = append(b, k.MD5[:]...)
	b = append(b, k.SHA1[:]...)
	b = append(b, k.SHA256[:]...)
	b = append(b, k.PDQ[:]...)
	return append(b, k.VPDQ[:]...)
}
