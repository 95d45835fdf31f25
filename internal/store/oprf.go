package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// OPRFKey returns the hex private OPRF key of an operation, or ErrNotFound.
func (q q) OPRFKey(ctx context.Context, operation string) (string, error) {
	var k string
	err := q.queryRow(ctx, "SELECT private_key FROM oprf_keys WHERE operation = ?", operation).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("oprf key of %q: %w", operation, ErrNotFound)
	}
	return k, err
}

// InsertOPRFKey stores an operation's key unless it has one; the key
// stored first wins (read it back with OPRFKey).
func (tx *Tx) InsertOPRFKey(ctx context.Context, operation, key, at, by string) error {
	_, err := tx.exec(ctx, "INSERT INTO oprf_keys (operation, private_key, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT (operation) DO NOTHING",
		operation, key, at, by)
	return err
}

// OPRFUsage is how many evaluations the principal has had since since
// (an audit time).
func (q q) OPRFUsage(ctx context.Context, principal, since string) (int64, error) {
	var n sql.NullInt64
	err := q.queryRow(ctx, "SELECT SUM(count) FROM oprf_evaluations WHERE principal = ? AND at >= ?", principal, since).Scan(&n)
	return n.Int64, err
}

// InsertOPRFEvaluation counts evaluations of the principal.
func (tx *Tx) InsertOPRFEvaluation(ctx context.Context, principal, operation, at string, count int) error {
	_, err := tx.exec(ctx, "INSERT INTO oprf_evaluations (principal, operation, at, count) VALUES (?, ?, ?, ?)", principal, operation, at, count)
	return err
}
