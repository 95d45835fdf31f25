package store

import "context"

// CustodyEvent is one entry of an exhibit's chain of custody. Events are
// append-only: the store has no update or delete for them.
type CustodyEvent struct {
	ID        int64
	CaseID    int64
	ExhibitID int64
	Event     string // acquired, ingested, verified, exported
	Actor     string
	At        string
	Reason    string
	Digests   string // e.g. "manifest-sha256=..."
}

// InsertCustodyEvent appends a custody event.
func (tx *Tx) InsertCustodyEvent(ctx context.Context, e *CustodyEvent) error {
	var exhibit any
	if e.ExhibitID != 0 {
		exhibit = e.ExhibitID
	}
	id, err := tx.insertID(ctx, "INSERT INTO custody_events (case_id, exhibit_id, event, actor, at, reason, digests) VALUES (?, ?, ?, ?, ?, ?, ?)",
		e.CaseID, exhibit, e.Event, e.Actor, e.At, e.Reason, e.Digests)
	e.ID = id
	return err
}

// CustodyEvents lists a case's custody events in order (optionally of one exhibit).
func (q q) CustodyEvents(ctx context.Context, caseID, exhibitID int64) ([]CustodyEvent, error) {
	query := "SELECT id, case_id, COALESCE(exhibit_id, 0), event, actor, at, reason, digests FROM custody_events WHERE case_id = ?"
	args := []any{caseID}
	if exhibitID != 0 {
		query += " AND exhibit_id = ?"
		args = append(args, exhibitID)
	}
	rows, err := q.query(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CustodyEvent
	for rows.Next() {
		var e CustodyEvent
		if err := rows.Scan(&e.ID, &e.CaseID, &e.ExhibitID, &e.Event, &e.Actor, &e.At, &e.Reason, &e.Digests); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
