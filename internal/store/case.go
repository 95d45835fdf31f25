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
	where, more := keyset("WHERE "+cond, "c.name", after, limit)
	rows, err := q.query(ctx, "SELECT "+caseColsC+" FROM cases c "+where, append(args, more...)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCase)
}

// keyset completes a WHERE clause (cond) to read one page ordered by the
// unique column col: the rows after after ("" for the first page), at most
// limit of them (0: all). It returns the clause with its ORDER BY and
// LIMIT, and the arguments it adds.
func keyset(cond, col, after string, limit int) (string, []any) {
	var args []any
	if after != "" {
		cond += " AND " + col + " > ?"
		args = append(args, after)
	}
	cond += " ORDER BY " + col
	if limit > 0 {
		cond += fmt.Sprintf(" LIMIT %d", limit)
	}
	return cond, args
}
