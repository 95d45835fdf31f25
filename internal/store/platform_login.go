package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	IP       string // canonical text, "" unknown
	At       string // RFC 3339 UTC, "" unknown
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
// seconds, or nil.
func loginUnix(at string) (any, error) {
	if at == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return nil, fmt.Errorf("login time %q: %w", at, err)
	}
	return t.Unix(), nil
}

// loginText is a stored login time as RFC 3339 UTC ("" unknown).
func loginText(at sql.NullInt64) string {
	if !at.Valid {
		return ""
	}
	return time.Unix(at.Int64, 0).UTC().Format(time.RFC3339)
}

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
