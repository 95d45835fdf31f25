package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Case is an investigation.
type Case struct {
	ID        int64
	Name      string
	Agency    string
	Country   string
	Operation string
	LegalRef  string
	CreatedAt string
	CreatedBy string
}

const caseCols = "id, name, agency, country, operation, legal_ref, created_at, created_by"
const caseColsC = "c.id, c.name, c.agency, c.country, c.operation, c.legal_ref, c.created_at, c.created_by"

func scanCase(s interface{ Scan(...any) error }) (Case, error) {
	var c Case
	err := s.Scan(&c.ID, &c.Name, &c.Agency, &c.Country, &c.Operation, &c.LegalRef, &c.CreatedAt, &c.CreatedBy)
	return c, err
}

// InsertCase stores a new case and sets its ID.
func (tx *Tx) InsertCase(ctx context.Context, c *Case) error {
	id, err := tx.insertID(ctx, "INSERT INTO cases (name, agency, country, operation, legal_ref, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
		c.Name, c.Agency, c.Country, c.Operation, c.LegalRef, c.CreatedAt, c.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("case %q: %w", c.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert case %q: %w", c.Name, err)
	}
	c.ID = id
	return nil
}

// CaseByName returns the case with that name, or ErrNotFound.
func (q q) CaseByName(ctx context.Context, name string) (Case, error) {
	c, err := scanCase(q.queryRow(ctx, "SELECT "+caseCols+" FROM cases WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("case %q: %w", name, ErrNotFound)
	}
	return c, err
}

// Cases lists the cases v selects, by name.
func (q q) Cases(ctx context.Context, v CaseVisibility) ([]Case, error) {
	return q.CasePage(ctx, v, "", 0)
}

// CasePage reads one page of the cases v selects, by name: those whose
// name sorts after after ("" for the first page), at most limit of them
// (0: all). Filter, order and limit run in SQL, so a page costs the same
// however many cases precede it; a case created while a caller pages is
// seen on a later page when its name sorts after the cursor.
func (q q) CasePage(ctx context.Context, v CaseVisibility, after string, limit int) ([]Case, error) {
	cond, args := v.where("c")
	query := "SELECT " + caseColsC + " FROM cases c WHERE " + cond
	if after != "" {
		query += " AND c.name > ?"
		args = append(args, after)
	}
	query += " ORDER BY c.name"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCase)
}
