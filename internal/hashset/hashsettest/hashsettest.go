// Package hashsettest generates synthetic hash lists for tests and
// benchmarks of the hashset format readers: deterministic records whose
// hashes are digests of invented strings (never values from a real list),
// streamed VICS documents of any size, and NSRL RDSv3-shaped SQLite files.
package hashsettest

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/vics"

	_ "modernc.org/sqlite" // "sqlite" database/sql driver
)

// Record returns the i-th synthetic record: MD5, SHA-1 and SHA-256 of
// "vibora-synthetic-<i>", a PDQ derived from it on every third record, a
// Project VIC US category cycling through 0..4 (none on every fifth) and
// flags, series and tags that vary with i.
func Record(i int) hashset.Record {
	seed := []byte("vibora-synthetic-" + strconv.Itoa(i))
	var r hashset.Record
	r.SetMD5(md5.Sum(seed))
	r.SetSHA1(sha1.Sum(seed))
	s := sha256.Sum256(seed)
	r.SetSHA256(s)
	if i%3 == 0 {
		r.SetPDQ(pdq.Hash(sha256.Sum256(append(seed, "-pdq"...))))
		r.SetPDQQuality(uint8(50 + i%51))
	}
	r.SourceID = strconv.Itoa(i + 1)
	r.Profile = hashset.ProfileVICSUS
	if i%5 != 4 {
		r.Category = strconv.Itoa(i % 5)
	}
	r.Class = hashset.NormaliseCategory(r.Profile, r.Category)
	r.VictimIdentified = hashset.Tri(i % 3)
	r.OffenderIdentified = hashset.Tri((i + 1) % 3)
	r.Distributed = hashset.Tri((i + 2) % 3)
	if i%4 == 0 {
		r.Series = "Synthetic series " + strconv.Itoa(i%17)
		r.Tags = []string{"tag" + strconv.Itoa(i%7), "synthetic"}
	}
	return r
}

// VICS streams a VICS 2.0 #Media document of n synthetic records (Record(0)
// .. Record(n-1)) without holding it in memory. Close the reader to stop
// the generator early.
func VICS(n int) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		w := vics.NewWriter(pw)
		for i := 0; i < n; i++ {
			r := Record(i)
			if err := w.Write(&r); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	return pr
}

// NSRLSchema is the RDSv3 minimal-edition schema (as described in the
// research notes: FILE, MFG, OS, PKG, VERSION and the DISTINCT_HASH view).
const NSRLSchema = `
CREATE TABLE VERSION (version TEXT, build_set TEXT, build_date TEXT, release_date TEXT, description TEXT);
CREATE TABLE MFG (manufacturer_id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE OS (operating_system_id INTEGER PRIMARY KEY, name TEXT, version TEXT, manufacturer_id INTEGER);
CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name TEXT, version TEXT, operating_system_id INTEGER, manufacturer_id INTEGER, language TEXT, application_type TEXT);
CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
  PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
`

// NSRL writes an RDSv3-shaped SQLite database at path with n distinct
// synthetic files (hashes upper-case, as NSRL writes them), each listed in
// two packages so DISTINCT_HASH has work to do. version goes in VERSION.
func NSRL(ctx context.Context, path string, n int, version string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, NSRLSchema); err != nil {
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
		r := Record(i)
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
