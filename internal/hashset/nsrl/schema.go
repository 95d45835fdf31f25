package nsrl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// ErrHostile reports a database whose schema is not the format's: a view,
// trigger, virtual table or generated column where NSRL has a plain table.
var ErrHostile = errors.New("not the NSRL RDSv3 schema")

// checkSidecars refuses a database with a write-ahead log or a rollback
// journal beside it: an immutable open would ignore them.
func checkSidecars(path string) error {
	for _, s := range []struct{ suffix, what string }{{"-wal", "write-ahead log"}, {"-journal", "rollback journal"}} {
		st, err := os.Stat(path + s.suffix)
		if err != nil || st.Size() == 0 {
			continue
		}
		return fmt.Errorf("nsrl %s: a %s (%s%s, %d bytes) lies beside it; its rows cannot be read without writing, and ignoring them would lose them: "+
			"import a consolidated copy instead (for example: sqlite3 %s \".backup copy.db\" on a copy of both files)", path, s.what, path, s.suffix, st.Size(), path)
	}
	return nil
}

// distinctView matches the documented DISTINCT_HASH view: SELECT DISTINCT
// over some of FILE's hash columns (compared after folding case and
// spaces).
var distinctView = regexp.MustCompile(`^create view "?distinct_hash"? as select distinct ((sha256|sha1|md5|crc32)(, ?)?)+ from "?file"?;?$`)

func normSQL(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// checkSchema reads sqlite_schema (which never runs user SQL) and refuses
// anything that would make reading the documented tables run hostile
// code: triggers and virtual tables anywhere, FILE or VERSION as views,
// DISTINCT_HASH as any view but the documented one, and generated columns
// among those read.
func checkSchema(ctx context.Context, db *sql.DB, t map[string]bool) error {
	rows, err := db.QueryContext(ctx, `SELECT type, name, COALESCE(sql, '') FROM sqlite_schema`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var typ, name, def string
		if err := rows.Scan(&typ, &name, &def); err != nil {
			return err
		}
		upper := strings.ToUpper(name)
		switch {
		case typ == "trigger":
			return fmt.Errorf("%w: trigger %q", ErrHostile, name)
		case typ == "table" && strings.HasPrefix(normSQL(def), "create virtual table"):
			return fmt.Errorf("%w: virtual table %q", ErrHostile, name)
		case typ == "view" && (upper == "FILE" || upper == "VERSION"):
			return fmt.Errorf("%w: %s is a view, not a table", ErrHostile, upper)
		case typ == "view" && upper == "DISTINCT_HASH" && !distinctView.MatchString(normSQL(def)):
			return fmt.Errorf("%w: DISTINCT_HASH is a view other than the documented SELECT DISTINCT over FILE", ErrHostile)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, tbl := range []string{"DISTINCT_HASH", "FILE", "VERSION"} {
		if !t[tbl] {
			continue
		}
		if err := checkColumns(ctx, db, tbl); err != nil {
			return err
		}
	}
	return nil
}

// checkColumns refuses generated (computed on read) columns in a table
// Vibora reads. A view's columns are those of FILE, checked on their own.
func checkColumns(ctx context.Context, db *sql.DB, tbl string) error {
	rows, err := db.QueryContext(ctx, `SELECT name, hidden FROM pragma_table_xinfo(?)`, tbl)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var hidden int
		if err := rows.Scan(&name, &hidden); err != nil {
			return err
		}
		if hidden == 2 || hidden == 3 {
			return fmt.Errorf("%w: %s.%s is a generated column", ErrHostile, tbl, name)
		}
	}
	return rows.Err()
}
