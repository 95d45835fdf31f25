package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Lead is an infected machine from a stealer log whose credentials touch a
// watched site, with its profile (a JSON document; passwords masked unless
// the unit chose to keep them).
type Lead struct {
	ID           int64
	CaseID       int64
	LogID        string
	Family       string
	SourcePath   string
	Country      string
	IP           string
	HWID         string
	Machine      string
	OSUser       string
	WatchedSites int
	Profile      string
	ImportedAt   string
}

// UpsertLead stores a lead, or refreshes the stored one with the same log
// ID; it reports whether the lead was new.
func (tx *Tx) UpsertLead(ctx context.Context, l *Lead) (bool, error) {
	var id int64
	err := tx.queryRow(ctx, "SELECT id FROM leads WHERE case_id = ? AND log_id = ?", l.CaseID, l.LogID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		l.ID, err = tx.insertID(ctx, `INSERT INTO leads (case_id, log_id, family, source_path, country, ip, hwid, machine, os_user, watched_sites, profile, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.CaseID, l.LogID, l.Family, l.SourcePath, l.Country, l.IP, l.HWID, l.Machine, l.OSUser, l.WatchedSites, l.Profile, l.ImportedAt)
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	l.ID = id
	_, err = tx.exec(ctx, `UPDATE leads SET family = ?, source_path = ?, country = ?, ip = ?, hwid = ?, machine = ?, os_user = ?, watched_sites = ?, profile = ? WHERE id = ?`,
		l.Family, l.SourcePath, l.Country, l.IP, l.HWID, l.Machine, l.OSUser, l.WatchedSites, l.Profile, id)
	return false, err
}

// Leads lists a case's leads, most watched sites first.
func (q q) Leads(ctx context.Context, caseID int64) ([]Lead, error) {
	rows, err := q.query(ctx, `SELECT id, case_id, log_id, family, source_path, country, ip, hwid, machine, os_user, watched_sites, profile, imported_at
		FROM leads WHERE case_id = ? ORDER BY watched_sites DESC, log_id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lead
	for rows.Next() {
		var l Lead
		if err := rows.Scan(&l.ID, &l.CaseID, &l.LogID, &l.Family, &l.SourcePath, &l.Country, &l.IP, &l.HWID, &l.Machine, &l.OSUser, &l.WatchedSites, &l.Profile, &l.ImportedAt); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LeadByLogID returns one lead.
func (q q) LeadByLogID(ctx context.Context, caseID int64, logID string) (Lead, error) {
	var l Lead
	err := q.queryRow(ctx, `SELECT id, case_id, log_id, family, source_path, country, ip, hwid, machine, os_user, watched_sites, profile, imported_at
		FROM leads WHERE case_id = ? AND log_id = ?`, caseID, logID).Scan(&l.ID, &l.CaseID, &l.LogID, &l.Family, &l.SourcePath, &l.Country, &l.IP, &l.HWID, &l.Machine, &l.OSUser, &l.WatchedSites, &l.Profile, &l.ImportedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("lead %q: %w", logID, ErrNotFound)
	}
	return l, err
}
