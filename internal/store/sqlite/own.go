package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ApplicationID marks a SQLite file as a Vibora store: the 32-bit
// application_id in the database header (offset 68), "VBRA". Vibora
// writes it when it creates a store, and into stores made before it was
// introduced the first time it opens them writable.
const ApplicationID = 0x56425241

// ClaimSQL writes ApplicationID into a store's header.
const ClaimSQL = "PRAGMA application_id = 1447187009" // 0x56425241

// ErrNotOurs reports a file that is not a Vibora store: Vibora never
// writes to it.
var ErrNotOurs = errors.New("not a Vibora store")

// Target is what Prepare found at a store path.
type Target struct {
	// DSN is what to hand the driver.
	DSN string
	// ReadOnly: the store is write-protected (the file or its directory
	// has no write permission bit); it is opened read-only and immutable
	// as far as possible, and not migrated.
	ReadOnly bool
	// Unclaimed: a Vibora store from before ApplicationID (recognised by
	// its tables); the caller claims it with ClaimSQL once open writable.
	Unclaimed bool
}

const sqliteMagic = "SQLite format 3\x00"

// Prepare examines the file at path before anything opens it through
// SQLite, and decides how (and whether) to open it as a store:
//
//   - no file, or an empty file without a write-ahead log beside it: a new
//     store is created there, with ApplicationID written first;
//   - a SQLite file with ApplicationID, or an older Vibora store
//     (recognised by its schema_version and audit tables, read with the
//     file opened read-only and immutable): opened;
//   - anything else (another application's database, an NSRL file, a
//     file that is not SQLite): refused with ErrNotOurs, and nothing is
//     written to it or beside it.
//
// A store whose file or directory has no write permission bit is opened
// read-only (mode=ro, immutable when no write-ahead log is pending), so
// that it can still be read and verified, even by root, without a byte
// changing.
func Prepare(ctx context.Context, path string) (Target, error) {
	if strings.HasPrefix(path, "file:") {
		// An explicit URI: the caller chose the settings; still refuse a
		// file that is not ours.
		p := strings.TrimPrefix(path, "file:")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		if p == "" || p == ":memory:" || strings.Contains(path, "mode=memory") {
			return Target{DSN: path}, nil
		}
		t, err := Prepare(ctx, p)
		t.DSN = path
		return t, err
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Target{DSN: DSN(path)}, create(ctx, path)
	case err != nil:
		return Target{}, fmt.Errorf("store %s: %w", path, err)
	case st.IsDir():
		return Target{}, fmt.Errorf("store %s: is a directory", path)
	case !st.Mode().IsRegular():
		return Target{}, fmt.Errorf("store %s: %w: not a regular file (%v)", path, ErrNotOurs, st.Mode().Type())
	}
	walSize := fileSize(path + "-wal")
	if st.Size() == 0 {
		if walSize > 0 {
			return Target{}, fmt.Errorf("store %s: %w: an empty file with a write-ahead log beside it (%s-wal)", path, ErrNotOurs, path)
		}
		if writeProtected(path, st) {
			return Target{}, fmt.Errorf("store %s: empty and write-protected: cannot create a store there", path)
		}
		return Target{DSN: DSN(path)}, create(ctx, path)
	}
	var head [100]byte
	if err := readHead(path, head[:]); err != nil {
		return Target{}, fmt.Errorf("store %s: %w: %v", path, ErrNotOurs, err)
	}
	if !bytes.HasPrefix(head[:], []byte(sqliteMagic)) {
		return Target{}, fmt.Errorf("store %s: %w: not a SQLite database", path, ErrNotOurs)
	}
	t := Target{DSN: DSN(path)}
	switch id := binary.BigEndian.Uint32(head[68:72]); id {
	case ApplicationID:
	case 0:
		ok, err := looksLikeStore(ctx, path)
		if err != nil {
			return Target{}, fmt.Errorf("store %s: %w: %v", path, ErrNotOurs, err)
		}
		if !ok {
			return Target{}, fmt.Errorf("store %s: %w: a SQLite database of another application (Vibora only creates a store in a new or empty file)", path, ErrNotOurs)
		}
		t.Unclaimed = true
	default:
		return Target{}, fmt.Errorf("store %s: %w: a SQLite database of another application (application id %#08x)", path, ErrNotOurs, id)
	}
	if writeProtected(path, st) {
		t.ReadOnly, t.Unclaimed = true, false
		t.DSN = readOnlyDSN(path, walSize == 0)
	}
	return t, nil
}

// PageSize is the page size of a new store: 16 KiB, where SQLite's
// default is 4 KiB. Bulk imports append rows by the million and write
// every page to the write-ahead log and then to the file; four times
// fewer pages is four times fewer reads and writes of them (a platform
// import of 415 MB ran at 29.2-29.3 MB of dump text per CPU second with
// 4 KiB pages and 30.9-35.1 with 16 KiB, peak memory 450 MB and 365 MB;
// docs/platform.md). 64 KiB made the full-scale platform import 11% cheaper
// but a small transaction twice as dear and a triage ingest 20% slower:
// every page a transaction changes goes whole to the write-ahead log. A
// store keeps the page size it was created with.
const PageSize = 16384

// create makes a new store file holding only the header with
// ApplicationID, in rollback-journal mode so the header reaches the main
// file at once (the WAL is switched on by DSN's settings afterwards).
func create(ctx context.Context, path string) error {
	db, err := sql.Open(Driver, "file:"+escape(path)+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return fmt.Errorf("create store %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "PRAGMA page_size = "+strconv.Itoa(PageSize)); err != nil {
		return fmt.Errorf("create store %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, ClaimSQL); err != nil {
		return fmt.Errorf("create store %s: %w", path, err)
	}
	return db.Close()
}

// looksLikeStore reads the schema of a SQLite file without changing it
// (read-only and immutable: no lock, no journal, no -shm) and reports
// whether it has the tables every Vibora store has.
func looksLikeStore(ctx context.Context, path string) (bool, error) {
	db, err := sql.Open(Driver, readOnlyDSN(path, true))
	if err != nil {
		return false, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('schema_version', 'audit', 'cases', 'exhibits')`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n == 4, rows.Err()
}

// writeProtected reports whether the permission bits say the store may not
// be written: no write bit on the file, or none on its directory (where
// SQLite would put its -wal and -shm files). Bits, not access(2): root
// passes every access check.
func writeProtected(path string, st os.FileInfo) bool {
	if st.Mode().Perm()&0o222 == 0 {
		return true
	}
	d, err := os.Stat(filepath.Dir(path))
	return err == nil && d.Mode().Perm()&0o222 == 0
}

// readOnlyDSN opens a store without writing: mode=ro always, immutable
// when no write-ahead log is pending (with one, SQLite must read it, and
// needs its -shm).
func readOnlyDSN(path string, immutable bool) string {
	q := "?mode=ro"
	if immutable {
		q += "&immutable=1"
	}
	q += "&_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	return "file:" + escape(path) + q
}

func escape(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func readHead(path string, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err = io.ReadFull(f, buf); errors.Is(err, io.ErrUnexpectedEOF) {
		return nil // shorter than a header: the magic check says what it is
	}
	return err
}
