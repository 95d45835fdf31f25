package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// sqliteConns is the size of a SQLite store's pool (OpenAt).
const sqliteConns = 4

// InExclusiveTx runs fn in one transaction, as InTx does, for a large
// write by a process that has the store to itself (a platform import
// run from the command line with --exclusive). On a SQLite store that
// no other connection has open, of this process or another, it writes
// through a rollback journal instead of the write-ahead log: SQLite
// then writes each new page once, into the store, where through the log
// it writes the page into the log, reads it back and writes it again
// into the store when the log is checkpointed, and at the commit of a
// transaction larger than its page cache reads the whole log once more
// to rewrite its checksums (the pages spilled early are changed again
// later). The transaction is as atomic and as durable: a crash leaves
// the journal, which the next open rolls back, and the journal is
// synchronised in full (synchronous = FULL) while the store is in that
// mode. Other connections meanwhile wait for the store (their busy
// timeout), where through the log they could read. After the commit
// (or the rollback) the store goes back to the write-ahead log.
//
// exclusive reports whether the store was this transaction's alone. On
// PostgreSQL, on a read-only store and when another connection holds
// the store it is InTx on one of the pool's connections.
func (db *DB) InExclusiveTx(ctx context.Context, fn func(tx *Tx) error) (exclusive bool, err error) {
	if db.dialect != SQLite || db.readOnly {
		return false, db.InTx(ctx, fn)
	}
	// Each idle connection of the pool holds the store open.
	db.sql.SetMaxIdleConns(0)
	defer db.sql.SetMaxIdleConns(sqliteConns)
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("begin transaction: %w", err)
	}
	defer conn.Close()
	var mode string
	// SQLite leaves the write-ahead log only with the store to itself; it
	// refuses at once (busy) when another connection has it open.
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode); err != nil || mode != "delete" {
		return false, db.inTx(ctx, conn.BeginTx, fn)
	}
	defer func() {
		var back string
		werr := conn.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA journal_mode = WAL").Scan(&back)
		if werr == nil && back != "wal" {
			werr = fmt.Errorf("journal mode %q", back)
		}
		if werr == nil {
			_, werr = conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = NORMAL")
		}
		if werr != nil {
			// The next open of the store sets the write-ahead log again.
			err = errors.Join(err, fmt.Errorf("store back to its write-ahead log: %w", werr))
		}
	}()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = FULL"); err != nil {
		return true, fmt.Errorf("begin transaction: %w", err)
	}
	return true, db.inTx(ctx, conn.BeginTx, fn)
}

// inTx runs fn in a transaction begun by begin.
func (db *DB) inTx(ctx context.Context, begin func(context.Context, *sql.TxOptions) (*sql.Tx, error), fn func(tx *Tx) error) error {
	stx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{q: q{db: stx, dialect: db.dialect}, tx: stx}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
