package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// A deconfliction hit: a key the case holds that a case of another agency
// holds too.
type DeconflictHit struct {
	OtherCaseID int64
	Kind        string // identifier kind, or "media" for a file's SHA-256
	Key         string // the identifier key, or "sha256:<hex>"
}

// MediaKind is the kind of a media-hash hit.
const MediaKind = "media"

// SeriesKind is the kind of a notice of victim-identification series of
// two cases linked by PDQ (its key names the two series).
const SeriesKind = "series"

// IdentifierHits finds, in one statement, the identifiers of the case with
// an id of at least since and a kind in kinds that a case of another
// agency (cases.agency differs) also holds. The case's identifiers are
// read first (a materialised CTE) and each is looked up in the index of
// identifiers by key: without the fence PostgreSQL's planner may instead
// walk every other case's identifiers and probe the case's (10M probes
// instead of 100k).
func (q q) IdentifierHits(ctx context.Context, caseID, since int64, kinds []string) ([]DeconflictHit, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := sinceArgs(caseID, since)
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := q.query(ctx, `WITH mine AS MATERIALIZED (
			SELECT i.case_id, i.kind, i.key, c.agency FROM identifiers i JOIN cases c ON c.id = i.case_id
			WHERE `+sinceCond("i.case_id", "i.id", since)+` AND i.kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`))
		SELECT DISTINCT o.case_id, m.kind, m.key
		FROM mine m
		JOIN identifiers o ON o.key = m.key AND o.case_id <> m.case_id
		JOIN cases oc ON oc.id = o.case_id
		WHERE oc.agency <> m.agency`, args...)
	if err != nil {
		return nil, fmt.Errorf("identifier hits: %w", err)
	}
	return collectHits(rows)
}

// MediaHits finds the media files (images and videos, neither ignorable
// nor failed) of the case with an id of at least since whose SHA-256 a
// case of another agency also holds.
func (q q) MediaHits(ctx context.Context, caseID, since int64) ([]DeconflictHit, error) {
	// A whole case: from its exhibits; what a batch added: from the range
	// of new file ids (CROSS JOIN fixes SQLite's join order).
	from := "cases c JOIN exhibits e ON 1 = 1 JOIN files f ON 1 = 1"
	if since > 0 {
		from = "files f CROSS JOIN exhibits e CROSS JOIN cases c"
	}
	rows, err := q.query(ctx, `WITH mine AS MATERIALIZED (
			SELECT DISTINCT f.sha256, e.case_id, c.agency FROM `+from+`
			WHERE e.id = f.exhibit_id AND c.id = e.case_id AND `+sinceCond("e.case_id", "f.id", since)+` AND f.sha256 <> ''
			AND f.status NOT IN ('ignorable', 'error') AND (f.media_type LIKE 'image/%' OR f.media_type LIKE 'video/%'))
		SELECT DISTINCT oe.case_id, '`+MediaKind+`', 'sha256:' || m.sha256
		FROM mine m
		JOIN files o ON o.sha256 = m.sha256
		JOIN exhibits oe ON oe.id = o.exhibit_id
		JOIN cases oc ON oc.id = oe.case_id
		WHERE o.status NOT IN ('ignorable', 'error') AND oe.case_id <> m.case_id AND oc.agency <> m.agency`, sinceArgs(caseID, since)...)
	if err != nil {
		return nil, fmt.Errorf("media hits: %w", err)
	}
	return collectHits(rows)
}

// sinceCond selects the rows of one case (caseCol = ?) with an id of at
// least since (idCol >= ?, when since > 0). A whole case is read through
// its case index; what one transaction added is read as a range of ids,
// which the unary + keeps SQLite from trading for the case index (a scan
// of all the case's rows on every import batch).
func sinceCond(caseCol, idCol string, since int64) string {
	if since <= 0 {
		return caseCol + " = ?"
	}
	return "+" + caseCol + " = ? AND " + idCol + " >= ?"
}

func sinceArgs(caseID, since int64) []any {
	if since <= 0 {
		return []any{caseID}
	}
	return []any{caseID, since}
}

func collectHits(rows *sql.Rows) ([]DeconflictHit, error) {
	return collect(rows, func(s interface{ Scan(...any) error }) (DeconflictHit, error) {
		var h DeconflictHit
		err := s.Scan(&h.OtherCaseID, &h.Kind, &h.Key)
		return h, err
	})
}

// NoticeChange is one notice a RecordHits created or extended.
type NoticeChange struct {
	NoticeID    int64
	CaseID      int64
	OtherCaseID int64
	Kind        string
	New         int  // match keys added
	Created     bool // the notice is new
}

// RecordHits stores hits of the case as notices on both sides: for each
// other case and kind, the case's notice and the other case's notice,
// each with its own matching keys (the same keys: they are equal). A
// notice that gains keys is unacknowledged again. It returns the notices
// that changed.
func (tx *Tx) RecordHits(ctx context.Context, caseID int64, hits []DeconflictHit, at string) ([]NoticeChange, error) {
	type group struct {
		other int64
		kind  string
	}
	byGroup := map[group][]string{}
	for _, h := range hits {
		g := group{h.OtherCaseID, h.Kind}
		byGroup[g] = append(byGroup[g], h.Key)
	}
	groups := make([]group, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].other != groups[j].other {
			return groups[i].other < groups[j].other
		}
		return groups[i].kind < groups[j].kind
	})
	var out []NoticeChange
	for _, g := range groups {
		for _, side := range [][2]int64{{caseID, g.other}, {g.other, caseID}} {
			ch, err := tx.recordNotice(ctx, side[0], side[1], g.kind, byGroup[g], at)
			if err != nil {
				return nil, err
			}
			if ch.New > 0 {
				out = append(out, ch)
			}
		}
	}
	return out, nil
}

// matchBatch is how many match rows one INSERT writes.
const matchBatch = 500

func (tx *Tx) recordNotice(ctx context.Context, caseID, other int64, kind string, keys []string, at string) (NoticeChange, error) {
	ch := NoticeChange{CaseID: caseID, OtherCaseID: other, Kind: kind}
	err := tx.queryRow(ctx, `INSERT INTO deconfliction_notices (case_id, other_case_id, kind, matches, created_at, updated_at)
		VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (case_id, other_case_id, kind) DO NOTHING RETURNING id`, caseID, other, kind, at, at).Scan(&ch.NoticeID)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, "SELECT id FROM deconfliction_notices WHERE case_id = ? AND other_case_id = ? AND kind = ?", caseID, other, kind).Scan(&ch.NoticeID)
	} else if err == nil {
		ch.Created = true
	}
	if err != nil {
		return ch, fmt.Errorf("deconfliction notice: %w", err)
	}
	if !ch.Created {
		// Keys the notice holds already are not written again: a
		// repeated check of a large case costs one read, not one
		// statement per key.
		held, err := tx.NoticeKeys(ctx, ch.NoticeID)
		if err != nil {
			return ch, err
		}
		have := make(map[string]bool, len(held))
		for _, k := range held {
			have[k] = true
		}
		var fresh []string
		for _, k := range keys {
			if !have[k] {
				fresh = append(fresh, k)
			}
		}
		keys = fresh
	}
	for start := 0; start < len(keys); start += matchBatch {
		batch := keys[start:min(len(keys), start+matchBatch)]
		args := make([]any, 0, 3*len(batch))
		for _, k := range batch {
			args = append(args, ch.NoticeID, k, at)
		}
		res, err := tx.exec(ctx, "INSERT INTO deconfliction_matches (notice_id, key, found_at) VALUES (?, ?, ?)"+
			strings.Repeat(", (?, ?, ?)", len(batch)-1)+" ON CONFLICT DO NOTHING", args...)
		if err != nil {
			return ch, fmt.Errorf("deconfliction match: %w", err)
		}
		n, _ := res.RowsAffected()
		ch.New += int(n)
	}
	if ch.New > 0 {
		_, err = tx.exec(ctx, `UPDATE deconfliction_notices SET matches = matches + ?, updated_at = ?, acked_at = '', acked_by = '' WHERE id = ?`,
			ch.New, at, ch.NoticeID)
	}
	return ch, err
}

// Notice is a stored deconfliction notice with the names it refers to.
type Notice struct {
	ID          int64
	CaseID      int64
	CaseName    string
	OtherCaseID int64
	// OtherCaseName is for the service to show only to those who may read
	// the other case.
	OtherCaseName string
	OtherAgency   string
	OtherContact  string // the other agency's contact ('' on a store without agencies)
	OtherCountry  string
	Kind          string
	Matches       int64
	CreatedAt     string
	UpdatedAt     string
	AckedAt       string
	AckedBy       string
}

const noticeCols = `n.id, n.case_id, c.name, n.other_case_id, oc.name, oc.agency, COALESCE(a.contact, ''), COALESCE(a.country, oc.country),
	n.kind, n.matches, n.created_at, n.updated_at, n.acked_at, n.acked_by`

const noticeFrom = ` FROM deconfliction_notices n JOIN cases c ON c.id = n.case_id JOIN cases oc ON oc.id = n.other_case_id
	LEFT JOIN agencies a ON a.name = oc.agency`

func scanNotice(s interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	err := s.Scan(&n.ID, &n.CaseID, &n.CaseName, &n.OtherCaseID, &n.OtherCaseName, &n.OtherAgency, &n.OtherContact, &n.OtherCountry,
		&n.Kind, &n.Matches, &n.CreatedAt, &n.UpdatedAt, &n.AckedAt, &n.AckedBy)
	return n, err
}

// NoticeFilter selects notices.
type NoticeFilter struct {
	CaseID     int64          // one case; 0: the cases Visibility selects
	Visibility CaseVisibility // with CaseID 0
	Open       bool           // only notices not acknowledged
}

// Notices lists the notices f selects, newest change first.
func (q q) Notices(ctx context.Context, f NoticeFilter) ([]Notice, error) {
	var (
		cond string
		args []any
	)
	if f.CaseID != 0 {
		cond, args = "n.case_id = ?", []any{f.CaseID}
	} else {
		cond, args = f.Visibility.where("c")
	}
	if f.Open {
		cond += " AND n.acked_at = ''"
	}
	rows, err := q.query(ctx, "SELECT "+noticeCols+noticeFrom+" WHERE "+cond+" ORDER BY n.updated_at DESC, n.id DESC", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanNotice)
}

// NoticeByID returns one notice, or ErrNotFound.
func (q q) NoticeByID(ctx context.Context, id int64) (Notice, error) {
	n, err := scanNotice(q.queryRow(ctx, "SELECT "+noticeCols+noticeFrom+" WHERE n.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("notice %d: %w", id, ErrNotFound)
	}
	return n, err
}

// NoticeKeys lists a notice's matching keys (the notified case's own).
func (q q) NoticeKeys(ctx context.Context, id int64) ([]string, error) {
	rows, err := q.query(ctx, "SELECT key FROM deconfliction_matches WHERE notice_id = ? ORDER BY key", id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (string, error) {
		var k string
		err := s.Scan(&k)
		return k, err
	})
}

// AckNotice records that by acknowledged the notice at at.
func (tx *Tx) AckNotice(ctx context.Context, id int64, at, by string) error {
	return tx.updateOne(ctx, "notice", id, "UPDATE deconfliction_notices SET acked_at = ?, acked_by = ? WHERE id = ?", at, by, id)
}

// CaseByID returns the case with that id, or ErrNotFound.
func (q q) CaseByID(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(q.queryRow(ctx, "SELECT "+caseCols+" FROM cases WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("case %d: %w", id, ErrNotFound)
	}
	return c, err
}

// added records what a transaction added that deconfliction checks: per
// case, the smallest new identifier id and the smallest new file id.
type added struct {
	idents map[int64]int64
	files  map[int64]int64 // by exhibit until Added resolves the case
}

func (a *added) note(m *map[int64]int64, key, id int64) {
	if *m == nil {
		*m = map[int64]int64{}
	}
	if cur, ok := (*m)[key]; !ok || id < cur {
		(*m)[key] = id
	}
}

// Added returns what the transaction has added so far (identifiers and
// files, each as case -> smallest new id) and forgets it.
func (tx *Tx) Added(ctx context.Context) (idents, files map[int64]int64, err error) {
	idents = tx.added.idents
	for ex, id := range tx.added.files {
		var caseID int64
		if err := tx.queryRow(ctx, "SELECT case_id FROM exhibits WHERE id = ?", ex).Scan(&caseID); err != nil {
			return nil, nil, fmt.Errorf("exhibit %d: %w", ex, err)
		}
		if files == nil {
			files = map[int64]int64{}
		}
		if cur, ok := files[caseID]; !ok || id < cur {
			files[caseID] = id
		}
	}
	tx.added = added{}
	return idents, files, nil
}

// HeldKey is one key a case holds.
type HeldKey struct {
	Key  string
	Kind string
	Case string
}

// HeldKeys lists the keys of the given cases in the given identifier
// kinds and, with media, the SHA-256 of their media files (neither
// ignorable nor failed), ordered by key.
func (q q) HeldKeys(ctx context.Context, caseIDs []int64, kinds []string, media bool) ([]HeldKey, error) {
	if len(caseIDs) == 0 {
		return nil, nil
	}
	in := "?" + strings.Repeat(", ?", len(caseIDs)-1)
	var args []any
	parts := []string{}
	if len(kinds) > 0 {
		for _, id := range caseIDs {
			args = append(args, id)
		}
		parts = append(parts, `SELECT i.key, i.kind, c.name FROM identifiers i JOIN cases c ON c.id = i.case_id
			WHERE i.case_id IN (`+in+`) AND i.kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`)`)
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	if media {
		parts = append(parts, `SELECT DISTINCT 'sha256:' || f.sha256, '`+MediaKind+`', c.name FROM files f JOIN exhibits e ON e.id = f.exhibit_id JOIN cases c ON c.id = e.case_id
			WHERE e.case_id IN (`+in+`) AND f.sha256 <> '' AND f.status NOT IN ('ignorable', 'error')
			AND (f.media_type LIKE 'image/%' OR f.media_type LIKE 'video/%')`)
		for _, id := range caseIDs {
			args = append(args, id)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rows, err := q.query(ctx, strings.Join(parts, " UNION ")+" ORDER BY 1, 3", args...)
	if err != nil {
		return nil, fmt.Errorf("held keys: %w", err)
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (HeldKey, error) {
		var h HeldKey
		err := s.Scan(&h.Key, &h.Kind, &h.Case)
		return h, err
	})
}

// CasesOfOperation lists the cases of operation op, by name: those grouped
// in it (operation_cases) and those created naming it (cases.operation).
func (q q) CasesOfOperation(ctx context.Context, op string) ([]Case, error) {
	rows, err := q.query(ctx, "SELECT "+caseCols+` FROM cases WHERE operation = ?
		OR id IN (SELECT oc.case_id FROM operation_cases oc JOIN operations o ON o.id = oc.operation_id WHERE o.name = ?) ORDER BY name`, op, op)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCase)
}

// AgencyContact returns an agency's contact and country, or ErrNotFound.
func (q q) AgencyContact(ctx context.Context, name string) (contact, country string, err error) {
	err = q.queryRow(ctx, "SELECT contact, country FROM agencies WHERE name = ?", name).Scan(&contact, &country)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("agency %q: %w", name, ErrNotFound)
	}
	return contact, country, err
}

// OperationContact is the contact an agency gave for an operation (empty when
// none, or when the operation or the agency's part in it is unknown).
func (q q) OperationContact(ctx context.Context, op, agency string) (string, error) {
	var c string
	err := q.queryRow(ctx, "SELECT oa.contact FROM operation_agencies oa JOIN operations o ON o.id = oa.operation_id WHERE o.name = ? AND oa.agency = ?",
		op, agency).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// SetAgencyContact sets whom other agencies contact about a match.
func (tx *Tx) SetAgencyContact(ctx context.Context, name, contact string) error {
	res, err := tx.exec(ctx, "UPDATE agencies SET contact = ? WHERE name = ?", contact, name)
	if err != nil {
		return fmt.Errorf("agency %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("agency %q: %w", name, ErrNotFound)
	}
	return nil
}
