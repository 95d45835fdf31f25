package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Exhibit is a seized item: a phone, a computer, a storage medium, a cloud
// account or a chat export.
type Exhibit struct {
	ID             int64
	CaseID         int64
	Label          string
	Type           string
	Description    string
	Make           string
	Model          string
	Serial         string
	IMEI           string
	SeizedAt       string
	SeizedWhere    string
	SeizedBy       string
	LegalAuthority string
	CreatedAt      string
	CreatedBy      string
	// Owner is the person the exhibit is attributed to (a person ID of
	// the suspect ranking, P12), empty when none is.
	Owner string
}

const exhibitCols = "id, case_id, label, type, description, make, model, serial, imei, seized_at, seized_where, seized_by, legal_authority, created_at, created_by, owner"

func scanExhibit(s interface{ Scan(...any) error }) (Exhibit, error) {
	var e Exhibit
	err := s.Scan(&e.ID, &e.CaseID, &e.Label, &e.Type, &e.Description, &e.Make, &e.Model, &e.Serial, &e.IMEI,
		&e.SeizedAt, &e.SeizedWhere, &e.SeizedBy, &e.LegalAuthority, &e.CreatedAt, &e.CreatedBy, &e.Owner)
	return e, err
}

// InsertExhibit stores a new exhibit and sets its ID. It has no owner
// yet (SetExhibitOwner attributes it).
func (tx *Tx) InsertExhibit(ctx context.Context, e *Exhibit) error {
	id, err := tx.insertID(ctx, "INSERT INTO exhibits (case_id, label, type, description, make, model, serial, imei, seized_at, seized_where, seized_by, legal_authority, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.CaseID, e.Label, e.Type, e.Description, e.Make, e.Model, e.Serial, e.IMEI, e.SeizedAt, e.SeizedWhere, e.SeizedBy, e.LegalAuthority, e.CreatedAt, e.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("exhibit %q: %w", e.Label, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert exhibit %q: %w", e.Label, err)
	}
	e.ID = id
	return nil
}

// SetExhibitOwner sets the person an exhibit is attributed to (empty:
// none). No such exhibit is ErrNotFound.
func (tx *Tx) SetExhibitOwner(ctx context.Context, exhibitID int64, owner string) error {
	res, err := tx.exec(ctx, "UPDATE exhibits SET owner = ? WHERE id = ?", owner, exhibitID)
	if err != nil {
		return fmt.Errorf("set the owner of exhibit %d: %w", exhibitID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("exhibit %d: %w", exhibitID, ErrNotFound)
	}
	return nil
}

// ExhibitByLabel returns the exhibit of a case with that label.
func (q q) ExhibitByLabel(ctx context.Context, caseID int64, label string) (Exhibit, error) {
	e, err := scanExhibit(q.queryRow(ctx, "SELECT "+exhibitCols+" FROM exhibits WHERE case_id = ? AND label = ?", caseID, label))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("exhibit %q: %w", label, ErrNotFound)
	}
	return e, err
}

// Exhibits lists a case's exhibits by label.
func (q q) Exhibits(ctx context.Context, caseID int64) ([]Exhibit, error) {
	rows, err := q.query(ctx, "SELECT "+exhibitCols+" FROM exhibits WHERE case_id = ? ORDER BY label", caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exhibit
	for rows.Next() {
		e, err := scanExhibit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
