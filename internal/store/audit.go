package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vibora-project/vibora/internal/audit"
)

// AppendAudit seals r onto the end of the audit chain and stores it. It must
// run in the transaction that makes the change r describes. On PostgreSQL
// the head row is locked so that concurrent writers chain in turn; SQLite
// transactions already hold the database's write lock.
func (tx *Tx) AppendAudit(ctx context.Context, r *audit.Record) error {
	lock := ""
	if tx.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	var head audit.Head
	err := tx.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1"+lock).Scan(&head.Seq, &head.Hash)
	first := errors.Is(err, sql.ErrNoRows)
	if err != nil && !first {
		return fmt.Errorf("read audit head: %w", err)
	}
	r.Seal(&head) // seq 0: the chain is empty, r links to the genesis hash
	if _, err := tx.exec(ctx, "INSERT INTO audit (seq, version, at, actor, actor_id, agency, roles, auth_method, request_id, remote_addr, action, object, before_digest, after_digest, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.Seq, r.Version, r.At, r.Actor, r.ActorID, r.Agency, r.Roles, r.AuthMethod, r.RequestID, r.RemoteAddr, r.Action, r.Object, r.BeforeDigest, r.AfterDigest, r.Detail, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("append audit record: %w", err)
	}
	if first {
		_, err = tx.exec(ctx, "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)", r.Seq, r.Hash)
	} else {
		_, err = tx.exec(ctx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", r.Seq, r.Hash)
	}
	if err != nil {
		return fmt.Errorf("update audit head: %w", err)
	}
	return nil
}

// AuditHead returns the stored end of the chain (zero when empty).
func (q q) AuditHead(ctx context.Context) (audit.Head, error) {
	var h audit.Head
	err := q.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Head{}, nil
	}
	return h, err
}

// AuditRecords calls fn for every audit record in stored order (by seq),
// optionally only those whose object starts with objectPrefix.
func (q q) AuditRecords(ctx context.Context, objectPrefix string, fn func(audit.Record) error) error {
	return q.AuditPage(ctx, objectPrefix, 0, 0, fn)
}

// AuditPage calls fn for the audit records after sequence number after, in
// order, at most limit of them (0: all), optionally only those whose object
// starts with objectPrefix. The range and limit run in SQL on the seq key,
// so a late page costs no more than the first.
func (q q) AuditPage(ctx context.Context, objectPrefix string, after int64, limit int, fn func(audit.Record) error) error {
	return q.AuditSearch(ctx, AuditFilter{ObjectPrefix: objectPrefix}, after, limit, fn)
}

// AuditFilter selects audit records; empty fields select all.
type AuditFilter struct {
	ObjectPrefix string // the object starts with it ("case:op-1", "bank:")
	ActionPrefix string // the action starts with it ("cluster.", "bank.import")
	Actor        string // the displayed name of who acted, exactly
}

// AuditSearch is AuditPage with every filter of f. Each filter has an
// index ending in seq (migration 0029), so a rare actor, action or object
// is found without reading the trail.
func (q q) AuditSearch(ctx context.Context, f AuditFilter, after int64, limit int, fn func(audit.Record) error) error {
	query, args := auditSearchSQL(q.dialect, f, after, limit)
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r audit.Record
		if err := rows.Scan(&r.Seq, &r.Version, &r.At, &r.Actor, &r.ActorID, &r.Agency, &r.Roles, &r.AuthMethod, &r.RequestID, &r.RemoteAddr, &r.Action, &r.Object, &r.BeforeDigest, &r.AfterDigest, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// auditSearchSQL is AuditSearch's query. A prefix is matched by substr,
// and also, when it ends in an ASCII character, by the byte range from it
// to it with that character incremented, which the index serves (in byte
// order: PostgreSQL compares under COLLATE "C", as its index is built).
func auditSearchSQL(dialect string, f AuditFilter, after int64, limit int) (string, []any) {
	query := "SELECT seq, version, at, actor, actor_id, agency, roles, auth_method, request_id, remote_addr, action, object, before_digest, after_digest, detail, prev_hash, hash FROM audit WHERE seq > ?"
	args := []any{after}
	prefix := func(col, p string) {
		if end, ok := prefixEnd(p); ok {
			c := col
			if dialect == Postgres {
				c += ` COLLATE "C"`
			}
			query += " AND " + c + " >= ? AND " + c + " < ?"
			args = append(args, p, end)
		}
		query += " AND substr(" + col + ", 1, ?) = ?"
		args = append(args, len(p), p)
	}
	if f.ObjectPrefix != "" {
		prefix("object", f.ObjectPrefix)
	}
	if f.ActionPrefix != "" {
		prefix("action", f.ActionPrefix)
	}
	if f.Actor != "" {
		query += " AND actor = ?"
		args = append(args, f.Actor)
	}
	query += " ORDER BY seq"
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	return query, args
}

// prefixEnd is the least string above every string that starts with p,
// when p ends in an ASCII character below DEL: p with it incremented.
func prefixEnd(p string) (string, bool) {
	if p == "" || p[len(p)-1] >= 0x7e {
		return "", false
	}
	return p[:len(p)-1] + string(p[len(p)-1]+1), true
}
