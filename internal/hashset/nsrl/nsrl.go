// Package nsrl reads the NIST National Software Reference Library RDS v3
// (an SQLite database) as a bank of known-good hashes.
//
// The database is opened read-only and immutable (SQLite takes no locks,
// writes no journal and creates no -wal/-shm files next to it). Because an
// immutable open ignores a write-ahead log, a database with a non-empty
// -wal (or a hot -journal) beside it is refused with an error saying so:
// its last rows would otherwise be lost without a word. The file is outside
// data and may be hostile, so before any row is read its schema is checked
// against the format: FILE and VERSION must be plain tables, DISTINCT_HASH
// a plain table or the documented SELECT DISTINCT view over FILE, the hash
// columns stored (not generated), and no trigger or virtual table may
// exist. A view that never ends, counts to 10^12 or returns gigabyte blobs
// is therefore never run. Rows are not deduplicated here; the importer
// counts repeats. Records
// come from the DISTINCT_HASH view of the minimal edition (sha256, sha1,
// md5), or, when that view is absent, from SELECT DISTINCT over FILE (the
// full edition's view); rows stream through database/sql, so memory stays
// flat over the ~74 million distinct hashes of a modern release. Every
// record gets profile "nsrl" and class known_good; the suggested bank kind
// is ignorable. The digest of the empty file is kept (NSRL lists it, and
// in an ignorable bank it is harmless).
package nsrl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vibora-project/vibora/internal/hashset"

	_ "modernc.org/sqlite" // "sqlite" database/sql driver
)

// Format is the format name used in Meta and by format detection.
const Format = "nsrl"

// Reader streams the distinct hashes of an RDSv3 database. Close it.
type Reader struct {
	db   *sql.DB
	rows *sql.Rows
	name string
	meta hashset.Meta
	row  int64
	err  error
}

// DSN returns the read-only, immutable SQLite URI for path.
func DSN(path string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?mode=ro&immutable=1"
}

// Tables reports which NSRL tables or views the database at path has
// (upper-case names: "DISTINCT_HASH", "FILE", "VERSION"…); format detection
// uses it to tell an RDSv3 database from any other SQLite file.
func Tables(ctx context.Context, path string) (map[string]bool, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return tables(ctx, db)
}

func tables(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type IN ('table','view')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[strings.ToUpper(n)] = true
	}
	return out, rows.Err()
}

// Open opens the RDSv3 database at path read-only and starts the query.
// ctx bounds the whole read: cancelling it makes Next fail.
func Open(ctx context.Context, path string, opts hashset.Options) (*Reader, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("nsrl %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	r := &Reader{db: db, name: path, meta: hashset.Meta{Format: Format, Profile: hashset.ProfileNSRL, SuggestedKind: hashset.KindIgnorable}}
	if opts.Profile != "" {
		r.meta.Profile = opts.Profile
	}
	if err := checkSidecars(path); err != nil {
		db.Close()
		return nil, err
	}
	t, err := tables(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("nsrl %s: not a readable sqlite database: %w", path, err)
	}
	if err := checkSchema(ctx, db, t); err != nil {
		db.Close()
		return nil, fmt.Errorf("nsrl %s: %w", path, err)
	}
	var q string
	switch {
	case t["DISTINCT_HASH"]:
		q = `SELECT sha256, sha1, md5 FROM DISTINCT_HASH`
		r.meta.Document = "distinct_hash"
	case t["FILE"]:
		q = `SELECT DISTINCT sha256, sha1, md5 FROM FILE`
		r.meta.Document = "file"
	default:
		db.Close()
		return nil, fmt.Errorf("nsrl %s: no DISTINCT_HASH or FILE table: not an NSRL RDSv3 database", path)
	}
	if t["VERSION"] {
		var v, set sql.NullString
		if err := db.QueryRowContext(ctx, `SELECT version, build_set FROM VERSION LIMIT 1`).Scan(&v, &set); err == nil {
			r.meta.FormatVersion = strings.TrimSpace(v.String)
			if set.String != "" {
				r.meta.FormatVersion += " (" + strings.TrimSpace(set.String) + ")"
			}
		}
	}
	if r.rows, err = db.QueryContext(ctx, q); err != nil {
		db.Close()
		return nil, fmt.Errorf("nsrl %s: %w", path, err)
	}
	return r, nil
}

// Meta describes the database.
func (r *Reader) Meta() hashset.Meta { return r.meta }

// Next returns the next distinct hash row; Line is the 1-based row number.
func (r *Reader) Next() (hashset.Record, error) {
	if r.err != nil {
		return hashset.Record{}, r.err
	}
	if !r.rows.Next() {
		r.err = io.EOF
		if err := r.rows.Err(); err != nil {
			r.err = fmt.Errorf("nsrl %s row %d: %w", r.name, r.row, err)
		}
		return hashset.Record{}, r.err
	}
	r.row++
	var cols [3]sql.RawBytes
	if err := r.rows.Scan(&cols[0], &cols[1], &cols[2]); err != nil {
		r.err = fmt.Errorf("nsrl %s row %d: %w", r.name, r.row, err)
		return hashset.Record{}, r.err
	}
	rec := hashset.Record{Line: r.row, Profile: r.meta.Profile}
	var buf [32]byte
	for i, k := range [3]hashset.HashKind{hashset.HashSHA256, hashset.HashSHA1, hashset.HashMD5} {
		if len(cols[i]) == 0 {
			continue
		}
		if _, err := hashset.ParseHex(cols[i], k, 0, buf[:]); err != nil {
			return hashset.Record{}, hashset.Reject(r.row, string(cols[0])+"|"+string(cols[1])+"|"+string(cols[2]), "%v", err)
		}
		rec.SetHash(k, buf[:k.HexLen()/2])
	}
	if !rec.HasHash() {
		return hashset.Record{}, hashset.Reject(r.row, "", "no hash in row")
	}
	rec.Class = hashset.NormaliseCategory(rec.Profile, "")
	return rec, nil
}

// Close ends the query and closes the database.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = errors.New("nsrl reader closed")
	}
	return errors.Join(r.rows.Close(), r.db.Close())
}
