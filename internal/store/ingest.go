package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Ingest is one run of the ingest pipeline over an exhibit's sources.
type Ingest struct {
	ID             int64
	ExhibitID      int64
	Roots          string // JSON array of absolute paths
	StartedAt      string
	FinishedAt     string
	Actor          string
	Files          int64
	Bytes          int64
	Status         string // running, done
	Manifest       string // hashdeep manifest text
	ManifestSHA256 string
	Labels         string // JSON object: root -> display label ("" before schema 9)
	Owner          string // host:pid of the process running it
}

// InsertIngest records the start of an ingest run.
func (tx *Tx) InsertIngest(ctx context.Context, in *Ingest) error {
	id, err := tx.insertID(ctx, "INSERT INTO ingests (exhibit_id, roots, started_at, actor, status, labels, owner) VALUES (?, ?, ?, ?, ?, ?, ?)",
		in.ExhibitID, in.Roots, in.StartedAt, in.Actor, in.Status, in.Labels, in.Owner)
	in.ID = id
	return err
}

// FinishIngest records the end of an ingest run.
func (tx *Tx) FinishIngest(ctx context.Context, in *Ingest) error {
	_, err := tx.exec(ctx, "UPDATE ingests SET finished_at = ?, files = ?, bytes = ?, status = ?, manifest = ?, manifest_sha256 = ? WHERE id = ?",
		in.FinishedAt, in.Files, in.Bytes, in.Status, in.Manifest, in.ManifestSHA256, in.ID)
	return err
}

// LatestIngest returns the newest finished ingest of an exhibit.
func (q q) LatestIngest(ctx context.Context, exhibitID int64) (Ingest, error) {
	var in Ingest
	err := q.queryRow(ctx, `SELECT `+ingestCols+`
		FROM ingests WHERE exhibit_id = ? AND status = 'done' ORDER BY id DESC LIMIT 1`, exhibitID).Scan(
		&in.ID, &in.ExhibitID, &in.Roots, &in.StartedAt, &in.FinishedAt, &in.Actor, &in.Files, &in.Bytes, &in.Status, &in.Manifest, &in.ManifestSHA256, &in.Labels, &in.Owner)
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("finished ingest of exhibit: %w", ErrNotFound)
	}
	return in, err
}

const ingestCols = "id, exhibit_id, roots, started_at, finished_at, actor, files, bytes, status, manifest, manifest_sha256, labels, owner"

// Ingests returns every ingest of an exhibit, oldest first (0: of every
// exhibit).
func (q q) Ingests(ctx context.Context, exhibitID int64) ([]Ingest, error) {
	rows, err := q.query(ctx, "SELECT "+ingestCols+" FROM ingests WHERE exhibit_id = ? OR ? = 0 ORDER BY id", exhibitID, exhibitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ingest
	for rows.Next() {
		var in Ingest
		if err := rows.Scan(&in.ID, &in.ExhibitID, &in.Roots, &in.StartedAt, &in.FinishedAt, &in.Actor, &in.Files, &in.Bytes, &in.Status, &in.Manifest, &in.ManifestSHA256, &in.Labels, &in.Owner); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// MarkIngest sets the status of a running ingest (interrupted: its process
// is gone). It reports whether the row was still running.
func (tx *Tx) MarkIngest(ctx context.Context, id int64, status string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE ingests SET status = ? WHERE id = ? AND status = 'running'", status, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// IngestStored counts the file rows an ingest stored and the bytes read
// from them (rows with digests).
func (q q) IngestStored(ctx context.Context, ingestID int64) (files, bytes int64, err error) {
	err = q.queryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN sha256 <> '' THEN size ELSE 0 END), 0) FROM files WHERE ingest_id = ?", ingestID).Scan(&files, &bytes)
	return files, bytes, err
}
