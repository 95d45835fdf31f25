package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/plain"
	"github.com/vibora-project/vibora/internal/hashset/vics"
	"github.com/vibora-project/vibora/internal/hashset/vpdq"
	"github.com/vibora-project/vibora/internal/store"
)

// Export formats.
const (
	ExportVICS = "vics"
	ExportCSV  = "csv"
	// ExportVPDQ and ExportVPDQCompact write a bank's video hash lists
	// as a tar archive, one file per video, in the reference text form
	// or pytx's compact form.
	ExportVPDQ        = vpdq.FormText
	ExportVPDQCompact = vpdq.FormCompact
)

// recordWriter is what both exporters offer.
type recordWriter interface {
	Write(*hashset.Record) error
	Close() error
	Count() int64
}

// ExportBank writes a bank's records to w as a VICS 2.0 #Media hash set or
// as CSV, and records the export (count and SHA-256 of what was written)
// in the audit trail.
func (s *Service) ExportBank(ctx context.Context, name, format string, w io.Writer) (int64, error) {
	b, err := s.bankFor(ctx, name, access.Read)
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	mw := io.MultiWriter(w, h)
	var rw recordWriter
	switch format {
	case ExportVICS:
		rw = vics.NewWriter(mw)
	case ExportCSV:
		rw = plain.NewCSVWriter(mw)
	case ExportVPDQ, ExportVPDQCompact:
		rw = vpdq.NewTarWriter(mw, format)
	default:
		return 0, fmt.Errorf("export format %q: want vics, csv, vpdq or vpdq-compact: %w", format, ErrInvalid)
	}
	err = s.db.BankRecords(ctx, b.ID, func(r store.BankRecord) error {
		rec, err := fromStoreRecord(r)
		if err != nil {
			return fmt.Errorf("bank %q record %d: %w", name, r.ID, err)
		}
		return rw.Write(&rec)
	})
	if err != nil {
		return rw.Count(), err
	}
	if err := rw.Close(); err != nil {
		return rw.Count(), err
	}
	ch := &change{action: "bank.export", object: "bank:" + name, before: bankView(b), after: bankView(b),
		detail: map[string]any{"format": format, "records": rw.Count(), "sha256": hex.EncodeToString(h.Sum(nil))}}
	return rw.Count(), s.mutate(ctx, ch, func(*store.Tx) error { return nil })
}

// fromStoreRecord turns a stored record back into the model.
func fromStoreRecord(r store.BankRecord) (hashset.Record, error) {
	var rec hashset.Record
	for _, h := range []struct {
		hex  string
		kind hashset.HashKind
	}{{r.MD5, hashset.HashMD5}, {r.SHA1, hashset.HashSHA1}, {r.SHA256, hashset.HashSHA256}} {
		if h.hex == "" {
			continue
		}
		if err := rec.SetHex(h.hex, h.kind, hashset.HashSHA256); err != nil {
			return rec, err
		}
	}
	if r.PDQ != "" {
		p, err := pdq.ParseHex(r.PDQ)
		if err != nil {
			return rec, err
		}
		rec.SetPDQ(p)
	}
	if r.PDQQuality >= 0 && r.PDQQuality <= 100 && r.PDQ != "" {
		rec.SetPDQQuality(uint8(r.PDQQuality))
	}
	rec.PhotoDNA, rec.Category, rec.Profile, rec.Class, rec.Series = r.PhotoDNA, r.Category, r.Profile, hashset.Class(r.NormCategory), r.Series
	rec.VictimIdentified, _ = hashset.ParseTri(r.VictimIdentified)
	rec.OffenderIdentified, _ = hashset.ParseTri(r.OffenderIdentified)
	rec.Distributed, _ = hashset.ParseTri(r.Distributed)
	if r.Tags != "" {
		rec.Tags = strings.Split(r.Tags, "|")
	}
	rec.SourceID = r.SourceID
	if r.VPDQ != "" {
		rec.VPDQ = r.VPDQ
		rec.Present |= hashset.HasVPDQ
	}
	return rec, nil
}

// BankSummary is a bank with counts of its records by class and hash kind.
type BankSummary struct {
	Bank    Bank             `json:"bank"`
	ByClass map[string]int64 `json:"by_class"`
	Hashes  map[string]int64 `json:"hashes"`
}

// BankSummary describes a bank.
func (s *Service) BankSummary(ctx context.Context, name string) (BankSummary, error) {
	b, err := s.bankFor(ctx, name, access.Read)
	if err != nil {
		return BankSummary{}, err
	}
	sum := BankSummary{Bank: bankView(b), ByClass: map[string]int64{}, Hashes: map[string]int64{}}
	err = s.db.BankRecords(ctx, b.ID, func(r store.BankRecord) error {
		sum.ByClass[r.NormCategory]++
		for k, v := range map[string]string{"md5": r.MD5, "sha1": r.SHA1, "sha256": r.SHA256, "pdq": r.PDQ, "photodna": r.PhotoDNA, "vpdq": r.VPDQ} {
			if v != "" {
				sum.Hashes[k]++
			}
		}
		return nil
	})
	return sum, err
}
