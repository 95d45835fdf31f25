package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/store"
)

// IngestOptions control an ingest.
type IngestOptions struct {
	Exhibit     string   // label; created when it does not exist yet
	ExhibitType string   // type for a new exhibit
	Paths       []string // directories, files, archives
	Passwords   []string // tried on encrypted archives
	MaxDepth    int      // archive nesting (0: source.DefaultMaxDepth; negative: none)
	Workers     int      // 0: every core
	CryptoOnly  bool     // no PDQ: digests and media type only
	Match       MatchOptions
	// BatchSize is how many files each transaction stores (0: 256).
	BatchSize int
	// Progress, when set, is called after each stored batch.
	Progress func(files, bytes int64)
	// Discovered, when set, is called with each file found (for totals).
	Reason string // why the ingest is done (custody record)
}

// IngestReport summarises an ingest.
type IngestReport struct {
	Case           string           `json:"case"`
	Exhibit        string           `json:"exhibit"`
	Ingest         int64            `json:"ingest"`
	Files          int64            `json:"files"` // stored by this run
	Skipped        int64            `json:"skipped"`
	Bytes          int64            `json:"bytes"`
	ByStatus       map[string]int64 `json:"by_status"`
	Manifest       string           `json:"manifest_sha256"`
	ManifestFiles  int              `json:"manifest_files"`
	ElapsedSeconds float64          `json:"elapsed_seconds"`
	IndexSource    string           `json:"match_index"`
}

// Ingest walks an exhibit's sources, hashes and matches every file and
// stores the results in batches. It is idempotent and crash-safe: files
// already stored for the exhibit are skipped, so running the same command
// again after an interruption (even kill -9) completes the exhibit with no
// file missing or stored twice. Nothing is ever written to the sources.
func (s *Service) Ingest(ctx context.Context, caseName string, opt IngestOptions) (IngestReport, error) {
	start := time.Now()
	rep := IngestReport{Case: caseName, Exhibit: opt.Exhibit, ByStatus: map[string]int64{}}
	if len(opt.Paths) == 0 {
		return rep, fmt.Errorf("no evidence paths given: %w", ErrInvalid)
	}
	var roots []string
	for _, p := range opt.Paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return rep, err
		}
		if _, err := source.CheckInput(abs, true); err != nil {
			return rep, fmt.Errorf("evidence path: %v: %w", err, ErrInvalid)
		}
		roots = append(roots, abs)
	}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	typ := opt.ExhibitType
	if typ == "" {
		typ = "storage"
	}
	e, err := s.ensureExhibit(ctx, c, opt.Exhibit, typ)
	if err != nil {
		return rep, err
	}
	m, err := s.Matcher(ctx, opt.Match)
	if err != nil {
		return rep, err
	}
	rep.IndexSource = m.Source
	done, err := s.db.FilePaths(ctx, e.ID)
	if err != nil {
		return rep, err
	}
	rootsJSON, _ := json.Marshal(roots)
	in := store.Ingest{ExhibitID: e.ID, Roots: string(rootsJSON), StartedAt: s.timestamp(), Actor: s.actor(ctx), Status: "running"}
	err = s.mutate(ctx, &change{action: "ingest.start", object: "exhibit:" + c.Name + "/" + e.Label,
		detail: map[string]any{"roots": roots, "already_stored": len(done), "crypto_only": opt.CryptoOnly}},
		func(tx *store.Tx) error { return tx.InsertIngest(ctx, &in) })
	if err != nil {
		return rep, err
	}
	rep.Ingest = in.ID

	batchSize := opt.BatchSize
	if batchSize <= 0 {
		batchSize = 256
	}
	type stored struct {
		file    store.File
		matches []store.FileMatch
	}
	var batch []stored
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		h := sha256.New()
		for _, b := range batch {
			fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s\x00%s\n", b.file.Path, b.file.Size, b.file.MD5, b.file.SHA1, b.file.SHA256, b.file.Status)
		}
		ch := &change{action: "ingest.batch", object: "exhibit:" + c.Name + "/" + e.Label, after: hex.EncodeToString(h.Sum(nil)),
			detail: map[string]any{"ingest": in.ID, "files": len(batch), "first": batch[0].file.Path, "last": batch[len(batch)-1].file.Path}}
		err := s.mutate(ctx, ch, func(tx *store.Tx) error {
			files := make([]*store.File, len(batch))
			matches := make([][]store.FileMatch, len(batch))
			for i := range batch {
				files[i], matches[i] = &batch[i].file, batch[i].matches
			}
			_, err := tx.InsertFiles(ctx, files, matches)
			return err
		})
		if err != nil {
			return err
		}
		for _, b := range batch {
			rep.Files++
			rep.Bytes += b.file.Size
			rep.ByStatus[b.file.Status]++
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Files, rep.Bytes)
		}
		return nil
	}
	runOpt := evidence.RunOptions{
		Process: evidence.ProcessOptions{PDQ: !opt.CryptoOnly, Dihedral: opt.Match.Dihedral},
		Source:  source.Options{MaxDepth: opt.MaxDepth, Passwords: opt.Passwords},
		Workers: opt.Workers,
		Skip: func(p string) bool {
			if done[p] {
				rep.Skipped++
				return true
			}
			return false
		},
	}
	lastFlush := time.Now()
	err = evidence.Run(ctx, roots, runOpt, func(it evidence.Item) error {
		ms, status, err := m.MatchResult(ctx, &it.Result)
		if err != nil {
			return err
		}
		batch = append(batch, stored{file: toStoreFile(e.ID, it, status), matches: toFileMatches(ms)})
		if len(batch) >= batchSize || time.Since(lastFlush) > 2*time.Second {
			lastFlush = time.Now()
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return rep, err
	}

	// The manifest covers every file of the exhibit on disk (archive
	// members are covered by their archive's digests).
	manifest, n, err := s.manifest(ctx, e, roots)
	if err != nil {
		return rep, err
	}
	sum := sha256.Sum256([]byte(manifest))
	rep.Manifest, rep.ManifestFiles = hex.EncodeToString(sum[:]), n
	in.FinishedAt, in.Files, in.Bytes, in.Status = s.timestamp(), rep.Files, rep.Bytes, "done"
	in.Manifest, in.ManifestSHA256 = manifest, rep.Manifest
	err = s.mutate(ctx, &change{action: "ingest.finish", object: "exhibit:" + c.Name + "/" + e.Label, after: in.ManifestSHA256,
		detail: map[string]any{"ingest": in.ID, "files": rep.Files, "skipped": rep.Skipped, "bytes": rep.Bytes, "by_status": rep.ByStatus, "manifest_sha256": rep.Manifest}},
		func(tx *store.Tx) error {
			if err := tx.FinishIngest(ctx, &in); err != nil {
				return err
			}
			reason := opt.Reason
			if reason == "" {
				reason = "ingested " + strings.Join(roots, ", ")
			}
			return s.custody(ctx, tx, c.ID, e.ID, "ingested", reason, "manifest-sha256="+rep.Manifest)
		})
	rep.ElapsedSeconds = time.Since(start).Seconds()
	return rep, err
}

func toStoreFile(exhibitID int64, it evidence.Item, status string) store.File {
	f := store.File{ExhibitID: exhibitID, Path: it.Path, Size: it.Size, MediaType: it.MediaType, PDQQuality: -1,
		Status: status, Error: it.Err, Warnings: strings.Join(it.Warnings, "\n"), OSPath: it.OSPath, Depth: it.Depth}
	if !it.ModTime.IsZero() {
		f.ModTime = it.ModTime.UTC().Format(time.RFC3339)
	}
	if it.Hashed {
		f.MD5, f.SHA1, f.SHA256 = it.Digests.MD5Hex(), it.Digests.SHA1Hex(), it.Digests.SHA256Hex()
	}
	if it.PDQ != nil {
		f.PDQ, f.PDQQuality = it.PDQ.String(), it.PDQQuality
	}
	return f
}

func toFileMatches(ms []Match) []store.FileMatch {
	var out []store.FileMatch
	for _, x := range ms {
		out = append(out, store.FileMatch{Bank: x.Bank, BankKind: x.BankKind, RecordID: x.Record, Kind: x.Kind, Hash: x.Hash,
			Distance: x.Distance, Category: x.Category, NormCategory: x.NormCategory, Series: x.Series})
	}
	return out
}

// manifest renders the exhibit's on-disk files as a hashdeep manifest
// (hashdeep -c md5,sha1,sha256 format), sorted by path.
func (s *Service) manifest(ctx context.Context, e store.Exhibit, roots []string) (string, int, error) {
	type line struct{ path, text string }
	var lines []line
	err := s.db.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error {
		if f.Depth != 0 || f.OSPath == "" || f.SHA256 == "" {
			return nil
		}
		lines = append(lines, line{f.OSPath, fmt.Sprintf("%d,%s,%s,%s,%s", f.Size, f.MD5, f.SHA1, f.SHA256, f.OSPath)})
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].path < lines[j].path })
	var b strings.Builder
	b.WriteString("%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,sha256,filename\n")
	fmt.Fprintf(&b, "## Invoked from: vibora ingest\n## $ vibora ingest --exhibit %s %s\n##\n", e.Label, strings.Join(roots, " "))
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String(), len(lines), nil
}
