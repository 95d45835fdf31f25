package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// File is one file found in an exhibit, as the ingest pipeline saw it.
type File struct {
	ID         int64
	ExhibitID  int64
	Case       string // case name, filled by queries
	Exhibit    string // label, filled by queries
	Path       string
	Size       int64
	ModTime    string
	MediaType  string
	MD5        string
	SHA1       string
	SHA256     string
	PDQ        string
	PDQQuality int
	Status     string // matched, ignorable, unknown, error
	Error      string
	Warnings   string // newline-separated
	OSPath     string // the file on disk (not inside an archive)
	Depth      int    // archives the file is inside
	// Identity within the exhibit (see evidence.Identity): the root given
	// to the ingest, the raw member path, the occurrence of that name.
	Root   string
	Member string
	Seq    int
	// The ingest and its batch that stored the row (its audit record
	// seals the row); 0 for rows stored before schema version 9.
	IngestID int64
	Batch    int
	// Video is a video's facts and frame hashes (stored by InsertFiles,
	// read by FileVideos); nil for other files.
	Video *FileVideo
	// Generation and Model are a file's generator records and model-file
	// facts (aigen.go), stored by InsertFiles.
	Generation []FileGeneration
	Model      *FileModel
}

// FileKey is a file's identity within its exhibit.
type FileKey struct {
	Root   string
	Member string
	Seq    int
}

// FileMatch is a bank hit recorded on a file.
type FileMatch struct {
	FileID       int64
	Bank         string
	BankKind     string
	RecordID     int64
	Kind         string
	Hash         string
	Distance     int
	Category     string
	NormCategory string
	Series       string
	// QueryPercent and ComparedPercent are a vPDQ match's q% and c%
	// (Kind "vpdq"); -1 for other kinds.
	QueryPercent, ComparedPercent float64
}

// percents returns a match's q% and c% as stored: -1 unless it is a vPDQ
// match.
func (m FileMatch) percents() (q, c float64) {
	if m.Kind != "vpdq" {
		return -1, -1
	}
	return m.QueryPercent, m.ComparedPercent
}

const insertFileSQL = `INSERT INTO files (exhibit_id, path, size, mtime, media_type, md5, sha1, sha256, pdq, pdq_quality, status, error, warnings, os_path, depth,
	root, member, seq, ingest_id, batch, case_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT case_id FROM exhibits WHERE id = ?)) ON CONFLICT (exhibit_id, root, member, seq) DO NOTHING RETURNING id`

const insertMatchSQL = `INSERT INTO file_matches (file_id, bank, bank_kind, record_id, kind, hash, distance, category, norm_category, series,
	query_percent, compared_percent)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`

// matchCols are the file_matches columns ScanFileMatch reads, in order.
const matchCols = `m.file_id, m.bank, m.bank_kind, m.record_id, m.kind, m.hash, m.distance, m.category, m.norm_category, m.series,
	m.query_percent, m.compared_percent`

func scanFileMatch(s interface{ Scan(...any) error }) (FileMatch, error) {
	var m FileMatch
	err := s.Scan(&m.FileID, &m.Bank, &m.BankKind, &m.RecordID, &m.Kind, &m.Hash, &m.Distance, &m.Category, &m.NormCategory, &m.Series,
		&m.QueryPercent, &m.ComparedPercent)
	return m, err
}

// InsertFile stores a file unless the exhibit already has one with its
// identity (a resumed, repeated or concurrent ingest). It reports whether
// the row was new. Two files with one display path are refused (an error):
// the caller gives each entry a display of its own.
func (tx *Tx) InsertFile(ctx context.Context, f *File, matches []FileMatch) (bool, error) {
	n, err := tx.InsertFiles(ctx, []*File{f}, [][]FileMatch{matches})
	return n == 1, err
}

// InsertFiles stores a batch of files (and each one's matches) with
// statements prepared once, skipping identities the exhibit already has
// (their ID stays 0), and adds the new files to the case's counts
// (file_count.go). It returns how many files were new.
func (tx *Tx) InsertFiles(ctx context.Context, files []*File, matches [][]FileMatch) (n int, err error) {
	// The counts are written once the batch is stored; after an error the
	// caller rolls the transaction back.
	var counts fileCounts
	defer func() {
		if err == nil {
			err = counts.write(ctx, tx)
		}
	}()
	if len(files) > 0 && tx.dialect == Postgres {
		// Concurrent ingests of one exhibit take turns per batch: without
		// the lock, a row another run has inserted but not committed trips
		// the (exhibit_id, path) constraint instead of the identity
		// conflict that skips it. SQLite transactions already hold the
		// database's write lock.
		var id int64
		if err := tx.queryRow(ctx, "SELECT id FROM exhibits WHERE id = ? FOR UPDATE", files[0].ExhibitID).Scan(&id); err != nil {
			return 0, fmt.Errorf("insert files: lock exhibit %d: %w", files[0].ExhibitID, err)
		}
	}
	fs, err := tx.tx.PrepareContext(ctx, tx.rebind(insertFileSQL))
	if err != nil {
		return 0, fmt.Errorf("insert files: %w", err)
	}
	defer fs.Close()
	var ms *sql.Stmt
	vi := videoInserter{tx: tx}
	defer vi.close()
	ai := aigenInserter{tx: tx}
	defer ai.close()
	for i, f := range files {
		err := fs.QueryRowContext(ctx, f.ExhibitID, f.Path, f.Size, f.ModTime, f.MediaType, f.MD5, f.SHA1, f.SHA256, f.PDQ, f.PDQQuality,
			f.Status, f.Error, f.Warnings, f.OSPath, f.Depth, f.Root, f.Member, f.Seq, f.IngestID, f.Batch, f.ExhibitID).Scan(&f.ID)
		if errors.Is(err, sql.ErrNoRows) {
			f.ID = 0
			continue // already stored
		}
		if err != nil {
			return n, fmt.Errorf("insert file %q: %w", f.Path, err)
		}
		n++
		if f.Video != nil {
			if err := vi.insert(ctx, f.ID, f.Video); err != nil {
				return n, fmt.Errorf("insert video %q: %w", f.Path, err)
			}
		}
		if err := ai.insert(ctx, f); err != nil {
			return n, fmt.Errorf("insert %q: %w", f.Path, err)
		}
		var fm []FileMatch
		if i < len(matches) {
			fm = matches[i]
		}
		counts.add(f, fm)
		tx.added.note(&tx.added.files, f.ExhibitID, f.ID)
		if i >= len(matches) {
			continue
		}
		for _, m := range matches[i] {
			if ms == nil {
				if ms, err = tx.tx.PrepareContext(ctx, tx.rebind(insertMatchSQL)); err != nil {
					return n, fmt.Errorf("insert matches: %w", err)
				}
				defer ms.Close()
			}
			qp, cp := m.percents()
			if _, err := ms.ExecContext(ctx, f.ID, m.Bank, m.BankKind, m.RecordID, m.Kind, m.Hash, m.Distance, m.Category, m.NormCategory, m.Series, qp, cp); err != nil {
				return n, fmt.Errorf("insert match of %q: %w", f.Path, err)
			}
		}
	}
	return n, nil
}

// FileFilter selects files of a case.
type FileFilter struct {
	CaseID     int64  // the case; 0 only with ExhibitID or AllCases
	ExhibitID  int64  // 0: every exhibit
	AllCases   bool   // every case: must be asked for, never a zero CaseID alone
	Status     string // "": any
	Category   string // normalised or given category of a match
	ImagesPDQ  bool   // only files with a PDQ hash
	Videos     bool   // only videos hashed with vPDQ (a file_videos row)
	MinQuality int    // only files whose PDQ quality is at least this
	// AfterID and Limit read one page: files with a larger ID, at most
	// Limit of them, ordered by ID (Limit 0: every file, ordered by case,
	// exhibit and path).
	AfterID int64
	Limit   int
}

const fileCols = "f.id, f.exhibit_id, c.name, e.label, f.path, f.size, f.mtime, f.media_type, f.md5, f.sha1, f.sha256, f.pdq, f.pdq_quality, f.status, f.error, f.warnings, f.os_path, f.depth, f.root, f.member, f.seq, f.ingest_id, f.batch"

// Files calls fn for each file matching the filter, ordered by exhibit
// label then path.
func (q q) Files(ctx context.Context, ff FileFilter, fn func(File) error) error {
	if ff.CaseID == 0 && ff.ExhibitID == 0 && !ff.AllCases {
		return errors.New("files: the filter names no case or exhibit (set AllCases to read every case)")
	}
	query := "SELECT " + fileCols + " FROM files f JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id WHERE (e.case_id = ? OR ? = 0)"
	args := []any{ff.CaseID, ff.CaseID}
	if ff.ExhibitID != 0 {
		query += " AND f.exhibit_id = ?"
		args = append(args, ff.ExhibitID)
	}
	if ff.Status != "" {
		query += " AND f.status = ?"
		args = append(args, ff.Status)
	}
	if ff.Category != "" {
		query += " AND EXISTS (SELECT 1 FROM file_matches m WHERE m.file_id = f.id AND (m.category = ? OR m.norm_category = ?))"
		args = append(args, ff.Category, ff.Category)
	}
	if ff.ImagesPDQ {
		query += " AND f.pdq <> ''"
	}
	if ff.Videos {
		query += " AND EXISTS (SELECT 1 FROM file_videos v WHERE v.file_id = f.id)"
	}
	if ff.MinQuality > 0 {
		query += " AND f.pdq_quality >= ?"
		args = append(args, ff.MinQuality)
	}
	order := " ORDER BY c.name, e.label, f.path"
	if ff.Limit > 0 {
		query += " AND f.id > ?"
		args = append(args, ff.AfterID)
		order = fmt.Sprintf(" ORDER BY f.id LIMIT %d", ff.Limit)
	}
	rows, err := q.query(ctx, query+order, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.ExhibitID, &f.Case, &f.Exhibit, &f.Path, &f.Size, &f.ModTime, &f.MediaType, &f.MD5, &f.SHA1, &f.SHA256, &f.PDQ, &f.PDQQuality, &f.Status, &f.Error, &f.Warnings, &f.OSPath, &f.Depth,
			&f.Root, &f.Member, &f.Seq, &f.IngestID, &f.Batch); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FileMatches returns the matches of the given files, keyed by file ID.
func (q q) FileMatches(ctx context.Context, caseID int64) (map[int64][]FileMatch, error) {
	rows, err := q.query(ctx, `SELECT `+matchCols+`
		FROM file_matches m JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = f.exhibit_id
		WHERE e.case_id = ? ORDER BY m.file_id, m.distance, m.bank, m.record_id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]FileMatch{}
	for rows.Next() {
		m, err := scanFileMatch(rows)
		if err != nil {
			return nil, err
		}
		out[m.FileID] = append(out[m.FileID], m)
	}
	return out, rows.Err()
}

// FileKeys returns the identities and display paths of an exhibit's
// stored files, so a resumed ingest can skip the ones done and give new
// entries displays of their own.
func (q q) FileKeys(ctx context.Context, exhibitID int64) (keys map[FileKey]bool, paths map[string]bool, err error) {
	rows, err := q.query(ctx, "SELECT root, member, seq, path FROM files WHERE exhibit_id = ?", exhibitID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	keys, paths = map[FileKey]bool{}, map[string]bool{}
	for rows.Next() {
		var k FileKey
		var p string
		if err := rows.Scan(&k.Root, &k.Member, &k.Seq, &p); err != nil {
			return nil, nil, err
		}
		keys[k], paths[p] = true, true
	}
	return keys, paths, rows.Err()
}

// Batch names the files one ingest batch stored.
type Batch struct {
	IngestID int64
	Batch    int
	Files    int64
}

// Batches lists every (ingest, batch) that has file rows, with its count;
// rows stored before schema version 9 form the batch {0, 0}.
func (q q) Batches(ctx context.Context) ([]Batch, error) {
	rows, err := q.query(ctx, "SELECT ingest_id, batch, COUNT(*) FROM files GROUP BY ingest_id, batch ORDER BY ingest_id, batch")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		if err := rows.Scan(&b.IngestID, &b.Batch, &b.Files); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BatchFiles returns the rows one ingest batch stored, with their matches.
func (q q) BatchFiles(ctx context.Context, ingestID int64, batch int) ([]File, map[int64][]FileMatch, error) {
	rows, err := q.query(ctx, "SELECT "+fileCols+" FROM files f JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id WHERE f.ingest_id = ? AND f.batch = ? ORDER BY f.id", ingestID, batch)
	if err != nil {
		return nil, nil, err
	}
	var files []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.ExhibitID, &f.Case, &f.Exhibit, &f.Path, &f.Size, &f.ModTime, &f.MediaType, &f.MD5, &f.SHA1, &f.SHA256, &f.PDQ, &f.PDQQuality, &f.Status, &f.Error, &f.Warnings, &f.OSPath, &f.Depth,
			&f.Root, &f.Member, &f.Seq, &f.IngestID, &f.Batch); err != nil {
			rows.Close()
			return nil, nil, err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	mrows, err := q.query(ctx, `SELECT `+matchCols+`
		FROM file_matches m JOIN files f ON f.id = m.file_id WHERE f.ingest_id = ? AND f.batch = ?`, ingestID, batch)
	if err != nil {
		return nil, nil, err
	}
	defer mrows.Close()
	ms := map[int64][]FileMatch{}
	for mrows.Next() {
		m, err := scanFileMatch(mrows)
		if err != nil {
			return nil, nil, err
		}
		ms[m.FileID] = append(ms[m.FileID], m)
	}
	return files, ms, mrows.Err()
}
