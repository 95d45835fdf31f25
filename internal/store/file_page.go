package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// FileMatchesOf returns the matches of the given files, keyed by file ID:
// the matches of one page of files.
func (q q) FileMatchesOf(ctx context.Context, fileIDs []int64) (map[int64][]FileMatch, error) {
	out := map[int64][]FileMatch{}
	for len(fileIDs) > 0 {
		n := min(len(fileIDs), 500)
		batch := fileIDs[:n]
		fileIDs = fileIDs[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.query(ctx, `SELECT `+matchCols+`
			FROM file_matches m WHERE m.file_id IN (?`+strings.Repeat(", ?", len(batch)-1)+`) ORDER BY m.file_id, m.distance, m.bank, m.record_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			m, err := scanFileMatch(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[m.FileID] = append(out[m.FileID], m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Orders of a page of a case's files (FilePageFilter.Order).
const (
	FileByID   = ""     // the order the files were stored
	FileByPath = "path" // by display path (byte order), then ID
	FileBySize = "size" // by size, then ID
)

// FilePageFilter selects one page of a case's files. Each status is read
// as one range of an index that starts with the case and the status
// (files_case_status_id, _path, _size), from the previous page's last
// file on, so a page costs the same at any depth; the statuses' ranges
// are merged.
type FilePageFilter struct {
	CaseID    int64
	Statuses  []string // the statuses to read (required)
	ExhibitID int64    // 0: every exhibit
	Category  string   // normalised or given category of a match
	Order     string   // FileByID, FileByPath or FileBySize
	Desc      bool
	// After is the last file of the previous page (its ID, Path and Size
	// are read); nil for the first page.
	After *File
	Limit int
	// RareCategory overrides the package's RareCategory (tests read both
	// ways with it); 0 keeps the default.
	RareCategory int64
}

const pageFileCols = "f.id, f.exhibit_id, f.path, f.size, f.mtime, f.media_type, f.md5, f.sha1, f.sha256, f.pdq, f.pdq_quality, f.status, f.error, f.warnings, f.os_path, f.depth, f.root, f.member, f.seq, f.ingest_id, f.batch"

func scanPageFile(rows interface{ Scan(...any) error }, f *File) error {
	return rows.Scan(&f.ID, &f.ExhibitID, &f.Path, &f.Size, &f.ModTime, &f.MediaType, &f.MD5, &f.SHA1, &f.SHA256, &f.PDQ, &f.PDQQuality, &f.Status, &f.Error,
		&f.Warnings, &f.OSPath, &f.Depth, &f.Root, &f.Member, &f.Seq, &f.IngestID, &f.Batch)
}

// FilePage returns up to Limit files of the filter, in its order, with
// their case and exhibit names.
func (q q) FilePage(ctx context.Context, ff FilePageFilter) ([]File, error) {
	if ff.CaseID == 0 || len(ff.Statuses) == 0 || ff.Limit < 1 {
		return nil, errors.New("file page: a case, statuses and a limit are required")
	}
	// Path order is byte order in both dialects.
	path := "f.path"
	if q.dialect == Postgres {
		path = `f.path COLLATE "C"`
	}
	var key string
	switch ff.Order {
	case FileByID:
	case FileByPath:
		key = path
	case FileBySize:
		key = "f.size"
	default:
		return nil, fmt.Errorf("file page: unknown order %q", ff.Order)
	}
	cmpOp, dir := ">", ""
	if ff.Desc {
		cmpOp, dir = "<", " DESC"
	}
	// A category filter reads the category's matches first when it is
	// rare (its files are sorted, at most RareCategory of them); a common
	// one is dense enough in the status ranges that walking them in order
	// finds a page soon.
	from := "FROM files f WHERE"
	var fromArgs []any
	if ff.Category != "" {
		n, err := q.categoryFiles(ctx, ff.CaseID, ff.Category)
		if err != nil {
			return nil, err
		}
		if n <= cmp.Or(ff.RareCategory, RareCategory) {
			from = "FROM (SELECT file_id FROM file_matches WHERE category = ? UNION SELECT file_id FROM file_matches WHERE norm_category = ?) cm CROSS JOIN files f WHERE f.id = cm.file_id AND"
			fromArgs = []any{ff.Category, ff.Category}
		}
	}
	var out []File
	for _, status := range ff.Statuses {
		query := "SELECT " + pageFileCols + " " + from + " f.case_id = ? AND f.status = ?"
		args := append(slices.Clone(fromArgs), ff.CaseID, status)
		if ff.ExhibitID != 0 {
			query += " AND f.exhibit_id = ?"
			args = append(args, ff.ExhibitID)
		}
		if ff.Category != "" && fromArgs == nil {
			query += " AND EXISTS (SELECT 1 FROM file_matches m WHERE m.file_id = f.id AND (m.category = ? OR m.norm_category = ?))"
			args = append(args, ff.Category, ff.Category)
		}
		if ff.After != nil {
			switch ff.Order {
			case FileByID:
				query += " AND f.id " + cmpOp + " ?"
				args = append(args, ff.After.ID)
			case FileByPath:
				query += " AND (" + path + ", f.id) " + cmpOp + " (?, ?)"
				args = append(args, ff.After.Path, ff.After.ID)
			case FileBySize:
				query += " AND (f.size, f.id) " + cmpOp + " (?, ?)"
				args = append(args, ff.After.Size, ff.After.ID)
			}
		}
		order := " ORDER BY "
		if key != "" {
			order += key + dir + ", "
		}
		order += "f.id" + dir + fmt.Sprintf(" LIMIT %d", ff.Limit)
		rows, err := q.query(ctx, query+order, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var f File
			if err := scanPageFile(rows, &f); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// Merge the statuses' ranges, each already in order.
	slices.SortFunc(out, func(a, b File) int {
		c := 0
		switch ff.Order {
		case FileByPath:
			c = strings.Compare(a.Path, b.Path)
		case FileBySize:
			c = cmp.Compare(a.Size, b.Size)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if ff.Desc {
			c = -c
		}
		return c
	})
	if len(out) > ff.Limit {
		out = out[:ff.Limit]
	}
	return out, q.nameFiles(ctx, ff.CaseID, out)
}

// RareCategory is the most files a category may have for the files table
// to read its matches first (and sort them) rather than walk the status
// ranges in order.
const RareCategory = 20_000

// categoryFiles is how many files of a case matched a category, from the
// kept counts (a file counts under its normalised category when it has
// one; a category given only as the raw one counts as rare, which is
// correct and at worst slower).
func (q q) categoryFiles(ctx context.Context, caseID int64, category string) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `SELECT COALESCE(SUM(mc.files), 0) FROM match_counts mc JOIN exhibits e ON e.id = mc.exhibit_id
		WHERE e.case_id = ? AND mc.category = ?`, caseID, category).Scan(&n)
	return n, err
}

// CategoryOfKind reports whether any file matched category (given or
// normalised) through a bank of kind, in any case: the files table reads
// no ignorable file for a category no ignorable bank gave.
func (q q) CategoryOfKind(ctx context.Context, category, kind string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM file_matches WHERE category = ? AND bank_kind = ?)
		OR EXISTS (SELECT 1 FROM file_matches WHERE norm_category = ? AND bank_kind = ?) THEN 1 ELSE 0 END`, category, kind, category, kind).Scan(&n)
	return n > 0, err
}

// nameFiles fills the case and exhibit names of files of one case.
func (q q) nameFiles(ctx context.Context, caseID int64, files []File) error {
	if len(files) == 0 {
		return nil
	}
	var caseName string
	if err := q.queryRow(ctx, "SELECT name FROM cases WHERE id = ?", caseID).Scan(&caseName); err != nil {
		return err
	}
	labels := map[int64]string{}
	rows, err := q.query(ctx, "SELECT id, label FROM exhibits WHERE case_id = ?", caseID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var label string
		if err := rows.Scan(&id, &label); err != nil {
			return err
		}
		labels[id] = label
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range files {
		files[i].Case, files[i].Exhibit = caseName, labels[files[i].ExhibitID]
	}
	return nil
}

// CaseFile returns one file of a case by ID; a file of another case is
// ErrNotFound.
func (q q) CaseFile(ctx context.Context, caseID, id int64) (File, error) {
	var f File
	err := scanPageFile(q.queryRow(ctx, "SELECT "+pageFileCols+" FROM files f WHERE f.id = ? AND f.case_id = ?", id, caseID), &f)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, fmt.Errorf("file %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return File{}, err
	}
	fs := []File{f}
	err = q.nameFiles(ctx, caseID, fs)
	return fs[0], err
}

// Sighting is where else a file's content (its SHA-256) was seen: a case
// and how many of its files have it.
type Sighting struct {
	CaseID int64
	Case   string
	Agency string
	Files  int64
}

// Sightings lists the cases other than caseID with files of that SHA-256,
// by case name (files_sha256 index).
func (q q) Sightings(ctx context.Context, sha256 string, caseID int64) ([]Sighting, error) {
	if sha256 == "" {
		return nil, nil
	}
	rows, err := q.query(ctx, `SELECT c.id, c.name, c.agency, COUNT(*) FROM files f JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id
		WHERE f.sha256 = ? AND e.case_id <> ? GROUP BY c.id, c.name, c.agency ORDER BY c.name`, sha256, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Sighting
	for rows.Next() {
		var s Sighting
		if err := rows.Scan(&s.CaseID, &s.Case, &s.Agency, &s.Files); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
