package investigation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// IngestOptions control an ingest.
type IngestOptions struct {
	Exhibit     string   // label; created when it does not exist yet
	ExhibitType string   // type for a new exhibit
	Paths       []string // directories, files, archives
	Passwords   []string // tried on encrypted archives
	MaxDepth    int      // archive nesting (0: source.DefaultMaxDepth; negative: none)
	Workers     int      // 0: every core
	// MemoryLimit is the walk's memory budget in bytes (0:
	// evidence.DefaultMemoryLimit; negative: none); see
	// evidence.RunOptions.MemoryLimit.
	MemoryLimit int64
	CryptoOnly  bool // no PDQ: digests and media type only
	// Video, when set (and not CryptoOnly), computes and stores the vPDQ
	// of videos on disk with these options.
	Video *video.Options
	Match MatchOptions
	// BatchSize is how many files each transaction stores (0: 256).
	BatchSize int
	// Progress, when set, is called after each stored batch.
	Progress func(files, bytes int64)
	// Discovered, when set, is called with each file found (for totals).
	Reason string // why the ingest is done (custody record)
	// Part, when set, makes this run one part of an ingest fanned out
	// over workers (StartIngest): only the part's files on disk are read,
	// its batches go to the part's ingest row, numbered for this part and
	// Attempt, and the exhibit is completed later (CompleteIngest).
	Part    *IngestPart
	Attempt int
}

// IngestReport summarises an ingest.
type IngestReport struct {
	Case    string `json:"case"`
	Exhibit string `json:"exhibit"`
	Ingest  int64  `json:"ingest"`
	Files   int64  `json:"files"`   // stored by this run
	Skipped int64  `json:"skipped"` // stored before (or by a concurrent run)
	// Bytes counts the bytes read from the files stored by this run
	// (never the declared size of a member that could not be read).
	Bytes    int64            `json:"bytes"`
	ByStatus map[string]int64 `json:"by_status"`
	// Problems counts this run's files that could not be read completely,
	// by kind (encrypted, corrupt, limit, undecodable, unreadable).
	Problems map[string]int64 `json:"problems"`
	// ExhibitProblems counts such files in the whole exhibit after the
	// run (earlier runs included): findings an examiner must look at.
	ExhibitProblems int64   `json:"exhibit_problems"`
	Manifest        string  `json:"manifest_sha256"`
	ManifestFiles   int     `json:"manifest_files"`
	ElapsedSeconds  float64 `json:"elapsed_seconds"`
	// MemoryLimit is the budget the walk ran under (0: none), PeakMemory
	// the process's peak resident set size so far (0 where unknown).
	MemoryLimit int64  `json:"memory_limit_bytes"`
	PeakMemory  int64  `json:"peak_memory_bytes"`
	IndexSource string `json:"match_index"`
	// Interrupted lists earlier ingests of the exhibit whose process was
	// found gone while they were still running (marked interrupted).
	Interrupted []int64 `json:"interrupted"`
}

// Ingest walks an exhibit's sources, hashes and matches every file and
// stores the results in batches. Every entry a source yields is its own row,
// identified by root, raw member path and occurrence (evidence.Identity), and
// shown under a display path of its own. It is idempotent and crash-safe:
// files already stored for the exhibit are skipped, so running the same
// command again after an interruption (even kill -9), or concurrently,
// completes the exhibit with no file missing or stored (or counted) twice.
// Each batch's audit record holds the digest of the rows it stored
// (VerifyStore recomputes them). Nothing is ever written to the sources.
func (s *Service) Ingest(ctx context.Context, caseName string, opt IngestOptions) (IngestReport, error) {
	start := time.Now()
	rep := IngestReport{Case: caseName, Exhibit: opt.Exhibit, ByStatus: map[string]int64{}, Problems: map[string]int64{}, Interrupted: []int64{}}
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
		if !slices.Contains(roots, abs) {
			roots = append(roots, abs)
		}
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
	object := "exhibit:" + c.Name + "/" + e.Label
	if rep.Interrupted, err = s.markInterrupted(ctx, object, e.ID); err != nil {
		return rep, err
	}
	spill, release, err := s.spillDir()
	if err != nil {
		return rep, err
	}
	defer release()
	m, err := s.Matcher(ctx, opt.Match)
	if err != nil {
		return rep, err
	}
	rep.IndexSource = m.Source
	done, taken, err := s.db.FileKeys(ctx, e.ID)
	if err != nil {
		return rep, err
	}
	earlier, err := s.rootLabels(ctx, e.ID)
	if err != nil {
		return rep, err
	}
	labels := evidence.RootLabels(roots, earlier)
	own := map[string]string{}
	for _, r := range roots {
		own[r] = labels[r]
	}
	rootsJSON, _ := json.Marshal(roots)
	labelsJSON, _ := json.Marshal(own)
	in := store.Ingest{ExhibitID: e.ID, Roots: string(rootsJSON), StartedAt: s.timestamp(), Actor: s.actor(ctx), Status: "running",
		Labels: string(labelsJSON), Owner: processOwner()}
	batchNo := 0
	part := opt.Part
	if part != nil {
		in.ID, batchNo = part.Ingest, part.batchBase(opt.Attempt)
	} else {
		err = s.mutate(ctx, &change{action: "ingest.start", object: object,
			detail: map[string]any{"roots": roots, "labels": own, "already_stored": len(done), "crypto_only": opt.CryptoOnly}},
			func(tx *store.Tx) error { return tx.InsertIngest(ctx, &in) })
		if err != nil {
			return rep, err
		}
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
	// The files of a batch are matched together, their PDQ queries in one
	// search (one scatter and gather when the matchers answer).
	var items []evidence.Item
	flush := func() error {
		if len(items) == 0 {
			return nil
		}
		rs := make([]*evidence.Result, len(items))
		for i := range items {
			rs[i] = &items[i].Result
		}
		ms, sts, err := m.MatchResults(ctx, rs)
		if err != nil {
			return err
		}
		batch = batch[:0]
		for i, it := range items {
			batch = append(batch, stored{file: toStoreFile(e.ID, it, sts[i]), matches: toFileMatches(ms[i])})
		}
		items = items[:0]
		batchNo++
		ch := &change{action: "ingest.batch", object: object}
		var inserted []*store.File
		err = s.mutate(ctx, ch, func(tx *store.Tx) error {
			files := make([]*store.File, len(batch))
			matches := make([][]store.FileMatch, len(batch))
			sealed := map[int64][]store.FileMatch{}
			for i := range batch {
				batch[i].file.IngestID, batch[i].file.Batch = in.ID, batchNo
				files[i], matches[i] = &batch[i].file, batch[i].matches
			}
			if _, err := tx.InsertFiles(ctx, files, matches); err != nil {
				return err
			}
			// Only the rows this run stored count and are sealed: a row a
			// concurrent run stored first is that run's.
			inserted = inserted[:0]
			var rows []store.File
			for i, f := range files {
				if f.ID != 0 {
					inserted = append(inserted, f)
					rows = append(rows, *f)
					sealed[f.ID] = matches[i]
				}
			}
			ch.after = BatchDigest(rows, sealed)
			ch.detail = map[string]any{"ingest": in.ID, "batch": batchNo, "files": len(rows), "offered": len(files),
				"first": batch[0].file.Path, "last": batch[len(batch)-1].file.Path}
			return nil
		})
		if err != nil {
			return err
		}
		rep.Skipped += int64(len(batch) - len(inserted))
		for _, f := range inserted {
			rep.Files++
			if f.SHA256 != "" {
				rep.Bytes += f.Size
			}
			rep.ByStatus[f.Status]++
			if f.Error != "" {
				rep.Problems[problemKind(f.Error)]++
			}
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(rep.Files, rep.Bytes)
		}
		return nil
	}
	var walkSkipped atomic.Int64
	runOpt := evidence.RunOptions{
		Process:     evidence.ProcessOptions{PDQ: !opt.CryptoOnly, Dihedral: opt.Match.Dihedral, Video: videoUnless(opt.CryptoOnly, opt.Video)},
		Source:      source.Options{MaxDepth: opt.MaxDepth, Passwords: opt.Passwords, TempDir: spill},
		Workers:     opt.Workers,
		MemoryLimit: opt.MemoryLimit,
		Labels:      labels,
		Taken:       func(p string) bool { return taken[p] },
		Skip: func(id evidence.Identity) bool {
			if done[store.FileKey{Root: id.Root, Member: id.Member, Seq: id.Seq}] {
				walkSkipped.Add(1) // on the walking goroutine
				return true
			}
			return false
		},
	}
	var check partCheck
	if part != nil {
		runOpt.Source.Select = check.selector(part)
	}
	lastFlush := time.Now()
	err = evidence.Run(ctx, roots, runOpt, func(it evidence.Item) error {
		items = append(items, it)
		if len(items) >= batchSize || time.Since(lastFlush) > 2*time.Second {
			lastFlush = time.Now()
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	rep.Skipped += walkSkipped.Load()
	if err == nil && part != nil {
		err = check.result(part)
	}
	if err != nil || part != nil {
		rep.ElapsedSeconds = time.Since(start).Seconds()
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
	err = s.db.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error {
		if f.Error != "" {
			rep.ExhibitProblems++
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	err = s.finishIngest(ctx, c, e, &in, &rep, manifest, roots, opt.Reason, map[string]any{"batches": batchNo})
	rep.ElapsedSeconds = time.Since(start).Seconds()
	rep.MemoryLimit, rep.PeakMemory = max(cmp.Or(opt.MemoryLimit, evidence.DefaultMemoryLimit), 0), evidence.PeakMemory()
	return rep, err
}

// finishIngest records an ingest as done, in one transaction with its
// audit record: the ingest row with its counts and manifest, and the
// custody event "ingested" (reason, or the roots read). detail adds to the
// audit record's detail.
func (s *Service) finishIngest(ctx context.Context, c store.Case, e store.Exhibit, in *store.Ingest, rep *IngestReport, manifest string, roots []string, reason string, detail map[string]any) error {
	in.FinishedAt, in.Files, in.Bytes, in.Status = s.timestamp(), rep.Files, rep.Bytes, "done"
	in.Manifest, in.ManifestSHA256 = manifest, rep.Manifest
	d := map[string]any{"ingest": in.ID, "files": rep.Files, "skipped": rep.Skipped, "bytes": rep.Bytes, "by_status": rep.ByStatus,
		"problems": rep.Problems, "manifest_sha256": rep.Manifest}
	maps.Copy(d, detail)
	if reason == "" {
		reason = "ingested " + strings.Join(roots, ", ")
	}
	return s.mutate(ctx, &change{action: "ingest.finish", object: "exhibit:" + c.Name + "/" + e.Label, after: in.ManifestSHA256, detail: d},
		func(tx *store.Tx) error {
			if err := tx.FinishIngest(ctx, in); err != nil {
				return err
			}
			return s.custody(ctx, tx, c.ID, e.ID, "ingested", reason, "manifest-sha256="+rep.Manifest)
		})
}

// problemKind sorts a file's error into the kinds an ingest reports.
func problemKind(msg string) string {
	switch {
	case strings.Contains(msg, source.ErrEncrypted.Error()):
		return "encrypted"
	case strings.Contains(msg, source.ErrCorrupt.Error()):
		return "corrupt"
	case strings.Contains(msg, source.ErrLimit.Error()):
		return "limit"
	case strings.HasPrefix(msg, "pdq:"):
		return "undecodable" // read and hashed, but the image does not decode
	}
	return "unreadable"
}

// rootLabels returns the display label each root of the exhibit's earlier
// ingests had (its base name before labels were recorded).
func (s *Service) rootLabels(ctx context.Context, exhibitID int64) (map[string]string, error) {
	ins, err := s.db.Ingests(ctx, exhibitID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, in := range ins {
		var roots []string
		labels := map[string]string{}
		json.Unmarshal([]byte(in.Roots), &roots)
		if in.Labels != "" {
			json.Unmarshal([]byte(in.Labels), &labels)
		}
		for _, r := range roots {
			if _, ok := out[r]; !ok {
				out[r] = cmp.Or(labels[r], filepath.Base(filepath.Clean(r)))
			}
		}
	}
	return out, nil
}

func toStoreFile(exhibitID int64, it evidence.Item, status string) store.File {
	f := store.File{ExhibitID: exhibitID, Path: it.Path, Root: it.ID.Root, Member: it.ID.Member, Seq: it.ID.Seq, Size: it.Size, MediaType: it.MediaType, PDQQuality: -1,
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
	if v := it.Video; v != nil {
		f.Video = &store.FileVideo{Format: v.Format, Codec: v.Codec, Width: v.Width, Height: v.Height, FPS: v.FPS, Duration: v.Duration,
			SecondsPerHash: v.SecondsPerHash, FrameMod: v.FrameMod, FrameSize: v.Size, Frames: make([]store.VideoFrame, len(v.Frames))}
		for i, fr := range v.Frames {
			f.Video.Frames[i] = store.VideoFrame{Frame: fr.Number, Quality: fr.Quality, PDQ: fr.PDQ.String(), Timestamp: fr.Timestamp}
		}
	}
	f.Generation, f.Model = storeGeneration(it.Generation), storeModel(it.Model)
	return f
}

func videoUnless(cryptoOnly bool, opt *video.Options) *video.Options {
	if cryptoOnly {
		return nil
	}
	return opt
}

func toFileMatches(ms []Match) []store.FileMatch {
	var out []store.FileMatch
	for _, x := range ms {
		fm := store.FileMatch{Bank: x.Bank, BankKind: x.BankKind, RecordID: x.Record, Kind: x.Kind, Hash: x.Hash,
			Distance: x.Distance, Category: x.Category, NormCategory: x.NormCategory, Series: x.Series, QueryPercent: -1, ComparedPercent: -1}
		if x.QueryMatchPercent != nil && x.ComparedMatchPercent != nil {
			fm.QueryPercent, fm.ComparedPercent = *x.QueryMatchPercent, *x.ComparedMatchPercent
		}
		out = append(out, fm)
	}
	return out
}

// manifest renders the exhibit's on-disk files as a hashdeep manifest
// (hashdeep -c md5,sha1,sha256 format), sorted by path.
func (s *Service) manifest(ctx context.Context, e store.Exhibit, roots []string) (string, int, error) {
	type line struct{ path, text string }
	var lines []line
	seen := map[string]bool{} // a file under two ingested roots is listed once
	err := s.db.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error {
		if f.Depth != 0 || f.OSPath == "" || f.SHA256 == "" || seen[f.OSPath] {
			return nil
		}
		seen[f.OSPath] = true
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
