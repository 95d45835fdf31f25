package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Series is a victim-identification series of a case.
type Series struct {
	ID                 int64
	CaseID             int64
	Case               string // the case's name, filled by queries
	Agency             string // the case's agency, filled by queries
	Name               string
	VictimIdentified   bool
	OffenderIdentified bool
	Baseline           bool
	Country            string // of production, when known
	Contact            string
	Members            int64 // filled by queries
	CreatedAt          string
	CreatedBy          string
}

// SeriesMember is one image of a series, as hashes.
type SeriesMember struct {
	SeriesID   int64
	SHA256     string
	MD5        string
	SHA1       string
	PDQ        string
	PDQQuality int
	Exhibit    string
}

// SeriesLink links two series whose images match by PDQ; read back from
// one side, Other is the other series.
type SeriesLink struct {
	Other       Series
	Matches     int64
	MinDistance int
	CreatedAt   string
}

const seriesColsS = "s.id, s.case_id, c.name, c.agency, s.name, s.victim_identified, s.offender_identified, s.baseline, s.country, s.contact," +
	" (SELECT COUNT(*) FROM series_members m WHERE m.series_id = s.id), s.created_at, s.created_by"

func scanSeries(sc interface{ Scan(...any) error }) (Series, error) {
	var s Series
	var v, o, b int64
	err := sc.Scan(&s.ID, &s.CaseID, &s.Case, &s.Agency, &s.Name, &v, &o, &b, &s.Country, &s.Contact, &s.Members, &s.CreatedAt, &s.CreatedBy)
	s.VictimIdentified, s.OffenderIdentified, s.Baseline = v != 0, o != 0, b != 0
	return s, err
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// InsertSeries stores a new series with its members and sets its ID.
func (tx *Tx) InsertSeries(ctx context.Context, s *Series, members []SeriesMember) error {
	id, err := tx.insertID(ctx, "INSERT INTO series (case_id, name, victim_identified, offender_identified, baseline, country, contact, created_at, created_by)"+
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		s.CaseID, s.Name, flag(s.VictimIdentified), flag(s.OffenderIdentified), flag(s.Baseline), s.Country, s.Contact, s.CreatedAt, s.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("series %q: %w", s.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert series %q: %w", s.Name, err)
	}
	s.ID = id
	for _, m := range members {
		_, err := tx.exec(ctx, "INSERT INTO series_members (series_id, sha256, md5, sha1, pdq, pdq_quality, exhibit) VALUES (?, ?, ?, ?, ?, ?, ?)"+
			" ON CONFLICT (series_id, sha256) DO NOTHING", id, m.SHA256, m.MD5, m.SHA1, m.PDQ, m.PDQQuality, m.Exhibit)
		if err != nil {
			return fmt.Errorf("insert series %q member: %w", s.Name, err)
		}
	}
	s.Members = int64(len(members))
	return nil
}

// SeriesByName returns the series of a case with that name, or
// ErrNotFound.
func (q q) SeriesByName(ctx context.Context, caseID int64, name string) (Series, error) {
	s, err := scanSeries(q.queryRow(ctx, "SELECT "+seriesColsS+" FROM series s JOIN cases c ON c.id = s.case_id WHERE s.case_id = ? AND s.name = ?", caseID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("series %q: %w", name, ErrNotFound)
	}
	return s, err
}

// AllSeries lists every series by case and name; the caller filters what
// a principal may see.
func (q q) AllSeries(ctx context.Context) ([]Series, error) {
	rows, err := q.query(ctx, "SELECT "+seriesColsS+" FROM series s JOIN cases c ON c.id = s.case_id ORDER BY c.name, s.name")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSeries)
}

// SeriesMembers lists a series' members by SHA-256 (seriesID 0: the
// members of every series, by series).
func (q q) SeriesMembers(ctx context.Context, seriesID int64) ([]SeriesMember, error) {
	rows, err := q.query(ctx, "SELECT series_id, sha256, md5, sha1, pdq, pdq_quality, exhibit FROM series_members WHERE series_id = ? OR ? = 0 ORDER BY series_id, sha256",
		seriesID, seriesID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (SeriesMember, error) {
		var m SeriesMember
		err := sc.Scan(&m.SeriesID, &m.SHA256, &m.MD5, &m.SHA1, &m.PDQ, &m.PDQQuality, &m.Exhibit)
		return m, err
	})
}

// PutSeriesShare shares a series with an agency (again: no change).
func (tx *Tx) PutSeriesShare(ctx context.Context, seriesID int64, agency, at, by string) error {
	_, err := tx.exec(ctx, "INSERT INTO series_shares (series_id, agency, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT (series_id, agency) DO NOTHING",
		seriesID, agency, at, by)
	if err != nil {
		return fmt.Errorf("share series: %w", err)
	}
	return nil
}

// SeriesShares maps series IDs to the agencies they are shared with, by
// name.
func (q q) SeriesShares(ctx context.Context) (map[int64][]string, error) {
	rows, err := q.query(ctx, "SELECT series_id, agency FROM series_shares ORDER BY series_id, agency")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			return nil, err
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// PutSeriesLink records (or refreshes) the link between two series.
func (tx *Tx) PutSeriesLink(ctx context.Context, a, b int64, matches int64, minDistance int, at string) error {
	if a > b {
		a, b = b, a
	}
	_, err := tx.exec(ctx, "INSERT INTO series_links (series_a, series_b, matches, min_distance, created_at) VALUES (?, ?, ?, ?, ?)"+
		" ON CONFLICT (series_a, series_b) DO UPDATE SET matches = excluded.matches, min_distance = excluded.min_distance",
		a, b, matches, minDistance, at)
	if err != nil {
		return fmt.Errorf("link series: %w", err)
	}
	return nil
}

// SeriesLinks lists the series linked to one, by the other's case and
// name.
func (q q) SeriesLinks(ctx context.Context, seriesID int64) ([]SeriesLink, error) {
	rows, err := q.query(ctx, "SELECT "+seriesColsS+", l.matches, l.min_distance, l.created_at FROM series_links l"+
		" JOIN series s ON s.id = CASE WHEN l.series_a = ? THEN l.series_b ELSE l.series_a END JOIN cases c ON c.id = s.case_id"+
		" WHERE l.series_a = ? OR l.series_b = ? ORDER BY c.name, s.name", seriesID, seriesID, seriesID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (SeriesLink, error) {
		var l SeriesLink
		var v, o, b int64
		s := &l.Other
		err := sc.Scan(&s.ID, &s.CaseID, &s.Case, &s.Agency, &s.Name, &v, &o, &b, &s.Country, &s.Contact, &s.Members, &s.CreatedAt, &s.CreatedBy,
			&l.Matches, &l.MinDistance, &l.CreatedAt)
		s.VictimIdentified, s.OffenderIdentified, s.Baseline = v != 0, o != 0, b != 0
		return l, err
	})
}
