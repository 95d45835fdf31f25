// Package nsrltest builds NSRL RDSv3-shaped SQLite databases of synthetic
// hashes (hashsettest.Record) for tests and benchmarks.
package nsrltest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/vibora-project/vibora/internal/hashset/hashsettest"

	_ "modernc.org/sqlite" // "sqlite" database/sql driver
)

// Schema is the RDSv3 minimal-edition schema (as described in the
// research notes: FILE, MFG, OS, PKG, VERSION and the DISTINCT_HASH view).
const Schema = `
CREATE TABLE VERSION (version TEXT, build_set TEXT, build_date TEXT, release_date TEXT, description TEXT);
CREATE TABLE MFG (manufacturer_id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE OS (operating_system_id INTEGER PRIMARY KEY, name TEXT, version TEXT, manufacturer_id INTEGER);
CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name TEXT, version TEXT, operating_system_id INTEGER, manufacturer_id INTEGER, language TEXT, application_type TEXT);
CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
  PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
`

// Build writes an RDSv3-shaped SQLite database at path with n distinct
// synthetic files (hashes upper-case, as NSRL writes them), each listed in
// two packages so DISTINCT_HASH has work to do. version goes in VERSION.
func Build(ctx context.Context, path string, n int, version string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, Schema); err != nil {
		return fmt.Errorf("nsrl schema: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO VERSION VALUES (?, 'Modern', '2024-01-01', '2024-03-01', 'synthetic test set')`, version); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		r := hashsettest.Record(i)
		up := func(s string) string { return upper(s) }
		for pkg := 1; pkg <= 2; pkg++ {
			if _, err := st.ExecContext(ctx, up(r.HexSHA256()), up(r.HexSHA1()), up(r.HexMD5()), up(hex.EncodeToString(r.MD5[:4])),
				"file"+strconv.Itoa(i)+".dll", 1000+i, pkg); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 32
		}
	}
	return string(b)
}
