package investigation

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/vibora-project/vibora/internal/hashing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// MaxFilePage bounds a page of FilePage.
const MaxFilePage = 1000

// FileStatuses are the triage statuses of a file.
var FileStatuses = []string{"matched", "ignorable", "unknown", "error"}

// FileOrders are the orders of a FilePage: "" (the order the files were
// stored), by path or by size.
var FileOrders = []string{store.FileByID, store.FileByPath, store.FileBySize}

// FilePage is one page of a case's files.
type FilePage struct {
	Files []FileView
	// After is the position to resume from: the ID of the page's last
	// file, or 0 when no file follows it.
	After int64
}

// FilePage lists up to limit (1..MaxFilePage) of a case's files that match
// q, in q's order, after the file with ID after (0 for the first page). A
// page is read from indexes that start with the case and status, from the
// previous page's last file on, so it costs the same at any depth; files
// stored while a caller pages by ID are seen on a later page, never
// skipped. after must be a file of the case.
func (s *Service) FilePage(ctx context.Context, caseName string, q FileQuery, after int64, limit int) (FilePage, error) {
	if limit < 1 || limit > MaxFilePage {
		limit = MaxFilePage
	}
	if q.Status != "" && !slices.Contains(FileStatuses, q.Status) {
		return FilePage{}, fmt.Errorf("status %q: want matched, unknown, ignorable or error: %w", q.Status, ErrInvalid)
	}
	if !slices.Contains(FileOrders, q.Order) {
		return FilePage{}, fmt.Errorf("order %q: want path or size: %w", q.Order, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return FilePage{}, err
	}
	ff := store.FilePageFilter{CaseID: c.ID, Category: q.Category, Order: q.Order, Desc: q.Desc, Limit: limit + 1}
	if q.Exhibit != "" {
		e, err := s.db.ExhibitByLabel(ctx, c.ID, q.Exhibit)
		if err != nil {
			return FilePage{}, err
		}
		ff.ExhibitID = e.ID
	}
	if q.Status != "" {
		ff.Statuses = []string{q.Status}
	} else if ff.Statuses, err = s.caseStatuses(ctx, c.ID); err != nil {
		return FilePage{}, err
	}
	if after > 0 {
		last, err := s.db.CaseFile(ctx, c.ID, after)
		if errors.Is(err, store.ErrNotFound) {
			return FilePage{}, fmt.Errorf("cursor: file %d is not a file of case %q: %w", after, caseName, ErrInvalid)
		}
		if err != nil {
			return FilePage{}, err
		}
		ff.After = &last
	}
	if q.Category != "" {
		// Only matched and ignorable files have matches (see Status), and
		// an ignorable file's matches are all of ignorable banks.
		ignorable, err := s.db.CategoryOfKind(ctx, q.Category, "ignorable")
		if err != nil {
			return FilePage{}, err
		}
		ff.Statuses = slices.DeleteFunc(ff.Statuses, func(st string) bool {
			return st != "matched" && (st != "ignorable" || !ignorable)
		})
	}
	page := FilePage{Files: []FileView{}}
	if len(ff.Statuses) == 0 {
		return page, nil
	}
	files, err := s.db.FilePage(ctx, ff)
	if err != nil {
		return FilePage{}, err
	}
	if len(files) > limit {
		files = files[:limit]
		page.After = files[limit-1].ID
	}
	ids := make([]int64, len(files))
	for i, f := range files {
		ids[i] = f.ID
	}
	ms, err := s.db.FileMatchesOf(ctx, ids)
	if err != nil {
		return FilePage{}, err
	}
	vs, err := s.db.FileVideos(ctx, videoIDs(files))
	if err != nil {
		return FilePage{}, err
	}
	for _, f := range files {
		f.Video = vs[f.ID]
		page.Files = append(page.Files, FileView{File: f, Matches: ms[f.ID]})
	}
	return page, nil
}

// caseStatuses lists the statuses a case's files have, from its counts.
func (s *Service) caseStatuses(ctx context.Context, caseID int64) ([]string, error) {
	counts, err := s.db.FileCounts(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, fc := range counts {
		if fc.Files > 0 && !slices.Contains(out, fc.Status) {
			out = append(out, fc.Status)
		}
	}
	slices.Sort(out)
	return out, nil
}

// File returns one file of a case, by ID, with its matches. A file of
// another case is not found.
func (s *Service) File(ctx context.Context, caseName string, id int64) (FileView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return FileView{}, err
	}
	f, err := s.db.CaseFile(ctx, c.ID, id)
	if err != nil {
		return FileView{}, fmt.Errorf("file %d of case %q: %w", id, caseName, err)
	}
	ms, err := s.db.FileMatchesOf(ctx, []int64{id})
	if err != nil {
		return FileView{}, err
	}
	vs, err := s.db.FileVideos(ctx, videoIDs([]store.File{f}))
	if err != nil {
		return FileView{}, err
	}
	f.Video = vs[id]
	return FileView{File: f, Matches: ms[id]}, nil
}

// FileDetail is one file with where else its content was seen.
type FileDetail struct {
	FileView
	// Seen lists the other cases the caller may read that hold a file
	// with the same SHA-256, with how many.
	Seen []FileSighting
	// SeenUnnamed is how many other cases the caller may not read hold
	// one: they are counted, never named.
	SeenUnnamed int
	// AI is what image generators wrote into the file, with the model
	// files its resources match (docs/ai.md); nil when nothing.
	AI *AIFileView
	// Model is a model file's hashes, training claims and the images that
	// name it; nil for other files.
	Model *AIModelView
}

// FileSighting is another case holding a file's content.
type FileSighting struct {
	Case   string `json:"case"`
	Agency string `json:"agency,omitempty"`
	Files  int64  `json:"files"`
}

// FileDetail returns one file of a case with its matches and where else
// its content (SHA-256) was seen: the cases the caller may read by name,
// the others only as a count.
func (s *Service) FileDetail(ctx context.Context, caseName string, id int64) (FileDetail, error) {
	fv, err := s.File(ctx, caseName, id)
	if err != nil {
		return FileDetail{}, err
	}
	d := FileDetail{FileView: fv, Seen: []FileSighting{}}
	c, err := s.db.CaseByName(ctx, caseName)
	if err != nil {
		return FileDetail{}, err
	}
	if d.AI, d.Model, err = s.fileAI(ctx, c, id); err != nil {
		return FileDetail{}, err
	}
	seen, err := s.db.Sightings(ctx, fv.SHA256, c.ID)
	if err != nil || len(seen) == 0 {
		return d, err
	}
	readable, err := s.readableCases(ctx)
	if err != nil {
		return FileDetail{}, err
	}
	for _, st := range seen {
		if readable[st.Case] {
			d.Seen = append(d.Seen, FileSighting{Case: st.Case, Agency: st.Agency, Files: st.Files})
		} else {
			d.SeenUnnamed++
		}
	}
	return d, nil
}

// videoIDs returns the IDs of the video files among files.
func videoIDs(files []store.File) []int64 {
	var ids []int64
	for _, f := range files {
		if hashing.IsVideo(f.MediaType) {
			ids = append(ids, f.ID)
		}
	}
	return ids
}
