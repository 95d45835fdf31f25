package hostile

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/hashset/nsrl/nsrltest"
)

// NSRL cases: SQLite files that claim to be an NSRL RDSv3 database.
const (
	// NSRLRecursiveView: DISTINCT_HASH is a recursive view that never
	// ends (every row a new, valid-looking hash).
	NSRLRecursiveView = "recursive-view"
	// NSRLCountingView: DISTINCT_HASH counts to 10^12.
	NSRLCountingView = "counting-view"
	// NSRLZeroblobView: DISTINCT_HASH yields gigabyte zeroblobs.
	NSRLZeroblobView = "zeroblob-view"
	// NSRLVersionView: VERSION is a view that never ends.
	NSRLVersionView = "version-view"
	// NSRLGeneratedColumn: FILE's sha256 is a generated column computing
	// a gigabyte zeroblob on every read.
	NSRLGeneratedColumn = "generated-column"
	// NSRLTrigger: a trigger that is no part of the format.
	NSRLTrigger = "trigger"
	// NSRLWAL: one row in the main file, the rest committed in a
	// write-ahead log beside it (which an immutable open ignores).
	NSRLWAL = "wal"
	// NSRLDuplicates: DISTINCT_HASH is a table holding each hash twice,
	// once upper-case and once lower-case.
	NSRLDuplicates = "duplicates"
)

// NSRLCases lists every NSRL case.
var NSRLCases = []string{NSRLRecursiveView, NSRLCountingView, NSRLZeroblobView, NSRLVersionView,
	NSRLGeneratedColumn, NSRLTrigger, NSRLWAL, NSRLDuplicates}

// NSRL writes the hostile NSRL case kind at path, built on n synthetic
// records (nsrltest.Build). For NSRLWAL, the main file holds 1 record and
// n-1 more are in path-wal; for NSRLDuplicates the database yields 2n rows
// of n distinct hashes.
func NSRL(ctx context.Context, path, kind string, n int) error {
	if kind == NSRLWAL {
		return nsrlWAL(ctx, path, n)
	}
	if err := nsrltest.Build(ctx, path, n, "2024.03.1"); err != nil {
		return err
	}
	const hex64 = `printf('%064X', x), printf('%040X', x), printf('%032X', x), printf('%08X', x)`
	var q string
	switch kind {
	case NSRLRecursiveView:
		q = `DROP VIEW DISTINCT_HASH; CREATE VIEW DISTINCT_HASH(sha256, sha1, md5, crc32) AS
			WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT ` + hex64 + ` FROM c`
	case NSRLCountingView:
		q = `DROP VIEW DISTINCT_HASH; CREATE VIEW DISTINCT_HASH(sha256, sha1, md5, crc32) AS
			WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000) SELECT ` + hex64 + ` FROM c`
	case NSRLZeroblobView:
		q = `DROP VIEW DISTINCT_HASH; CREATE VIEW DISTINCT_HASH(sha256, sha1, md5, crc32) AS
			SELECT zeroblob(1000000000), zeroblob(1000000000), zeroblob(1000000000), '' FROM FILE`
	case NSRLVersionView:
		q = `DROP TABLE VERSION; CREATE VIEW VERSION(version, build_set, build_date, release_date, description) AS
			WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x), '', '', '', '' FROM c`
	case NSRLGeneratedColumn:
		q = `DROP VIEW DISTINCT_HASH; ALTER TABLE FILE RENAME TO FILE_OLD;
			CREATE TABLE FILE (real_sha256 VARCHAR, sha1 VARCHAR, md5 VARCHAR, crc32 VARCHAR, file_name VARCHAR, file_size INTEGER, package_id INTEGER,
				sha256 BLOB GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL);
			INSERT INTO FILE (real_sha256, sha1, md5, crc32, file_name, file_size, package_id) SELECT * FROM FILE_OLD; DROP TABLE FILE_OLD`
	case NSRLTrigger:
		q = `CREATE TABLE log (x); CREATE TRIGGER t AFTER INSERT ON FILE BEGIN INSERT INTO log VALUES (1); END`
	case NSRLDuplicates:
		q = `DROP VIEW DISTINCT_HASH; CREATE TABLE DISTINCT_HASH (sha256 VARCHAR, sha1 VARCHAR, md5 VARCHAR, crc32 VARCHAR);
			INSERT INTO DISTINCT_HASH SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
			INSERT INTO DISTINCT_HASH SELECT DISTINCT lower(sha256), lower(sha1), lower(md5), crc32 FROM FILE`
	default:
		return fmt.Errorf("hostile nsrl: unknown case %q", kind)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("hostile nsrl %s: %w", kind, err)
	}
	return db.Close()
}

// nsrlWAL builds the database elsewhere, leaves n-1 of its rows in the
// write-ahead log, and copies both files while the writer holds them.
func nsrlWAL(ctx context.Context, path string, n int) error {
	tmp, err := os.MkdirTemp("", "vibora-hostile-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	full := filepath.Join(tmp, "full.db")
	if err := nsrltest.Build(ctx, full, n, "2024.03.1"); err != nil {
		return err
	}
	work := filepath.Join(tmp, "wal.db")
	if err := nsrltest.Build(ctx, work, 0, "2024.03.1"); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+work)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range []string{`PRAGMA journal_mode=WAL`, `PRAGMA wal_autocheckpoint=0`, `ATTACH DATABASE '` + full + `' AS src`,
		`INSERT INTO FILE SELECT * FROM src.FILE WHERE rowid <= 2`, `PRAGMA wal_checkpoint(TRUNCATE)`,
		`INSERT INTO FILE SELECT * FROM src.FILE WHERE rowid > 2`} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("hostile nsrl wal: %s: %w", s, err)
		}
	}
	if err := copyFile(work, path); err != nil {
		return err
	}
	return copyFile(work+"-wal", path+"-wal")
}
