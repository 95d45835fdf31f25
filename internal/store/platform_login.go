package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// PlatformLogin is one login row of a platform: its user, IP, time and
// user agent, and the source row behind it (file, table, byte offset,
// line).
type PlatformLogin struct {
	SourceID int64
	Offset   int64
	Line     int64
	UserID   int64
	IP       string     // canonical text, "" unknown
	Addr     netip.Addr // valid: the IP, for PlatformBulk.Login, which then does not read IP
	At       string     // RFC 3339 UTC, "" unknown
	Time     time.Time  // not zero: the time, for PlatformBulk.Login, which then does not read At
	Agent    string
	// Read back only.
	UserExt string
	File    string
	Table   string
}

// PlatformSourceOf returns the id of a platform's source (a file and a
// table in it), creating it, and the offset of the last login stored from
// it (-1: none). An import stores a source's logins in one transaction
// and records the offset of the last (logins_off; before migration 0034
// the highest offset of its login rows), so every row of the source up
// to that offset is stored.
func (tx *Tx) PlatformSourceOf(ctx context.Context, platformID int64, file, table string) (id, stored int64, err error) {
	err = tx.queryRow(ctx, "SELECT id, logins_off FROM platform_sources WHERE platform_id = ? AND file = ? AND tbl = ?", platformID, file, table).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		id, err = tx.insertID(ctx, "INSERT INTO platform_sources (platform_id, file, tbl) VALUES (?, ?, ?)", platformID, file, table)
		return id, -1, err
	}
	if err != nil {
		return 0, 0, err
	}
	var rows int64
	err = tx.queryRow(ctx, "SELECT COALESCE(MAX(off), -1) FROM platform_logins WHERE source_id = ?", id).Scan(&rows)
	return id, max(stored, rows), err
}

// loginUnix is a login time (RFC 3339, "" unknown) as stored: Unix
// seconds, and whether there is one. The form the importer writes
// (2006-01-02T15:04:05Z) is read without the general parser.
func loginUnix(at string) (int64, bool, error) {
	if at == "" {
		return 0, false, nil
	}
	if t, ok := utcSeconds(at); ok {
		return t, true, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return 0, false, fmt.Errorf("login time %q: %w", at, err)
	}
	return t.Unix(), true, nil
}

// unixSeconds is t as Unix seconds when its year is 0 to 9999 (what
// RFC 3339 text can hold, and so what At could have said).
func unixSeconds(t time.Time) (int64, bool) {
	const first, end = -62167219200, 253402300800 // 0000-01-01, 10000-01-01
	if t.IsZero() {
		return 0, false
	}
	u := t.Unix()
	return u, u >= first && u < end
}

// utcSeconds reads s in the form 2006-01-02T15:04:05Z as Unix seconds,
// when it is a valid time in that form.
func utcSeconds(s string) (int64, bool) {
	if len(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' {
		return 0, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // 30 February, 31 April
		return 0, false
	}
	return t.Unix(), true
}

// loginText is a stored login time as RFC 3339 UTC ("" unknown).
func loginText(at sql.NullInt64) string {
	if !at.Valid {
		return ""
	}
	return unixText(at.Int64)
}

// unixText is Unix seconds as RFC 3339 UTC.
func unixText(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// ipKind is the identifier kind of an IP's canonical text.
func ipKind(ip string) string {
	if strings.Contains(ip, ":") {
		return "ipv6"
	}
	return "ipv4"
}

// PlatformUserByExt returns a platform's user by the platform's own id.
func (q q) PlatformUserByExt(ctx context.Context, platformID int64, ext string) (PlatformUser, error) {
	var u PlatformUser
	err := q.queryRow(ctx, `SELECT id, platform_id, ext_id, username, display_name, role, country, created FROM platform_users WHERE platform_id = ? AND ext_id = ?`,
		platformID, ext).Scan(&u.ID, &u.PlatformID, &u.ExtID, &u.Username, &u.DisplayName, &u.Role, &u.Country, &u.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("platform user %q: %w", ext, ErrNotFound)
	}
	return u, err
}
