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
// pread(2).
//
// ok is false when no mark is available: PostgreSQL, a read-only SQLite
// store, a DSN given as a file: URI, or a short or failed read. The
// caller then reads the store.
func (db *DB) CommitMark() (mark [CommitMarkSize]byte, ok bool) {
	if db.shm == nil {
		return mark, false
	}
	n, err := db.shm.ReadAt(mark[:], 0)
	return mark, err == nil && n == CommitMarkSize
}

// openShm opens the -shm file of a writable SQLite store for CommitMark;
// nil when it has none.
func openShm(dialect, dsn string, readOnly bool) *os.File {
	if dialect != SQLite || readOnly || strings.HasPrefix(dsn, "file:") {
		return nil
	}
	f, err := os.Open(dsn + "-shm")
	if err != nil {
		return nil
	}
	return f
}
