package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Operation groups cases of several agencies under a lead agency.
type Operation struct {
	ID         int64
	Name       string
	LeadAgency string
	CreatedAt  string
	CreatedBy  string
}

// OperationAgency is an agency taking part in an operation: role lead,
// partner or coordinator, with a contact.
type OperationAgency struct {
	OperationID int64
	Agency      string
	Role        string
	Contact     string
	Country     string // the agency's country, when the store knows the agency
	CreatedAt   string
	CreatedBy   string
}

// OperationCase is a case grouped in an operation.
type OperationCase struct {
	OperationID int64
	CaseID      int64
	Case        string
	Agency      string // the case's owner
	CreatedAt   string
	CreatedBy   string
}

// Suspect is a person of one case followed in an operation. Status,
// Country and Role repeat its newest status change.
type Suspect struct {
	ID          int64
	OperationID int64
	CaseID      int64
	Case        string
	Person      string
	Role        string
	Status      string
	Country     string
	CreatedAt   string
	CreatedBy   string
}

// StatusChange is one row of a suspect's status history.
type StatusChange struct {
	ID         int64
	SuspectID  int64
	Status     string
	Day        string // the day it happened (YYYY-MM-DD)
	Why        string
	Evidence   string
	Country    string
	Channel    string
	Package    string
	RecordedAt string
	RecordedBy string
}

// Tally records devices seized and victims safeguarded against an
// operation and, when SuspectID is not 0, one of its suspects.
type Tally struct {
	ID          int64
	OperationID int64
	SuspectID   int64
	Case        string // the suspect's case and person, read back
	Person      string
	Devices     int64
	Victims     int64
	Day         string
	Note        string
	RecordedAt  string
	RecordedBy  string
}

// OperationVisibility selects the operations a principal may see: every
// one (All), or those Agency leads or takes part in. The zero value
// selects none.
type OperationVisibility struct {
	All    bool
	Agency string
}

const operationCols = "id, name, lead_agency, created_at, created_by"

func scanOperation(s interface{ Scan(...any) error }) (Operation, error) {
	var o Operation
	err := s.Scan(&o.ID, &o.Name, &o.LeadAgency, &o.CreatedAt, &o.CreatedBy)
	return o, err
}

// InsertOperation stores a new operation and sets its ID.
func (tx *Tx) InsertOperation(ctx context.Context, o *Operation) error {
	id, err := tx.insertID(ctx, "INSERT INTO operations (name, lead_agency, created_at, created_by) VALUES (?, ?, ?, ?)",
		o.Name, o.LeadAgency, o.CreatedAt, o.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("operation %q: %w", o.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert operation %q: %w", o.Name, err)
	}
	o.ID = id
	return nil
}

// OperationByName returns the operation with that name, or ErrNotFound.
func (q q) OperationByName(ctx context.Context, name string) (Operation, error) {
	o, err := scanOperation(q.queryRow(ctx, "SELECT "+operationCols+" FROM operations WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("operation %q: %w", name, ErrNotFound)
	}
	return o, err
}

// Operations lists the operations v selects, by name.
func (q q) Operations(ctx context.Context, v OperationVisibility) ([]Operation, error) {
	cond, args := "1 = 0", []any(nil)
	switch {
	case v.All:
		cond = "1 = 1"
	case v.Agency != "":
		cond = "(o.lead_agency = ? OR EXISTS (SELECT 1 FROM operation_agencies oa WHERE oa.operation_id = o.id AND oa.agency = ?))"
		args = []any{v.Agency, v.Agency}
	}
	rows, err := q.query(ctx, "SELECT o.id, o.name, o.lead_agency, o.created_at, o.created_by FROM operations o WHERE "+cond+" ORDER BY o.name", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOperation)
}

// PutOperationAgency adds an agency to an operation or changes its role
// and contact.
func (tx *Tx) PutOperationAgency(ctx context.Context, a OperationAgency) error {
	_, err := tx.exec(ctx, "INSERT INTO operation_agencies (operation_id, agency, role, contact, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)"+
		" ON CONFLICT (operation_id, agency) DO UPDATE SET role = excluded.role, contact = excluded.contact, created_at = excluded.created_at, created_by = excluded.created_by",
		a.OperationID, a.Agency, a.Role, a.Contact, a.CreatedAt, a.CreatedBy)
	if err != nil {
		return fmt.Errorf("put operation agency: %w", err)
	}
	return nil
}

// OperationAgencies lists the agencies of an operation, by name, with the
// country of those the store knows.
func (q q) OperationAgencies(ctx context.Context, operationID int64) ([]OperationAgency, error) {
	rows, err := q.query(ctx, "SELECT oa.operation_id, oa.agency, oa.role, oa.contact, COALESCE(a.country, ''), oa.created_at, oa.created_by"+
		" FROM operation_agencies oa LEFT JOIN agencies a ON a.name = oa.agency WHERE oa.operation_id = ? ORDER BY oa.agency", operationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (OperationAgency, error) {
		var a OperationAgency
		err := s.Scan(&a.OperationID, &a.Agency, &a.Role, &a.Contact, &a.Country, &a.CreatedAt, &a.CreatedBy)
		return a, err
	})
}

// OperationRole is the role of an agency in an operation ("" when it takes
// no part).
func (q q) OperationRole(ctx context.Context, operationID int64, agency string) (string, error) {
	var role string
	err := q.queryRow(ctx, "SELECT role FROM operation_agencies WHERE operation_id = ? AND agency = ?", operationID, agency).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return role, err
}

// AddOperationCase groups a case in an operation; ErrExists when it is
// already.
func (tx *Tx) AddOperationCase(ctx context.Context, c OperationCase) error {
	_, err := tx.exec(ctx, "INSERT INTO operation_cases (operation_id, case_id, created_at, created_by) VALUES (?, ?, ?, ?)",
		c.OperationID, c.CaseID, c.CreatedAt, c.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("case %q in the operation: %w", c.Case, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("add operation case: %w", err)
	}
	return nil
}

// OperationCases lists the cases of an operation, by name.
func (q q) OperationCases(ctx context.Context, operationID int64) ([]OperationCase, error) {
	rows, err := q.query(ctx, "SELECT oc.operation_id, oc.case_id, c.name, c.agency, oc.created_at, oc.created_by"+
		" FROM operation_cases oc JOIN cases c ON c.id = oc.case_id WHERE oc.operation_id = ? ORDER BY c.name", operationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (OperationCase, error) {
		var c OperationCase
		err := s.Scan(&c.OperationID, &c.CaseID, &c.Case, &c.Agency, &c.CreatedAt, &c.CreatedBy)
		return c, err
	})
}

const suspectColsS = "s.id, s.operation_id, s.case_id, c.name, s.person, s.role, s.status, s.country, s.created_at, s.created_by"

func scanSuspect(s interface{ Scan(...any) error }) (Suspect, error) {
	var x Suspect
	err := s.Scan(&x.ID, &x.OperationID, &x.CaseID, &x.Case, &x.Person, &x.Role, &x.Status, &x.Country, &x.CreatedAt, &x.CreatedBy)
	return x, err
}

// SuspectOf returns the suspect that is person of case caseID in an
// operation, or ErrNotFound.
func (q q) SuspectOf(ctx context.Context, operationID, caseID int64, person string) (Suspect, error) {
	x, err := scanSuspect(q.queryRow(ctx, "SELECT "+suspectColsS+" FROM operation_suspects s JOIN cases c ON c.id = s.case_id"+
		" WHERE s.operation_id = ? AND s.case_id = ? AND s.person = ?", operationID, caseID, person))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("suspect %q: %w", person, ErrNotFound)
	}
	return x, err
}

// InsertSuspect stores a new suspect and sets its ID.
func (tx *Tx) InsertSuspect(ctx context.Context, x *Suspect) error {
	id, err := tx.insertID(ctx, "INSERT INTO operation_suspects (operation_id, case_id, person, role, status, country, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		x.OperationID, x.CaseID, x.Person, x.Role, x.Status, x.Country, x.CreatedAt, x.CreatedBy)
	if isUnique(err) {
		return fmt.Errorf("suspect %q: %w", x.Person, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert suspect %q: %w", x.Person, err)
	}
	x.ID = id
	return nil
}

// AppendStatus appends a change to a suspect's history and makes the
// suspect's status, country and role those of x, in one statement pair.
func (tx *Tx) AppendStatus(ctx context.Context, x Suspect, ch *StatusChange) error {
	id, err := tx.insertID(ctx, "INSERT INTO operation_status_history (suspect_id, status, day, why, evidence, country, channel, package, recorded_at, recorded_by)"+
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		x.ID, ch.Status, ch.Day, ch.Why, ch.Evidence, ch.Country, ch.Channel, ch.Package, ch.RecordedAt, ch.RecordedBy)
	if err != nil {
		return fmt.Errorf("append status of suspect %q: %w", x.Person, err)
	}
	ch.ID, ch.SuspectID = id, x.ID
	res, err := tx.exec(ctx, "UPDATE operation_suspects SET status = ?, country = ?, role = ? WHERE id = ?", x.Status, x.Country, x.Role, x.ID)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("update suspect %q: %w", x.Person, err)
	}
	return nil
}

// Suspects lists the suspects of an operation by case and person.
func (q q) Suspects(ctx context.Context, operationID int64) ([]Suspect, error) {
	rows, err := q.query(ctx, "SELECT "+suspectColsS+" FROM operation_suspects s JOIN cases c ON c.id = s.case_id"+
		" WHERE s.operation_id = ? ORDER BY c.name, s.person", operationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSuspect)
}

// StatusHistory lists the status changes of an operation's suspects, by
// suspect and in the order recorded (suspectID 0: every suspect).
func (q q) StatusHistory(ctx context.Context, operationID, suspectID int64) ([]StatusChange, error) {
	cond, args := "s.operation_id = ?", []any{operationID}
	if suspectID != 0 {
		cond, args = cond+" AND s.id = ?", append(args, suspectID)
	}
	rows, err := q.query(ctx, "SELECT h.id, h.suspect_id, h.status, h.day, h.why, h.evidence, h.country, h.channel, h.package, h.recorded_at, h.recorded_by"+
		" FROM operation_status_history h JOIN operation_suspects s ON s.id = h.suspect_id WHERE "+cond+" ORDER BY h.suspect_id, h.id", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (StatusChange, error) {
		var h StatusChange
		err := s.Scan(&h.ID, &h.SuspectID, &h.Status, &h.Day, &h.Why, &h.Evidence, &h.Country, &h.Channel, &h.Package, &h.RecordedAt, &h.RecordedBy)
		return h, err
	})
}

// InsertTally records devices seized or victims safeguarded and sets its
// ID.
func (tx *Tx) InsertTally(ctx context.Context, t *Tally) error {
	var suspect any
	if t.SuspectID != 0 {
		suspect = t.SuspectID
	}
	id, err := tx.insertID(ctx, "INSERT INTO operation_tallies (operation_id, suspect_id, devices, victims, day, note, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		t.OperationID, suspect, t.Devices, t.Victims, t.Day, t.Note, t.RecordedAt, t.RecordedBy)
	if err != nil {
		return fmt.Errorf("insert tally: %w", err)
	}
	t.ID = id
	return nil
}

// Tallies lists an operation's tallies in the order recorded.
func (q q) Tallies(ctx context.Context, operationID int64) ([]Tally, error) {
	rows, err := q.query(ctx, "SELECT t.id, t.operation_id, COALESCE(t.suspect_id, 0), COALESCE(c.name, ''), COALESCE(s.person, ''), t.devices, t.victims, t.day, t.note, t.recorded_at, t.recorded_by"+
		" FROM operation_tallies t LEFT JOIN operation_suspects s ON s.id = t.suspect_id LEFT JOIN cases c ON c.id = s.case_id"+
		" WHERE t.operation_id = ? ORDER BY t.id", operationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (Tally, error) {
		var t Tally
		err := s.Scan(&t.ID, &t.OperationID, &t.SuspectID, &t.Case, &t.Person, &t.Devices, &t.Victims, &t.Day, &t.Note, &t.RecordedAt, &t.RecordedBy)
		return t, err
	})
}
