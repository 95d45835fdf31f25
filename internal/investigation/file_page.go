package investigation

import (
	"context"
	"fmt"
	"github.com/vibora-project/vibora/internal/hashing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// MaxFilePage bounds a page of FilePage.
const MaxFilePage = 1000

// FilePage is one page of a case's files, in the order they were stored.
type FilePage struct {
	Files []FileView
	// After is the position to resume from: the ID of the page's last
	// file, or 0 when no file follows it.
	After int64
}

// FilePage lists up to limit (1..MaxFilePage) of a case's files that match
// q and come after the position after (0 for the first page). Files stored
// while a caller pages are seen on a later page, never skipped.
func (s *Service) FilePage(ctx context.Context, caseName string, q FileQuery, after int64, limit int) (FilePage, error) {
	if limit < 1 || limit > MaxFilePage {
		limit = MaxFilePage
	}
	switch q.Status {
	case "", "matched", "unknown", "ignorable", "error":
	default:
		return FilePage{}, fmt.Errorf("status %q: want matched, unknown, ignorable or error: %w", q.Status, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return FilePage{}, err
	}
	ff := store.FileFilter{CaseID: c.ID, Status: q.Status, Category: q.Category, AfterID: max(after, 0), Limit: limit + 1}
	if q.Exhibit != "" {
		e, err := s.db.ExhibitByLabel(ctx, c.ID, q.Exhibit)
		if err != nil {
			return FilePage{}, err
		}
		ff.ExhibitID = e.ID
	}
	var files []store.File
	if err := s.db.Files(ctx, ff, func(f store.File) error { files = append(files, f); return nil }); err != nil {
		return FilePage{}, err
	}
	page := FilePage{Files: []FileView{}}
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

// File returns one file of a case, by ID, with its matches. A file of
// another case is not found.
func (s *Service) File(ctx context.Context, caseName string, id int64) (FileView, error) {
	if id < 1 {
		return FileView{}, fmt.Errorf("file %d: %w", id, store.ErrNotFound)
	}
	page, err := s.FilePage(ctx, caseName, FileQuery{}, id-1, 1)
	if err != nil {
		return FileView{}, err
	}
	if len(page.Files) == 0 || page.Files[0].ID != id {
		return FileView{}, fmt.Errorf("file %d of case %q: %w", id, caseName, store.ErrNotFound)
	}
	return page.Files[0], nil
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
