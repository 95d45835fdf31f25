package store

import (
	"context"
	"fmt"
	"strings"
)

// LiveBank is what a matcher needs of a live bank: its identity and what
// changes when it is replaced.
type LiveBank struct {
	ID            int64
	Version       int
	ContentDigest string
}

// LiveBanks lists every live bank (staging and retired rows excluded) by
// ID in one statement, so the list is one consistent snapshot: a bank
// replaced in one transaction is either the old row or the new one here,
// never both or neither.
func (q q) LiveBanks(ctx context.Context) ([]LiveBank, error) {
	rows, err := q.query(ctx, "SELECT id, version, content_digest FROM banks WHERE staged_for = '' ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("live banks: %w", err)
	}
	defer rows.Close()
	var out []LiveBank
	for rows.Next() {
		var b LiveBank
		if err := rows.Scan(&b.ID, &b.Version, &b.ContentDigest); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BankPDQAfter calls fn with the ID, PDQ hash and quality of every record
// of a bank that has a PDQ hash and an ID above afterID, in ID order: a
// matcher's initial load (afterID 0) and its tail past a watermark.
func (q q) BankPDQAfter(ctx context.Context, bankID, afterID int64, fn func(id int64, pdq string, quality int) error) error {
	rows, err := q.query(ctx, "SELECT id, pdq, pdq_quality FROM bank_records WHERE bank_id = ? AND id > ? AND pdq <> '' ORDER BY id", bankID, afterID)
	if err != nil {
		return fmt.Errorf("bank %d pdq hashes: %w", bankID, err)
	}
	defer rows.Close()
	var id int64
	var h string
	var quality int
	for rows.Next() {
		if err := rows.Scan(&id, &h, &quality); err != nil {
			return err
		}
		if err := fn(id, h, quality); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BankMatchHashesAfter is BankPDQAfter for a matcher that holds video
// frames too: every record of a bank with a PDQ hash or a video's frame
// hashes (vpdq, the reference text form) and an ID above afterID, in ID
// order.
func (q q) BankMatchHashesAfter(ctx context.Context, bankID, afterID int64, fn func(id int64, pdq string, quality int, vpdq string) error) error {
	rows, err := q.query(ctx, "SELECT id, pdq, pdq_quality, vpdq FROM bank_records WHERE bank_id = ? AND id > ? AND (pdq <> '' OR vpdq <> '') ORDER BY id", bankID, afterID)
	if err != nil {
		return fmt.Errorf("bank %d match hashes: %w", bankID, err)
	}
	defer rows.Close()
	var id int64
	var h, vp string
	var quality int
	for rows.Next() {
		if err := rows.Scan(&id, &h, &quality, &vp); err != nil {
			return err
		}
		if err := fn(id, h, quality, vp); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BankRemoval is one tombstone: a record removed from a live bank.
type BankRemoval struct {
	Seq      int64
	BankID   int64
	RecordID int64
}

// RemoveBankRecords deletes records of a live bank and writes a tombstone
// for each one that existed, in the caller's transaction.
func (tx *Tx) RemoveBankRecords(ctx context.Context, bankID int64, ids []int64, at string) error {
	for _, id := range ids {
		res, err := tx.exec(ctx, "DELETE FROM bank_records WHERE id = ? AND bank_id = ?", id, bankID)
		if err != nil {
			return fmt.Errorf("remove bank record %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			continue
		}
		if _, err := tx.exec(ctx, "INSERT INTO bank_record_removals (bank_id, record_id, removed_at) VALUES (?, ?, ?)", bankID, id, at); err != nil {
			return fmt.Errorf("tombstone bank record %d: %w", id, err)
		}
	}
	return nil
}

// BankRemovalMark is the newest tombstone's sequence number (0: none). A
// matcher reads it before loading, then applies the tombstones after it.
func (q q) BankRemovalMark(ctx context.Context) (int64, error) {
	var seq int64
	err := q.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM bank_record_removals").Scan(&seq)
	return seq, err
}

// BankRemovalsAfter returns at most limit tombstones with a sequence
// number above afterSeq, oldest first.
func (q q) BankRemovalsAfter(ctx context.Context, afterSeq int64, limit int) ([]BankRemoval, error) {
	rows, err := q.query(ctx, "SELECT seq, bank_id, record_id FROM bank_record_removals WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("bank removals: %w", err)
	}
	defer rows.Close()
	var out []BankRemoval
	for rows.Next() {
		var r BankRemoval
		if err := rows.Scan(&r.Seq, &r.BankID, &r.RecordID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MatcherNode is one matcher process in the registry.
type MatcherNode struct {
	Name        string
	Addr        string // host:port of its HTTP listener
	Partitions  []int  // the virtual partitions it holds, ascending
	Of          int    // P, the number of virtual partitions
	StartedAt   string // RFC 3339
	HeartbeatMS int64  // Unix milliseconds of its last heartbeat
}

// PutMatcher registers a matcher or refreshes its row (heartbeat included).
func (tx *Tx) PutMatcher(ctx context.Context, m MatcherNode) error {
	parts := make([]string, len(m.Partitions))
	for i, p := range m.Partitions {
		parts[i] = fmt.Sprint(p)
	}
	_, err := tx.exec(ctx, `INSERT INTO matchers (name, addr, partitions, of_total, started_at, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET addr = excluded.addr, partitions = excluded.partitions, of_total = excluded.of_total, started_at = excluded.started_at, heartbeat_ms = excluded.heartbeat_ms`,
		m.Name, m.Addr, strings.Join(parts, ","), m.Of, m.StartedAt, m.HeartbeatMS)
	if err != nil {
		return fmt.Errorf("register matcher %q: %w", m.Name, err)
	}
	return nil
}

// DeleteMatcher removes a matcher from the registry (a clean shutdown).
func (tx *Tx) DeleteMatcher(ctx context.Context, name string) error {
	_, err := tx.exec(ctx, "DELETE FROM matchers WHERE name = ?", name)
	return err
}

// Matchers lists the registry by name, dead entries too (the caller
// judges liveness from HeartbeatMS).
func (q q) Matchers(ctx context.Context) ([]MatcherNode, error) {
	rows, err := q.query(ctx, "SELECT name, addr, partitions, of_total, started_at, heartbeat_ms FROM matchers ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("matchers: %w", err)
	}
	defer rows.Close()
	var out []MatcherNode
	for rows.Next() {
		var m MatcherNode
		var parts string
		if err := rows.Scan(&m.Name, &m.Addr, &parts, &m.Of, &m.StartedAt, &m.HeartbeatMS); err != nil {
			return nil, err
		}
		for _, s := range strings.Split(parts, ",") {
			var p int
			if _, err := fmt.Sscan(s, &p); err == nil {
				m.Partitions = append(m.Partitions, p)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
