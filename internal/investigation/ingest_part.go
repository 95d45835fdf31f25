package investigation

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/store"
)

// IngestPart is one part of an ingest fanned out over workers: the files
// on disk numbered First to End-1, in walk order, under one root (with
// their archives' members). Parts are planned by a walk that reads no
// file (PlanIngest); FirstRaw and LastRaw, the raw paths of the part's
// first and last file, catch evidence that changed since.
type IngestPart struct {
	Ingest   int64  `json:"ingest"` // the ingest row the part's batches belong to
	Index    int    `json:"index"`
	Root     string `json:"root"`
	First    int    `json:"first"`
	End      int    `json:"end"`
	FirstRaw string `json:"first_raw"`
	LastRaw  string `json:"last_raw"`
	Files    int    `json:"files"`
	Bytes    int64  `json:"bytes"`
}

// batchBase numbers a part's batches apart from every other part's and
// attempt's of the same ingest (batches of one ingest row are sealed by
// number): part i, attempt a starts after (i+1)*1e9 + a*1e6.
func (p *IngestPart) batchBase(attempt int) int {
	return (p.Index+1)*1_000_000_000 + max(attempt, 0)*1_000_000
}

// partCheck verifies, during a part's walk, that the files numbered
// First and End-1 are the ones planned.
type partCheck struct{ first, last string }

func (c *partCheck) selector(p *IngestPart) func(int, string, int64) bool {
	return func(n int, raw string, _ int64) bool {
		switch n {
		case p.First:
			c.first = raw
		case p.End - 1:
			c.last = raw
		}
		return n >= p.First && n < p.End
	}
}

func (c *partCheck) result(p *IngestPart) error {
	if c.first != p.FirstRaw || c.last != p.LastRaw {
		return fmt.Errorf("ingest part %d of %s: the evidence changed since the ingest was planned (files %d..%d are %q..%q, planned %q..%q)",
			p.Index, p.Root, p.First, p.End-1, c.first, c.last, p.FirstRaw, p.LastRaw)
	}
	return nil
}

// PlanIngest splits the evidence under paths into parts of at most
// maxFiles files on disk or maxBytes bytes (a larger file is a part of its
// own), by a walk that opens no file.
func PlanIngest(ctx context.Context, paths []string, maxFiles int, maxBytes int64) ([]IngestPart, error) {
	roots, err := ingestRoots(paths)
	if err != nil {
		return nil, err
	}
	var parts []IngestPart
	for _, root := range roots {
		var cur *IngestPart
		err := source.Walk(ctx, root, source.Options{Select: func(n int, raw string, size int64) bool {
			size = max(size, 0)
			if cur != nil && (cur.Files >= maxFiles || cur.Bytes+size > maxBytes && cur.Files > 0) {
				parts = append(parts, *cur)
				cur = nil
			}
			if cur == nil {
				cur = &IngestPart{Index: len(parts), Root: root, First: n, FirstRaw: raw}
			}
			cur.End, cur.LastRaw = n+1, raw
			cur.Files++
			cur.Bytes += size
			return false
		}}, func(source.Entry) error { return nil })
		if err != nil {
			return nil, fmt.Errorf("plan ingest of %s: %w", root, err)
		}
		if cur != nil {
			parts = append(parts, *cur)
		}
	}
	return parts, nil
}

// ingestRoots checks and de-duplicates an ingest's paths, made absolute.
func ingestRoots(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no evidence paths given: %w", ErrInvalid)
	}
	var roots []string
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		if _, err := source.CheckInput(abs, true); err != nil {
			return nil, fmt.Errorf("evidence path: %v: %w", err, ErrInvalid)
		}
		if !slices.Contains(roots, abs) {
			roots = append(roots, abs)
		}
	}
	return roots, nil
}

// StartIngest starts an ingest fanned out over workers: in one
// transaction it records the ingest (created exhibit, ingest row, audit
// record), calls enqueue, which queues the parts (IngestOptions.Part, run
// by Ingest on any worker) and what completes them (CompleteIngest) given
// the ingest row's id, and hands the job from runner to the runner
// enqueue names. The ingest row's owner is the job (job:ID), not a
// process: no worker's death interrupts it.
func (r JobRunner) StartIngest(ctx context.Context, rec JobRecord, runner string, opt IngestOptions, parts int, enqueue func(ctx context.Context, tx *sql.Tx, ingest int64) (string, error)) (int64, error) {
	s := r.s
	roots, err := ingestRoots(opt.Paths)
	if err != nil {
		return 0, err
	}
	c, err := s.caseFor(ctx, rec.Case, access.Write)
	if err != nil {
		return 0, err
	}
	e, err := s.ensureExhibit(ctx, c, opt.Exhibit, cmpOr(opt.ExhibitType, "storage"))
	if err != nil {
		return 0, err
	}
	object := "exhibit:" + c.Name + "/" + e.Label
	if _, err := s.markInterrupted(ctx, object, e.ID); err != nil {
		return 0, err
	}
	earlier, err := s.rootLabels(ctx, e.ID)
	if err != nil {
		return 0, err
	}
	labels := evidence.RootLabels(roots, earlier)
	own := map[string]string{}
	for _, root := range roots {
		own[root] = labels[root]
	}
	rootsJSON, _ := json.Marshal(roots)
	labelsJSON, _ := json.Marshal(own)
	in := store.Ingest{ExhibitID: e.ID, Roots: string(rootsJSON), StartedAt: s.timestamp(), Actor: s.actor(ctx), Status: "running",
		Labels: string(labelsJSON), Owner: fmt.Sprintf("job:%d", rec.ID)}
	err = s.mutate(ctx, &change{action: "ingest.start", object: object,
		detail: map[string]any{"roots": roots, "labels": own, "job": rec.ID, "parts": parts, "crypto_only": opt.CryptoOnly}},
		func(tx *store.Tx) error {
			if err := tx.InsertIngest(ctx, &in); err != nil {
				return err
			}
			to, err := enqueue(ctx, tx.SQL(), in.ID)
			if err != nil {
				return err
			}
			held, err := tx.HandOffJob(ctx, rec.ID, runner, to, s.timestamp())
			if err == nil && !held {
				err = fmt.Errorf("job %d: taken over by another runner", rec.ID)
			}
			return err
		})
	return in.ID, err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CompleteIngest completes an ingest fanned out over workers once every
// part has run: the report counts the rows the parts stored, the
// manifest covers the exhibit's files on disk, and the ingest row, its
// audit record and the custody record are written as Ingest writes them
// at its end. Completing an ingest that is done already writes nothing
// and returns its report again.
func (s *Service) CompleteIngest(ctx context.Context, caseName string, opt IngestOptions, ingestID int64) (IngestReport, error) {
	start := time.Now()
	rep := IngestReport{Case: caseName, Exhibit: opt.Exhibit, Ingest: ingestID, ByStatus: map[string]int64{}, Problems: map[string]int64{}, Interrupted: []int64{}}
	roots, err := ingestRoots(opt.Paths)
	if err != nil {
		return rep, err
	}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	e, err := s.db.ExhibitByLabel(ctx, c.ID, opt.Exhibit)
	if err != nil {
		return rep, err
	}
	ins, err := s.db.Ingests(ctx, e.ID)
	if err != nil {
		return rep, err
	}
	i := slices.IndexFunc(ins, func(in store.Ingest) bool { return in.ID == ingestID })
	if i < 0 {
		return rep, fmt.Errorf("ingest %d of exhibit %s: %w", ingestID, e.Label, store.ErrNotFound)
	}
	in := ins[i]
	err = s.db.Files(ctx, store.FileFilter{ExhibitID: e.ID}, func(f store.File) error {
		if f.Error != "" {
			rep.ExhibitProblems++
		}
		if f.IngestID != ingestID {
			rep.Skipped++
			return nil
		}
		rep.Files++
		if f.SHA256 != "" {
			rep.Bytes += f.Size
		}
		rep.ByStatus[f.Status]++
		if f.Error != "" {
			rep.Problems[problemKind(f.Error)]++
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	manifest, n, err := s.manifest(ctx, e, roots)
	if err != nil {
		return rep, err
	}
	sum := sha256.Sum256([]byte(manifest))
	rep.Manifest, rep.ManifestFiles = hex.EncodeToString(sum[:]), n
	rep.MemoryLimit, rep.PeakMemory = 0, evidence.PeakMemory()
	if in.Status == "done" {
		rep.ElapsedSeconds = time.Since(start).Seconds()
		return rep, nil
	}
	err = s.finishIngest(ctx, c, e, &in, &rep, manifest, roots, opt.Reason, nil)
	rep.ElapsedSeconds = time.Since(start).Seconds()
	return rep, err
}

// StopIngest marks a fanned-out ingest that will not complete (cancelled,
// or a part failed for good) with status, once.
func (s *Service) StopIngest(ctx context.Context, caseName, exhibit string, ingestID int64, status string) error {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return err
	}
	ch := &change{action: "ingest." + status, object: "exhibit:" + c.Name + "/" + exhibit, detail: map[string]any{"ingest": ingestID}}
	return s.mutate(ctx, ch, func(tx *store.Tx) error {
		_, err := tx.MarkIngest(ctx, ingestID, status)
		return err
	})
}

// IngestStored counts the rows an ingest stored and their bytes read (a
// fanned-out ingest's progress).
func (r JobRunner) IngestStored(ctx context.Context, ingestID int64) (files, bytes int64, err error) {
	return r.s.db.IngestStored(ctx, ingestID)
}
