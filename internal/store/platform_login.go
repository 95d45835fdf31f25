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
// it (-1: none). Logins are stored in offset order in one transaction
// per import, so every row of the source up to that offset is stored.
func (tx *Tx) PlatformSourceOf(ctx context.Context, platformID int64, file, table string) (id, stored int64, err error) {
	err = tx.queryRow(ctx, "SELECT id FROM platform_sources WHERE platform_id = ? AND file = ? AND tbl = ?", platformID, file, table).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		id, err = tx.insertID(ctx, "INSERT INTO platform_sources (platform_id, file, tbl) VALUES (?, ?, ?)", platformID, file, table)
		return id, -1, err
	}
	if err != nil {
		return 0, 0, err
	}
	err = tx.queryRow(ctx, "SELECT COALESCE(MAX(off), -1) FROM platform_logins WHERE source_id = ?", id).Scan(&stored)
	return id, stored, err
}

// FoldPlatformLogins records the IPs of a source's logins past offset
// after as IPs their users logged in from (platform_login_ips), with the
// first and last time seen (widening those stored), in one statement:
// the database groups the rows by integers (IP id, user) and inserts
// them in key order instead of the import upserting one identifier per
// login.
func (tx *Tx) FoldPlatformLogins(ctx context.Context, sourceID, after int64) error {
	_, err := tx.exec(ctx, `INSERT INTO platform_login_ips (user_id, ip_id, first_at, last_at)
		SELECT user_id, ip_id, MIN(at), MAX(at) FROM platform_logins WHERE source_id = ? AND off > ? AND ip_id <> 0
		GROUP BY ip_id, user_id ORDER BY ip_id, user_id
		ON CONFLICT (ip_id, user_id) DO UPDATE SET
		first_at = CASE WHEN platform_login_ips.first_at IS NULL OR excluded.first_at < platform_login_ips.first_at THEN excluded.first_at ELSE platform_login_ips.first_at END,
		last_at = CASE WHEN platform_login_ips.last_at IS NULL OR excluded.last_at > platform_login_ips.last_at THEN excluded.last_at ELSE platform_login_ips.last_at END`, sourceID, after)
	if err != nil {
		return fmt.Errorf("fold logins into identifiers: %w", err)
	}
	return nil
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

// PlatformLoginStat is how many logins a platform user has and the
// first and last login time.
type PlatformLoginStat struct {
	UserID int64
	Count  int64
	First  string
	Last   string
}

// PlatformLoginStats counts the logins of a platform's users.
func (q q) PlatformLoginStats(ctx context.Context, platformID int64) ([]PlatformLoginStat, error) {
	rows, err := q.query(ctx, `SELECT l.user_id, COUNT(*), MIN(l.at), MAX(l.at)
		FROM platform_sources s JOIN platform_logins l ON l.source_id = s.id
		WHERE s.platform_id = ? GROUP BY l.user_id ORDER BY l.user_id`, platformID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PlatformLoginStat
	for rows.Next() {
		var s PlatformLoginStat
		var first, last sql.NullInt64
		if err := rows.Scan(&s.UserID, &s.Count, &first, &last); err != nil {
			return nil, err
		}
		s.First, s.Last = loginText(first), loginText(last)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PlatformLogins lists a platform's logins (of one user when userID is
// not 0) by time, at most limit of them, and how many there are.
func (q q) PlatformLogins(ctx context.Context, platformID, userID int64, limit int) ([]PlatformLogin, int64, error) {
	where, args := "s.platform_id = ?", []any{platformID}
	if userID != 0 {
		where, args = where+" AND l.user_id = ?", append(args, userID)
	}
	var total int64
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM platform_sources s JOIN platform_logins l ON l.source_id = s.id WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.query(ctx, `SELECT l.source_id, l.off, l.line, l.user_id, COALESCE(i.ip, ''), l.at, COALESCE(a.agent, ''), u.ext_id, s.file, s.tbl
		FROM platform_sources s JOIN platform_logins l ON l.source_id = s.id
		JOIN platform_users u ON u.id = l.user_id LEFT JOIN platform_agents a ON a.id = l.agent_id LEFT JOIN platform_ips i ON i.id = l.ip_id
		WHERE `+where+` ORDER BY l.at NULLS FIRST, s.file, s.tbl, l.off LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []PlatformLogin
	for rows.Next() {
		var l PlatformLogin
		var at sql.NullInt64
		if err := rows.Scan(&l.SourceID, &l.Offset, &l.Line, &l.UserID, &l.IP, &at, &l.Agent, &l.UserExt, &l.File, &l.Table); err != nil {
			return nil, 0, err
		}
		l.At = loginText(at)
		out = append(out, l)
	}
	return out, total, rows.Err()
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
