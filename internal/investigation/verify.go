package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"

	"github.com/vibora-project/vibora/internal/access"
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
