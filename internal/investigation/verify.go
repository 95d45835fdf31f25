package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/store"
)

// VerifyReport compares an exhibit's sources today with what was ingested,
// as hashdeep's audit mode does.
type VerifyReport struct {
	Intact   bool         `json:"ok"` // every file matched
	Case     string       `json:"case"`
	Exhibit  string       `json:"exhibit"`
	Roots    []string     `json:"roots"`
	Matched  int          `json:"matched"`
	Changed  []VerifyDiff `json:"changed"`
	Missing  []VerifyDiff `json:"missing"`
	New      []VerifyDiff `json:"new"`
	Moved    []VerifyDiff `json:"moved"`
	Manifest string       `json:"manifest_sha256"`
}

// VerifyDiff is one file that differs.
type VerifyDiff struct {
	Path    string `json:"path"`
	Was     string `json:"was_sha256,omitempty"`
	Now     string `json:"now_sha256,omitempty"`
	MovedTo string `json:"moved_to,omitempty"`
	ReadErr string `json:"error,omitempty"`
	WasSize int64  `json:"was_size,omitempty"`
	NowSize int64  `json:"now_size,omitempty"`
}

// OK reports whether every file matched.
func (r VerifyReport) OK() bool {
	return len(r.Changed)+len(r.Missing)+len(r.New)+len(r.Moved) == 0
}

// Verify re-hashes the files on disk of every root ingested into an
// exhibit and compares them with the stored digests: matched, changed,
// missing, new and moved files. The evidence is read as ingest reads it
// (read-only, atimes kept, symlinks not followed, archives not opened).
// The result is recorded in the chain of custody.
func (s *Service) Verify(ctx context.Context, caseName, label string, workers int) (VerifyReport, error) {
	rep := VerifyReport{Case: caseName, Exhibit: label}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	e, err := s.db.ExhibitByLabel(ctx, c.ID, label)
	if err != nil {
		return rep, err
	}
	in, err := s.db.LatestIngest(ctx, e.ID)
	if err != nil {
		return rep, fmt.Errorf("exhibit %q has no finished ingest to verify against: %w", label, err)
	}
	rep.Manifest = in.ManifestSHA256
	ins, err := s.db.Ingests(ctx, e.ID)
	if err != nil {
		return rep, err
	}
	for _, in := range ins {
		var roots []string
		if err := json.Unmarshal([]byte(in.Roots), &roots); err != nil {
			return rep, fmt.Errorf("ingest %d roots: %w", in.ID, err)
		}
		for _, r := range roots {
			if !slices.Contains(rep.Roots, r) {
				rep.Roots = append(rep.Roots, r)
			}
		}
	}
	want := map[string]store.File{}
	err = s.db.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error {
		if f.Depth == 0 && f.OSPath != "" && f.SHA256 != "" {
			want[f.OSPath] = f // a file under two roots has one digest
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	var roots []string
	for _, r := range rep.Roots {
		if _, err := os.Lstat(r); err != nil {
			rep.Missing = append(rep.Missing, VerifyDiff{Path: r, ReadErr: err.Error()})
			continue
		}
		roots = append(roots, r)
	}
	seen := map[string]bool{}
	newByHash := map[string][]VerifyDiff{}
	opt := evidence.RunOptions{Source: source.Options{MaxDepth: -1}, Workers: workers}
	err = evidence.Run(ctx, roots, opt, func(it evidence.Item) error {
		p := it.OSPath
		if p == "" || seen[p] {
			return nil
		}
		seen[p] = true
		now := ""
		if it.Hashed {
			now = it.Digests.SHA256Hex()
		}
		f, ok := want[p]
		switch {
		case !ok && now == "":
			// Not a file that can be read (symlink, FIFO, device): ingest
			// recorded it without digests, as verify does.
		case !ok:
			newByHash[now] = append(newByHash[now], VerifyDiff{Path: p, Now: now, NowSize: it.Size, ReadErr: it.Err})
		case now == f.SHA256 && it.Size == f.Size:
			rep.Matched++
		default:
			rep.Changed = append(rep.Changed, VerifyDiff{Path: p, Was: f.SHA256, Now: now, WasSize: f.Size, NowSize: it.Size, ReadErr: it.Err})
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	sort.Slice(rep.Changed, func(i, j int) bool { return rep.Changed[i].Path < rep.Changed[j].Path })
	var missing []string
	for p := range want {
		if !seen[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, p := range missing {
		f := want[p]
		if cands := newByHash[f.SHA256]; len(cands) > 0 {
			rep.Moved = append(rep.Moved, VerifyDiff{Path: p, Was: f.SHA256, MovedTo: cands[0].Path})
			newByHash[f.SHA256] = cands[1:]
			continue
		}
		rep.Missing = append(rep.Missing, VerifyDiff{Path: p, Was: f.SHA256, WasSize: f.Size})
	}
	for _, ds := range newByHash {
		rep.New = append(rep.New, ds...)
	}
	sort.Slice(rep.New, func(i, j int) bool { return rep.New[i].Path < rep.New[j].Path })

	rep.Intact = rep.OK()
	result := "all files match the ingest manifest"
	if !rep.OK() {
		result = fmt.Sprintf("%d changed, %d missing, %d new, %d moved", len(rep.Changed), len(rep.Missing), len(rep.New), len(rep.Moved))
	}
	ch := &change{action: "exhibit.verify", object: "exhibit:" + c.Name + "/" + e.Label,
		detail: map[string]any{"matched": rep.Matched, "changed": len(rep.Changed), "missing": len(rep.Missing), "new": len(rep.New), "moved": len(rep.Moved), "manifest_sha256": rep.Manifest}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		return s.custody(ctx, tx, c.ID, e.ID, "verified", result, "manifest-sha256="+rep.Manifest)
	})
	return rep, err
}

// StoreReport is the result of checking the stored ingest results against
// the digests their audit records hold.
type StoreReport struct {
	Intact  bool           `json:"ok"`
	Audit   AuditReport    `json:"audit"`
	Batches int            `json:"batches"` // batches recomputed
	Files   int64          `json:"files"`   // rows they hold
	Legacy  int64          `json:"legacy"`  // rows stored before batches were sealed (schema < 9): not checked
	Bad     []StoreProblem `json:"problems"`
}

// StoreProblem is one batch whose rows do not match its audit record.
type StoreProblem struct {
	Ingest  int64  `json:"ingest"`
	Batch   int    `json:"batch"`
	Exhibit string `json:"exhibit,omitempty"`
	Problem string `json:"problem"`
}

// OK reports whether the trail is intact and every batch matches it.
func (r StoreReport) OK() bool { return r.Audit.OK() && len(r.Bad) == 0 }

// VerifyStore checks the audit chain and then the derived rows it seals:
// for every ingest batch, the digest of the file rows it stored (digests,
// status, display path, identity, errors and match rows) is recomputed and
// compared with the one its audit record holds, so that editing a file's
// status or its matches in the database is detected, not only editing the
// trail. Rows that no audit record seals are reported too.
func (s *Service) VerifyStore(ctx context.Context) (StoreReport, error) {
	var rep StoreReport
	ar, err := s.VerifyAudit(ctx)
	if err != nil {
		return rep, err
	}
	rep.Audit = ar
	type key struct {
		ingest int64
		batch  int
	}
	sealed := map[key]string{} // after-digest of each batch record
	err = s.db.AuditRecords(ctx, "exhibit:", func(r audit.Record) error {
		if r.Action != "ingest.batch" {
			return nil
		}
		var d struct {
			Ingest int64 `json:"ingest"`
			Batch  int   `json:"batch"`
		}
		if json.Unmarshal([]byte(r.Detail), &d) == nil && d.Batch > 0 {
			sealed[key{d.Ingest, d.Batch}] = r.AfterDigest
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	batches, err := s.db.Batches(ctx)
	if err != nil {
		return rep, err
	}
	have := map[key]bool{}
	for _, b := range batches {
		if b.IngestID == 0 {
			rep.Legacy += b.Files
			continue
		}
		k := key{b.IngestID, b.Batch}
		have[k] = true
		files, ms, err := s.db.BatchFiles(ctx, b.IngestID, b.Batch)
		if err != nil {
			return rep, err
		}
		rep.Batches++
		rep.Files += int64(len(files))
		want, ok := sealed[k]
		switch {
		case !ok:
			rep.Bad = append(rep.Bad, StoreProblem{Ingest: b.IngestID, Batch: b.Batch, Exhibit: files[0].Case + "/" + files[0].Exhibit,
				Problem: fmt.Sprintf("%d file rows that no audit record seals", len(files))})
		case digest(BatchDigest(files, ms)) != want:
			rep.Bad = append(rep.Bad, StoreProblem{Ingest: b.IngestID, Batch: b.Batch, Exhibit: files[0].Case + "/" + files[0].Exhibit,
				Problem: "file rows or their matches differ from what the audit record sealed"})
		}
	}
	// A sealed batch whose rows are all gone.
	empty := digest(BatchDigest(nil, nil))
	var gone []key
	for k, d := range sealed {
		if !have[k] && d != empty {
			gone = append(gone, k)
		}
	}
	sort.Slice(gone, func(i, j int) bool {
		return gone[i].ingest < gone[j].ingest || gone[i].ingest == gone[j].ingest && gone[i].batch < gone[j].batch
	})
	for _, k := range gone {
		rep.Bad = append(rep.Bad, StoreProblem{Ingest: k.ingest, Batch: k.batch, Problem: "every file row the audit record sealed is gone"})
	}
	if rep.Bad == nil {
		rep.Bad = []StoreProblem{}
	}
	rep.Intact = rep.OK()
	return rep, nil
}
