package store

import (
	"os"
	"strings"
)

// CommitMarkSize is the size of a CommitMark.
const CommitMarkSize = 48

// CommitMark is a fingerprint of the last commit to a SQLite store made
// visible by any process: the first copy of the WAL-index header at the
// start of the store's -shm file (SQLite's documented WAL format), which
// every commit in WAL mode rewrites (its change counter, last frame, salts
// and checksum) and which reads leave alone. Two equal marks read at t1 and
// t2 mean that no commit became visible between them, so a value read from
// the store after t1 still holds at t2: a caller of AuthEpoch on every
// request may skip the read when the mark has not moved. Reading it is one
// pread(2), and an fstat(2) where the system has links.
//
// SQLite removes the -shm file when the last connection to the store
// closes (the pool closes idle ones after a while; InExclusiveTx leaves
// the log for a rollback journal) and makes a new one with the next. A
// removed file no longer moves: CommitMark then opens the new one, whose
// header differs, and while there is none it has no mark.
//
// ok is false when no mark is available: PostgreSQL, a read-only SQLite
// store, a DSN given as a file: URI, no -shm file, or a short or failed
// read. The caller then reads the store.
func (db *DB) CommitMark() (mark [CommitMarkSize]byte, ok bool) {
	if db.shmPath == "" {
		return mark, false
	}
	shm := db.shm.Load()
	if shm == nil || removed(shm) {
		next, err := os.Open(db.shmPath)
		if err != nil {
			next = nil
		}
		if !db.shm.CompareAndSwap(shm, next) {
			if next != nil {
				next.Close()
			}
			return mark, false // another call reopened it meanwhile
		}
		if shm != nil {
			// The removed file's: no connection of SQLite holds it.
			shm.Close()
		}
		if shm = next; shm == nil {
			return mark, false
		}
	}
	n, err := shm.ReadAt(mark[:], 0)
	return mark, err == nil && n == CommitMarkSize
}

// shmPathOf is the -shm file of a writable SQLite store, for
// CommitMark; "" for any other.
func shmPathOf(dialect, dsn string, readOnly bool) string {
	if dialect != SQLite || readOnly || strings.HasPrefix(dsn, "file:") {
		return ""
	}
	return dsn + "-shm"
}
