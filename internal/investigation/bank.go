package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"path/filepath"
	"strings"

	"github.com/vibora-project/vibora/internal/evidence/source"
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
	// Progress, when set, is called now and then with bytes read and the
	// file size.
	Progress func(done, total int64)
}

// MaxRejections is how many rejections an import keeps in detail; the
// count covers all of them.
const MaxRejections = 1000

// BankImportResult reports an import.
type BankImportResult struct {
	Bank       store.Bank              `json:"bank"`
	Stats      hashset.Stats           `json:"stats"`
	Rejections []*hashset.RejectError  `json:"rejections"`
	Unchanged  bool                    `json:"unchanged"` // the same file was already the bank's current version
	Replaced   *store.Bank             `json:"replaced,omitempty"`
	File       string                  `json:"file"`
	ByClass    map[hashset.Class]int64 `json:"by_class"`
}

// ImportBank imports a hash list into the bank named in opt, creating it or
// atomically replacing its previous version. Importing the file that is
// already the bank's current version changes nothing.
func (s *Service) ImportBank(ctx context.Context, path string, opt BankImportOptions) (BankImportResult, error) {
	res := BankImportResult{File: path, ByClass: map[hashset.Class]int64{}}
	opt.Name = strings.TrimSpace(opt.Name)
	if opt.Name == "" {
		return res, fmt.Errorf("bank name is empty: %w", ErrInvalid)
	}
	if opt.Kind != "" {
		if _, err := hashset.ParseKind(opt.Kind); err != nil {
			return res, fmt.Errorf("%v: %w", err, ErrInvalid)
		}
	}
	hopts := hashset.Options{Profile: opt.Profile}
	if opt.Hash64 != "" {
		k, err := hashset.ParseHashKind(opt.Hash64)
		if err != nil {
			return res, fmt.Errorf("%v: %w", err, ErrInvalid)
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

	bank := store.Bank{Name: opt.Name, Kind: opt.Kind, Source: opt.Source, FileName: filepath.Base(path), Format: f.Format,
		Version: 1, ImportedAt: s.timestamp(), ImportedBy: s.actor}
	if exists {
		bank.Version = old.Version + 1
		if bank.Source == "" {
			bank.Source = old.Source
		}
		if bank.Kind == "" {
			bank.Kind = old.Kind
		}
	}

	sum, err := fileSHA256(path)
	if err != nil {
		return res, err
	}
	bank.FileSHA256 = hex.EncodeToString(sum[:])
	if exists && old.FileSHA256 == bank.FileSHA256 && old.Format == f.Format && (opt.Kind == "" || opt.Kind == old.Kind) &&
		old.ContentDigest == contentDigest(old.FileSHA256, old.Kind, old.Format, opt) {
		res.Bank, res.Unchanged = old, true
		return res, nil
	}

	// One transaction: the records stream from the file into the store,
	// and the previous version (if any) disappears only when the new one
	// commits. Memory stays flat whatever the size of the list.
	ch := &change{action: "bank.import", object: "bank:" + bank.Name}
	if exists {
		ch.action, ch.before = "bank.replace", old
	}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if exists {
			bank.ID = old.ID
			if err := tx.DeleteBankRecords(ctx, old.ID); err != nil {
				return err
			}
		} else if err := tx.InsertBank(ctx, &bank); err != nil {
			return err
		}
		var dedup recordSet
		dedup.off = f.Format == "nsrl"
		batch := make([]store.BankRecord, 0, 5000)
		flush := func() error {
			err := tx.InsertBankRecords(ctx, batch)
			batch = batch[:0]
			return err
		}
		for {
			rec, err := f.Next()
			if err == io.EOF {
				break
			}
			res.Stats.Read++
			var rej *hashset.RejectError
			if errors.As(err, &rej) {
				res.Stats.Rejected++
				if len(res.Rejections) < MaxRejections {
					res.Rejections = append(res.Rejections, rej)
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			if dedup.seen(&rec) {
				res.Stats.Duplicate++
				continue
			}
			res.Stats.Imported++
			res.ByClass[rec.Class]++
			r := toStoreRecord(&rec)
			r.BankID = bank.ID
			batch = append(batch, r)
			if len(batch) == cap(batch) {
				if err := flush(); err != nil {
					return err
				}
				if opt.Progress != nil {
					opt.Progress(f.Progress())
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
			n, err := tx.DeleteDuplicateBankRecords(ctx, bank.ID)
			if err != nil {
				return err
			}
			res.Stats.Duplicate += n
			res.Stats.Imported -= n
		}
		meta := f.Meta()
		bank.FormatVersion = meta.FormatVersion
		if bank.Kind == "" {
			bank.Kind = string(meta.SuggestedKind)
		}
		if bank.Kind == "" {
			bank.Kind = string(hashset.KindCustom)
		}
		bank.RecordCount, bank.RejectedCount = res.Stats.Imported, res.Stats.Rejected
		bank.ContentDigest = contentDigest(bank.FileSHA256, bank.Kind, bank.Format, opt)
		ch.after = bank
		ch.detail = map[string]any{"file": bank.FileName, "file_sha256": bank.FileSHA256, "format": bank.Format, "format_version": bank.FormatVersion,
			"read": res.Stats.Read, "imported": res.Stats.Imported, "duplicate": res.Stats.Duplicate, "rejected": res.Stats.Rejected, "version": bank.Version}
		return tx.UpdateBank(ctx, &bank)
	})
	if err != nil {
		return res, err
	}
	if exists {
		res.Replaced = &old
	}
	res.Bank = bank
	return res, nil
}

// RemoveBank deletes a bank and its records.
func (s *Service) RemoveBank(ctx context.Context, name string) error {
	b, err := s.db.BankByName(ctx, name)
	if err != nil {
		return err
	}
	ch := &change{action: "bank.remove", object: "bank:" + name, before: b, detail: map[string]any{"records": b.RecordCount}}
	return s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.DeleteBank(ctx, b.ID) })
}

// contentDigest names a bank's content: the file and everything that
// changes how its records were read. Persisted match indexes are keyed by it.
func contentDigest(fileSHA256, kind, format string, opt BankImportOptions) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", fileSHA256, kind, format, opt.Profile, opt.Hash64)
	return hex.EncodeToString(h.Sum(nil))
}

func fileSHA256(path string) ([32]byte, error) {
	var d [32]byte
	f, err := source.OpenInput(path)
	if err != nil {
		return d, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return d, fmt.Errorf("hash %s: %w", path, err)
	}
	copy(d[:], h.Sum(nil))
	return d, nil
}

func toStoreRecord(r *hashset.Record) store.BankRecord {
	out := store.BankRecord{
		MD5: r.HexMD5(), SHA1: r.HexSHA1(), SHA256: r.HexSHA256(), PDQ: r.HexPDQ(), PDQQuality: -1,
		PhotoDNA: r.PhotoDNA, Category: r.Category, Profile: r.Profile, NormCategory: string(r.Class), Series: r.Series,
		VictimIdentified: r.VictimIdentified.String(), OffenderIdentified: r.OffenderIdentified.String(),
		Distributed: r.Distributed.String(), Tags: strings.Join(r.Tags, "|"), SourceID: r.SourceID,
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
	off      bool // the format guarantees distinct records
}

func (d *recordSet) seen(r *hashset.Record) bool {
	if d.overflow || d.off {
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
	b := make([]byte, 0, 1+16+20+32+32)
	b = append(b, byte(k.Present))
	b = append(b, k.MD5[:]...)
	b = append(b, k.SHA1[:]...)
	b = append(b, k.SHA256[:]...)
	return append(b, k.PDQ[:]...)
}
