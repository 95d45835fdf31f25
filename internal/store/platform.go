package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Platform is a seized platform's database imported into a case.
type Platform struct {
	ID            int64
	CaseID        int64
	Name          string
	MappingSHA256 string
	CreatedAt     string
}

// PlatformUser is one user of a platform, by the platform's own id.
type PlatformUser struct {
	ID          int64
	PlatformID  int64
	ExtID       string
	Username    string
	DisplayName string
	Role        string
	Country     string
	Created     string
}

// PlatformActivity is one row of a platform's tables about a user: an
// upload, download, view, message, payment or deposit address. Ref
// (table and row) names it within the platform.
type PlatformActivity struct {
	PlatformID int64
	Ref        string
	Kind       string
	UserID     int64
	OtherID    int64 // the recipient of a message (0: none)
	At         string
	// Time, when not zero, is the row's time for PlatformBulk.Activity,
	// which then does not read At: an import has the time as a value,
	// and writing it as text to parse it back cost it some 2.4 CPU-s a
	// full-scale import.
	Time      time.Time
	SHA256    string
	SHA1      string
	MD5       string
	Name      string
	Size      int64
	UploadRef string // downloads and views: the upload they refer to
	Address   string // identifier key of a wallet
	Amount    string
	TxID      string
	Status    string // files: matched, unknown, ignorable
	Matched   string // files: the bank matches, "bank: category / series; ..."
	// The dump row behind it: its source (a file and a table, see
	// PlatformSourceOf), byte offset and line. A row with a source is
	// stored in a pack (PlatformBulk), one without as a row of its own.
	SourceID, Offset, Line int64
}

// PlatformError is a dump row (or statement) that could not be read or
// mapped, or a value of a row that could not be read (Skipped false).
type PlatformError struct {
	PlatformID int64
	File       string
	Table      string
	Line       int64
	Column     string
	Message    string
	Skipped    bool
}

// The conflict clauses of the platform upserts, shared by the row and the
// bulk writers.
const (
	upsertUserTail = ` ON CONFLICT (platform_id, ext_id) DO UPDATE SET
		username = CASE WHEN excluded.username <> '' THEN excluded.username ELSE platform_users.username END,
		display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name ELSE platform_users.display_name END,
		role = CASE WHEN excluded.role <> '' THEN excluded.role ELSE platform_users.role END,
		country = CASE WHEN excluded.country <> '' THEN excluded.country ELSE platform_users.country END,
		created = CASE WHEN excluded.created <> '' THEN excluded.created ELSE platform_users.created END`
	upsertIdentTail = ` ON CONFLICT (user_id, key) DO UPDATE SET
		first_at = CASE WHEN platform_identifiers.first_at IS NULL OR excluded.first_at < platform_identifiers.first_at THEN excluded.first_at ELSE platform_identifiers.first_at END,
		last_at = CASE WHEN platform_identifiers.last_at IS NULL OR excluded.last_at > platform_identifiers.last_at THEN excluded.last_at ELSE platform_identifiers.last_at END`
	upsertActivityTail = ` ON CONFLICT (platform_id, ref) DO UPDATE SET status = excluded.status, matched = excluded.matched`
)

// widenSeen widens an identifier's first and last times (RFC 3339 UTC,
// "" unknown) to take in another sighting's, f and l.
func widenSeen(first, last *string, f, l string) {
	if f != "" && (*first == "" || f < *first) {
		*first = f
	}
	*last = max(*last, l)
}

// PlatformUserCount counts a platform's users.
func (q q) PlatformUserCount(ctx context.Context, platformID int64) (int64, error) {
	var n int64
	err := q.queryRow(ctx, "SELECT COUNT(*) FROM platform_users WHERE platform_id = ?", platformID).Scan(&n)
	return n, err
}

// UpsertPlatform returns the id of the case's platform name, creating it.
func (tx *Tx) UpsertPlatform(ctx context.Context, p *Platform) error {
	err := tx.queryRow(ctx, "SELECT id FROM platforms WHERE case_id = ? AND name = ?", p.CaseID, p.Name).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		p.ID, err = tx.insertID(ctx, "INSERT INTO platforms (case_id, name, mapping_sha256, created_at) VALUES (?, ?, ?, ?)",
			p.CaseID, p.Name, p.MappingSHA256, p.CreatedAt)
		return err
	}
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, "UPDATE platforms SET mapping_sha256 = ? WHERE id = ?", p.MappingSHA256, p.ID)
	return err
}

// UpsertPlatformUser stores a user by (platform, ext id) and returns its
// id; an empty field does not overwrite a stored one.
func (tx *Tx) UpsertPlatformUser(ctx context.Context, u PlatformUser) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO platform_users (platform_id, ext_id, username, display_name, role, country, created) VALUES (?, ?, ?, ?, ?, ?, ?)
`+upsertUserTail+` RETURNING id`, u.PlatformID, u.ExtID, u.Username, u.DisplayName, u.Role, u.Country, u.Created).Scan(&id)
	return id, err
}

// AddPlatformIdentifier records that user holds identifier key (its
// kind is the key's, identifier.Key), seen at at (zero: unknown): the
// first and last times widen.
func (tx *Tx) AddPlatformIdentifier(ctx context.Context, userID int64, key string, at time.Time) error {
	if err := checkIdentKey(key); err != nil {
		return err
	}
	var t any
	if !at.IsZero() {
		t = at.Unix()
	}
	_, err := tx.exec(ctx, `INSERT INTO platform_identifiers (user_id, key, first_at, last_at) VALUES (?, ?, ?, ?)
`+upsertIdentTail,
		userID, key, t, t)
	return err
}

// checkIdentKey checks that key names its kind, as identifier.Key writes
// it (kind:value): a platform identifier's kind is read from its key
// (migration 0038).
func checkIdentKey(key string) error {
	if i := strings.IndexByte(key, ':'); i <= 0 {
		return fmt.Errorf("platform identifier %q: the key does not begin with its kind", key)
	}
	return nil
}

// UpsertPlatformActivity stores an activity row once per (platform, ref);
// storing it again refreshes only its bank match.
func (tx *Tx) UpsertPlatformActivity(ctx context.Context, a PlatformActivity) error {
	var other any
	if a.OtherID != 0 {
		other = a.OtherID
	}
	_, err := tx.exec(ctx, `INSERT INTO platform_activity (platform_id, ref, kind, user_id, other_id, at, sha256, sha1, md5, name, size, upload_ref, address, amount, txid, status, matched)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
`+upsertActivityTail,
		a.PlatformID, a.Ref, a.Kind, a.UserID, other, a.At, a.SHA256, a.SHA1, a.MD5, a.Name, a.Size, a.UploadRef, a.Address, a.Amount, a.TxID, a.Status, a.Matched)
	return err
}

// AddPlatformError records a row that could not be imported, once.
func (tx *Tx) AddPlatformError(ctx context.Context, e PlatformError) error {
	_, err := tx.exec(ctx, `INSERT INTO platform_errors (platform_id, file, tbl, line, col, message, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform_id, file, line, tbl, col, message) DO NOTHING`,
		e.PlatformID, e.File, e.Table, e.Line, e.Column, e.Message, boolInt(e.Skipped))
	return err
}

// Platforms lists a case's platforms by name.
func (q q) Platforms(ctx context.Context, caseID int64) ([]Platform, error) {
	rows, err := q.query(ctx, "SELECT id, case_id, name, mapping_sha256, created_at FROM platforms WHERE case_id = ? ORDER BY name", caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Platform
	for rows.Next() {
		var p Platform
		if err := rows.Scan(&p.ID, &p.CaseID, &p.Name, &p.MappingSHA256, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlatformUsers lists the users of a platform by id.
func (q q) PlatformUsers(ctx context.Context, platformID int64) ([]PlatformUser, error) {
	rows, err := q.query(ctx, `SELECT id, platform_id, ext_id, username, display_name, role, country, created FROM platform_users WHERE platform_id = ? ORDER BY id`, platformID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PlatformUser
	for rows.Next() {
		var u PlatformUser
		if err := rows.Scan(&u.ID, &u.PlatformID, &u.ExtID, &u.Username, &u.DisplayName, &u.Role, &u.Country, &u.Created); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// PlatformIdentifier is an identifier a platform user holds.
type PlatformIdentifier struct {
	UserID    int64
	Kind      string
	Key       string
	FirstSeen string
	LastSeen  string
}

// PlatformIdentifiers lists the identifiers of a platform's users by
// user and key: the identifier rows and the IPs their logins came from
// (the login packs, and platform_login_ips before them), one row per user and key with the widest first
// and last times of both.
func (q q) PlatformIdentifiers(ctx context.Context, platformID int64) ([]PlatformIdentifier, error) {
	rows, err := q.query(ctx, `SELECT i.user_id, i.kind, i.key, i.first_at, i.last_at FROM platform_identifiers i
		JOIN platform_users u ON u.id = i.user_id WHERE u.platform_id = ? ORDER BY i.user_id, i.key`, platformID)
	if err != nil {
		return nil, err
	}
	var out []PlatformIdentifier
	for rows.Next() {
		var i PlatformIdentifier
		var first, last sql.NullInt64
		if err := rows.Scan(&i.UserID, &i.Kind, &i.Key, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		i.FirstSeen, i.LastSeen = loginText(first), loginText(last)
		out = append(out, i)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT l.user_id, i.kind, i.key, l.first_at, l.last_at FROM platform_ips i
		JOIN platform_login_ips l ON l.ip_id = i.id WHERE i.platform_id = ?`, platformID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := len(out)
	for rows.Next() {
		var i PlatformIdentifier
		var first, last sql.NullInt64
		if err := rows.Scan(&i.UserID, &i.Kind, &i.Key, &first, &last); err != nil {
			return nil, err
		}
		i.FirstSeen, i.LastSeen = loginText(first), loginText(last)
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	err = q.platformPackedIPs(ctx, platformID, func(user int64, kind, key string, p packIP) {
		first, last := p.seen()
		out = append(out, PlatformIdentifier{UserID: user, Kind: kind, Key: key, FirstSeen: first, LastSeen: last})
	})
	if err != nil {
		return nil, err
	}
	if len(out) == stored {
		return out, nil
	}
	slices.SortStableFunc(out, func(a, b PlatformIdentifier) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), strings.Compare(a.Key, b.Key))
	})
	// One row per user and key: an IP both a user row and the logins name
	// (or folded before migration 0032, or in packs of two imports)
	// widens to both times.
	merged := out[:0]
	for _, i := range out {
		if n := len(merged); n > 0 && merged[n-1].UserID == i.UserID && merged[n-1].Key == i.Key {
			widenSeen(&merged[n-1].FirstSeen, &merged[n-1].LastSeen, i.FirstSeen, i.LastSeen)
			continue
		}
		merged = append(merged, i)
	}
	return merged, nil
}

// PlatformUserKeys lists the identifier keys each user of a platform
// holds, sorted, once each: those of PlatformIdentifiers without their
// times, for readers that need only the keys (the ranking attributes a
// million users by them). A key's text is shared by every user holding it.
func (q q) PlatformUserKeys(ctx context.Context, platformID int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	rows, err := q.query(ctx, `SELECT i.user_id, i.key FROM platform_identifiers i JOIN platform_users u ON u.id = i.user_id WHERE u.platform_id = ?
		UNION ALL
		SELECT l.user_id, i.key FROM platform_ips i JOIN platform_login_ips l ON l.ip_id = i.id WHERE i.platform_id = ?`, platformID, platformID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var user int64
		var key string
		if err := rows.Scan(&user, &key); err != nil {
			rows.Close()
			return nil, err
		}
		out[user] = append(out[user], key)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	err = q.platformPackedIPs(ctx, platformID, func(user int64, _, key string, _ packIP) {
		out[user] = append(out[user], key)
	})
	if err != nil {
		return nil, err
	}
	for u, ks := range out {
		slices.Sort(ks)
		out[u] = slices.Compact(ks)
	}
	return out, nil
}

// PlatformErrorCounts returns how many rows of a platform were skipped
// and how many values could not be read.
func (q q) PlatformErrorCounts(ctx context.Context, platformID int64) (skipped, values int64, err error) {
	err = q.queryRow(ctx, `SELECT COALESCE(SUM(skipped), 0), COALESCE(SUM(1 - skipped), 0) FROM platform_errors WHERE platform_id = ?`, platformID).Scan(&skipped, &values)
	return skipped, values, err
}

// PlatformLinks lists the identifiers of a case's platform users that
// other sources of the case (chat participants, stealer-log leads,
// accounts) also carry, as identifier links of subject type
// "platform_user": what joins platform users to the case's people. The
// IPs logins came from are read from the login packs only when one of
// them is an identifier of the case.
func (q q) PlatformLinks(ctx context.Context, caseID int64) ([]IdentifierLink, error) {
	rows, err := q.query(ctx, `SELECT pi.user_id, pi.kind, pi.key, p.name, u.username, u.ext_id
		FROM platforms p JOIN platform_users u ON u.platform_id = p.id JOIN platform_identifiers pi ON pi.user_id = u.id
		JOIN identifiers i ON i.case_id = p.case_id AND i.key = pi.key
		WHERE p.case_id = ?
		UNION
		SELECT l.user_id, ip.kind, ip.key, p.name, u.username, u.ext_id
		FROM platforms p JOIN platform_ips ip ON ip.platform_id = p.id
		JOIN identifiers i ON i.case_id = p.case_id AND i.key = ip.key
		JOIN platform_login_ips l ON l.ip_id = ip.id JOIN platform_users u ON u.id = l.user_id
		WHERE p.case_id = ?
		ORDER BY 1, 3`, caseID, caseID)
	if err != nil {
		return nil, err
	}
	out, err := scanPlatformLinks(rows)
	if err != nil {
		return nil, err
	}
	keys, err := q.ipKeys(ctx, "platforms p JOIN platform_ips ip ON ip.platform_id = p.id JOIN identifiers i ON i.case_id = p.case_id AND i.key = ip.key",
		"p.case_id = ?", caseID)
	if err != nil || len(keys) == 0 {
		return out, err
	}
	var held []heldKey
	err = q.packedIPs(ctx, "platforms p JOIN platform_sources s ON s.platform_id = p.id", "p.case_id = ?", []any{caseID}, func(user int64, p packIP) {
		if k, ok := keys[p.ip]; ok {
			held = append(held, heldKey{user, k[0], k[1]})
		}
	})
	if err != nil || len(held) == 0 {
		return out, err
	}
	for _, l := range out {
		held = append(held, heldKey{l.SubjectID, l.Kind, l.Key})
	}
	return q.platformLinksOf(ctx, held)
}

// scanPlatformLinks reads rows of (user id, kind, key, platform name,
// username, external id) as identifier links of platform users.
func scanPlatformLinks(rows *sql.Rows) ([]IdentifierLink, error) {
	defer rows.Close()
	var out []IdentifierLink
	for rows.Next() {
		var user int64
		var kind, key, platform, username, ext string
		if err := rows.Scan(&user, &kind, &key, &platform, &username, &ext); err != nil {
			return nil, err
		}
		out = append(out, platformLink(user, kind, key, platform, username, ext))
	}
	return out, rows.Err()
}

// platformLink is the link of a platform user holding key.
func platformLink(user int64, kind, key, platform, username, ext string) IdentifierLink {
	l := IdentifierLink{SubjectType: "platform_user", SubjectID: user, Kind: kind, Key: key}
	_, l.Normalized, _ = strings.Cut(l.Key, ":")
	l.Value = l.Normalized
	l.Source = fmt.Sprintf("%s user %s", platform, cmpOr(username, "#"+ext))
	return l
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// PlatformUserSummary is one platform user with its platform's name and
// its activity counted by kind and file status ("upload/unknown").
type PlatformUserSummary struct {
	User     PlatformUser
	Platform string
	Counts   map[string]int64
	Last     string
}

// PlatformUserSummaryOf reads one platform user of a case.
func (q q) PlatformUserSummaryOf(ctx context.Context, caseID, userID int64) (PlatformUserSummary, error) {
	var s PlatformUserSummary
	u := &s.User
	err := q.queryRow(ctx, `SELECT u.id, u.platform_id, u.ext_id, u.username, u.display_name, u.role, u.country, u.created, p.name
		FROM platform_users u JOIN platforms p ON p.id = u.platform_id WHERE u.id = ? AND p.case_id = ?`, userID, caseID).
		Scan(&u.ID, &u.PlatformID, &u.ExtID, &u.Username, &u.DisplayName, &u.Role, &u.Country, &u.Created, &s.Platform)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("platform user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return s, err
	}
	counts, err := q.activityCounts(ctx, u.PlatformID, userID)
	if err != nil {
		return s, err
	}
	s.Counts = map[string]int64{}
	for _, c := range counts {
		s.Counts[c.Kind] += c.Count
		if c.Status != "" {
			s.Counts[c.Kind+"/"+c.Status] += c.Count
		}
		s.Last = max(s.Last, c.Last)
	}
	return s, nil
}
