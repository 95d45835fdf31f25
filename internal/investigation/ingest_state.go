package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/vibora-project/vibora/internal/store"
)

// processOwner names this process for an ingest row: host and pid.
func processOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// ownerGone reports whether the process named by owner (processOwner) ran
// on this host and no longer exists. A process on another host (a shared
// PostgreSQL hub) cannot be checked: it is not called gone.
func ownerGone(owner string) bool {
	i := strings.LastIndexByte(owner, ':')
	if i < 0 {
		return false
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(owner[i+1:])
	if owner[:i] != host || err != nil || pid <= 0 {
		return false
	}
	return !processAlive(pid)
}

func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}

// IngestStatus is how an ingest is shown: its stored status, except that a
// running ingest whose process is gone is interrupted.
func IngestStatus(in store.Ingest) string {
	if in.Status == "running" && ownerGone(in.Owner) {
		return "interrupted"
	}
	return in.Status
}

// markInterrupted records, for each running ingest of the exhibit whose
// process is gone (killed, crashed), that it was interrupted.
func (s *Service) markInterrupted(ctx context.Context, object string, exhibitID int64) ([]int64, error) {
	ins, err := s.db.Ingests(ctx, exhibitID)
	if err != nil {
		return nil, err
	}
	out := []int64{}
	for _, in := range ins {
		if IngestStatus(in) != "interrupted" {
			continue
		}
		ch := &change{action: "ingest.interrupted", object: object, detail: map[string]any{"ingest": in.ID, "owner": in.Owner, "started_at": in.StartedAt}}
		marked := false
		err := s.mutate(ctx, ch, func(tx *store.Tx) error {
			var err error
			marked, err = tx.MarkIngest(ctx, in.ID, "interrupted")
			return err
		})
		if err != nil {
			return out, err
		}
		if marked {
			out = append(out, in.ID)
		}
	}
	return out, nil
}

// spillDir returns this process's directory for spill files (decrypted or
// decompressed archive members that need random access), under the cache
// directory with owner-only permissions, after removing what crashed
// processes left behind. release removes it.
func (s *Service) spillDir() (dir string, release func(), err error) {
	if s.cacheDir == "" {
		return "", func() {}, nil
	}
	base := filepath.Join(s.cacheDir, "spill")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", nil, fmt.Errorf("spill directory: %w", err)
	}
	os.Chmod(base, 0o700)
	ents, _ := os.ReadDir(base)
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && !processAlive(pid) {
			os.RemoveAll(filepath.Join(base, e.Name()))
		}
	}
	dir = filepath.Join(base, strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("spill directory: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// BatchDigest is the SHA-256 of the rows one ingest batch stored, with
// their matches: what the batch's audit record seals. Rows are taken in
// identity order, so the digest does not depend on how they are read back.
func BatchDigest(files []store.File, matches map[int64][]store.FileMatch) string {
	type row struct {
		Exhibit                                                                                         int64
		Root, Member, Path, ModTime, MediaType, MD5, SHA1, SHA256, PDQ, Status, Error, Warnings, OSPath string
		Seq, PDQQuality, Depth                                                                          int
		Size                                                                                            int64
		Matches                                                                                         []sealedMatch
	}
	rows := make([]row, 0, len(files))
	for _, f := range files {
		// One match per (bank, record, kind), as file_matches keeps them.
		var ms []store.FileMatch
		seen := map[string]bool{}
		for _, m := range matches[f.ID] {
			k := fmt.Sprintf("%s\x00%d\x00%s", m.Bank, m.RecordID, m.Kind)
			if !seen[k] {
				seen[k] = true
				m.FileID = 0
				ms = append(ms, m)
			}
		}
		sort.Slice(ms, func(i, j int) bool {
			a, b := ms[i], ms[j]
			if a.Bank != b.Bank {
				return a.Bank < b.Bank
			}
			if a.RecordID != b.RecordID {
				return a.RecordID < b.RecordID
			}
			return a.Kind < b.Kind
		})
		var sealed []sealedMatch // nil stays nil: null in the digested form
		for _, m := range ms {
			sm := sealedMatch{Bank: m.Bank, BankKind: m.BankKind, RecordID: m.RecordID, Kind: m.Kind, Hash: m.Hash, Distance: m.Distance,
				Category: m.Category, NormCategory: m.NormCategory, Series: m.Series}
			if m.Kind == "vpdq" {
				q, c := m.QueryPercent, m.ComparedPercent
				sm.QueryPercent, sm.ComparedPercent = &q, &c
			}
			sealed = append(sealed, sm)
		}
		rows = append(rows, row{f.ExhibitID, f.Root, f.Member, f.Path, f.ModTime, f.MediaType, f.MD5, f.SHA1, f.SHA256, f.PDQ, f.Status, f.Error, f.Warnings, f.OSPath,
			f.Seq, f.PDQQuality, f.Depth, f.Size, sealed})
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Root != b.Root {
			return a.Root < b.Root
		}
		if a.Member != b.Member {
			return a.Member < b.Member
		}
		return a.Seq < b.Seq
	})
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range rows {
		enc.Encode(r)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sealedMatch is a file match in the form BatchDigest encodes: the JSON
// names file matches had when the first batches were sealed. It is fixed
// (not the wire view FileMatch), since verify recomputes the digests of
// batches sealed long ago.
type sealedMatch struct {
	Bank         string `json:"bank"`
	BankKind     string `json:"bank_kind"`
	RecordID     int64  `json:"record"`
	Kind         string `json:"kind"`
	Hash         string `json:"hash"`
	Distance     int    `json:"distance"`
	Category     string `json:"category,omitempty"`
	NormCategory string `json:"normalized_category,omitempty"`
	Series       string `json:"series,omitempty"`
	// A vPDQ match's q% and c% (added with video banks; absent for other
	// kinds, so digests sealed before are unchanged).
	QueryPercent    *float64 `json:"query_match_percent,omitempty"`
	ComparedPercent *float64 `json:"compared_match_percent,omitempty"`
}
