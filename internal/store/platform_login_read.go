package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Readers of a platform's logins read the packs (migration 0034) and the
// rows stored before them (platform_logins, platform_login_ips) alike.

// PlatformLoginStat is how many logins a platform user has and the
// first and last login time.
type PlatformLoginStat struct {
	UserID int64
	Count  int64
	First  string
	Last   string
}

// PlatformLoginStats counts the logins of a platform's users, from the
// packs' columns (no pack is unpacked).
func (q q) PlatformLoginStats(ctx context.Context, platformID int64) ([]PlatformLoginStat, error) {
	rows, err := q.query(ctx, `SELECT user_id, CAST(SUM(n) AS BIGINT), MIN(first_at), MAX(last_at) FROM (
			SELECT l.user_id, 1 AS n, l.at AS first_at, l.at AS last_at
			FROM platform_sources s JOIN platform_logins l ON l.source_id = s.id WHERE s.platform_id = ?
			UNION ALL
			SELECT pk.user_id, pk.n, pk.first_at, pk.last_at
			FROM platform_sources s JOIN platform_login_packs pk ON pk.source_id = s.id WHERE s.platform_id = ?
		) x GROUP BY user_id ORDER BY user_id`, platformID, platformID)
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

// loginSourceRow is a platform source as logins name it.
type loginSourceRow struct {
	file, table string
	rank        int // in (file, table) order
}

func (q q) loginSources(ctx context.Context, platformID int64) (map[int64]loginSourceRow, error) {
	rows, err := q.query(ctx, "SELECT id, file, tbl FROM platform_sources WHERE platform_id = ? ORDER BY file, tbl", platformID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]loginSourceRow{}
	for rows.Next() {
		var id int64
		var s loginSourceRow
		if err := rows.Scan(&id, &s.file, &s.table); err != nil {
			return nil, err
		}
		s.rank = len(out)
		out[id] = s
	}
	return out, rows.Err()
}

// PlatformLogins lists a platform's logins (of one user when userID is
// not 0) by time (unknown first), source and offset, at most limit of
// them, and how many there are. Listing a whole platform unpacks every
// pack and keeps the first limit.
func (q q) PlatformLogins(ctx context.Context, platformID, userID int64, limit int) ([]PlatformLogin, int64, error) {
	where, args := "s.platform_id = ?", []any{platformID}
	if userID != 0 {
		where, args = where+" AND x.user_id = ?", append(args, userID)
	}
	var old, packed int64
	if err := q.queryRow(ctx, "SELECT COUNT(*) FROM platform_sources s JOIN platform_logins x ON x.source_id = s.id WHERE "+where, args...).Scan(&old); err != nil {
		return nil, 0, err
	}
	if err := q.queryRow(ctx, "SELECT CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM platform_sources s JOIN platform_login_packs x ON x.source_id = s.id WHERE "+where, args...).Scan(&packed); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		return nil, old + packed, nil
	}
	var out []PlatformLogin
	if old > 0 {
		rows, err := q.query(ctx, `SELECT x.source_id, x.off, x.line, x.user_id, COALESCE(i.ip, ''), x.at, COALESCE(a.agent, ''), u.ext_id, s.file, s.tbl
			FROM platform_sources s JOIN platform_logins x ON x.source_id = s.id
			JOIN platform_users u ON u.id = x.user_id LEFT JOIN platform_agents a ON a.id = x.agent_id LEFT JOIN platform_ips i ON i.id = x.ip_id
			WHERE `+where+` ORDER BY x.at NULLS FIRST, s.file, s.tbl, x.off LIMIT ?`, append(args, limit)...)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			var l PlatformLogin
			var at sql.NullInt64
			if err := rows.Scan(&l.SourceID, &l.Offset, &l.Line, &l.UserID, &l.IP, &at, &l.Agent, &l.UserExt, &l.File, &l.Table); err != nil {
				rows.Close()
				return nil, 0, err
			}
			l.At = loginText(at)
			out = append(out, l)
		}
		if err := rows.Close(); err != nil {
			return nil, 0, err
		}
	}
	if packed > 0 {
		ls, err := q.packedLogins(ctx, platformID, where, args, limit)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, ls...)
	}
	slices.SortStableFunc(out, func(a, b PlatformLogin) int {
		if (a.At == "") != (b.At == "") {
			if a.At == "" {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.At, b.At), strings.Compare(a.File, b.File), strings.Compare(a.Table, b.Table), cmp.Compare(a.Offset, b.Offset))
	})
	return out[:min(len(out), limit)], old + packed, nil
}

// packedLogins unpacks the packs where (over platform_sources s and
// platform_login_packs x) names and returns the first limit of their
// logins, with their texts.
func (q q) packedLogins(ctx context.Context, platformID int64, where string, args []any, limit int) ([]PlatformLogin, error) {
	sources, err := q.loginSources(ctx, platformID)
	if err != nil {
		return nil, err
	}
	before := func(a, b packLogin) int {
		return cmp.Or(atOrder(&a, &b), cmp.Compare(sources[a.source].rank, sources[b.source].rank), cmp.Compare(a.off, b.off))
	}
	rows, err := q.query(ctx, "SELECT x.source_id, x.user_id, x.n, x.logins FROM platform_sources s JOIN platform_login_packs x ON x.source_id = s.id WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	// keep holds the first logins so far; once it has been cut to limit,
	// a login after the last one kept is not kept.
	var keep []packLogin
	var cut *packLogin
	for rows.Next() {
		var src, user, n int64
		var data []byte
		if err := rows.Scan(&src, &user, &n, &data); err != nil {
			rows.Close()
			return nil, err
		}
		ls, err := decodeLogins(data, src, user, n)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("platform source %d, user %d: %w", src, user, err)
		}
		for _, l := range ls {
			if cut == nil || before(l, *cut) < 0 {
				keep = append(keep, l)
			}
		}
		if len(keep) >= 2*limit+4096 {
			slices.SortFunc(keep, before)
			keep = keep[:limit]
			last := keep[limit-1]
			cut = &last
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	slices.SortFunc(keep, before)
	keep = keep[:min(len(keep), limit)]

	var users, ips, agents []int64
	for _, l := range keep {
		users, ips, agents = append(users, l.user), append(ips, l.ip), append(agents, l.agent)
	}
	exts, err := q.textsByID(ctx, "platform_users", "ext_id", users)
	if err != nil {
		return nil, err
	}
	ipText, err := q.textsByID(ctx, "platform_ips", "ip", ips)
	if err != nil {
		return nil, err
	}
	agentText, err := q.textsByID(ctx, "platform_agents", "agent", agents)
	if err != nil {
		return nil, err
	}
	out := make([]PlatformLogin, len(keep))
	for i, l := range keep {
		s := sources[l.source]
		out[i] = PlatformLogin{SourceID: l.source, Offset: l.off, Line: l.line, UserID: l.user, IP: ipText[l.ip], Agent: agentText[l.agent],
			UserExt: exts[l.user], File: s.file, Table: s.table}
		if l.hasAt {
			out[i].At = unixText(l.at)
		}
	}
	return out, nil
}

// textsByID reads column col of the rows of table with the given ids
// (0 ignored).
func (q q) textsByID(ctx context.Context, table, col string, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	err := q.eachByID(ctx, "SELECT id, "+col+" FROM "+table+" WHERE id IN ", ids, func(rows *sql.Rows) error {
		var id int64
		var v string
		err := rows.Scan(&id, &v)
		out[id] = v
		return err
	})
	return out, err
}

// eachByID runs head followed by a list of ids, for the distinct ids
// given (0 ignored), 512 to a statement, and calls scan on each row.
func (q q) eachByID(ctx context.Context, head string, ids []int64, scan func(*sql.Rows) error) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) > 0 && ids[0] == 0 {
		ids = ids[1:]
	}
	for start := 0; start < len(ids); start += bulkLookupChunk {
		part := ids[start:min(len(ids), start+bulkLookupChunk)]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := q.query(ctx, head+"(?"+strings.Repeat(", ?", len(part)-1)+")", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// packedIPs calls f with the IPs of every login pack over the sources
// `from` selects (a FROM clause naming platform_sources s) and where,
// with the user whose logins came from it.
func (q q) packedIPs(ctx context.Context, from, where string, args []any, f func(user int64, p packIP)) error {
	rows, err := q.query(ctx, "SELECT x.source_id, x.user_id, x.ips FROM "+from+" JOIN platform_login_packs x ON x.source_id = s.id WHERE "+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var data []byte
	for rows.Next() {
		var src, user int64
		if err := rows.Scan(&src, &user, &data); err != nil {
			return err
		}
		ips, err := decodeIPs(data)
		if err != nil {
			return fmt.Errorf("platform source %d, user %d: %w", src, user, err)
		}
		for _, p := range ips {
			f(user, p)
		}
	}
	return rows.Err()
}

// platformPackedIPs calls f with the IPs of every login pack of a
// platform, with the IP's identifier kind and key.
func (q q) platformPackedIPs(ctx context.Context, platformID int64, f func(user int64, kind, key string, p packIP)) error {
	keys, err := q.ipKeys(ctx, "platform_ips ip", "ip.platform_id = ?", platformID)
	if err != nil {
		return err
	}
	return q.packedIPs(ctx, "platform_sources s", "s.platform_id = ?", []any{platformID}, func(user int64, p packIP) {
		k := keys[p.ip]
		f(user, k[0], k[1], p)
	})
}

// seen is a packed IP's first and last time as text ("" unknown).
func (p packIP) seen() (first, last string) {
	if !p.hasAt {
		return "", ""
	}
	return unixText(p.first), unixText(p.last)
}

// ipKeys reads the kind and key of the IPs where (over platform_ips ip)
// names.
func (q q) ipKeys(ctx context.Context, from, where string, args ...any) (map[int64][2]string, error) {
	rows, err := q.query(ctx, "SELECT DISTINCT ip.id, ip.kind, ip.key FROM "+from+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var kind, key string
		if err := rows.Scan(&id, &kind, &key); err != nil {
			return nil, err
		}
		out[id] = [2]string{kind, key}
	}
	return out, rows.Err()
}

// heldKey is a (user, kind, key) a platform user holds.
type heldKey struct {
	user      int64
	kind, key string
}

// platformLinksOf names the users of held as links of platform users,
// ordered by user and key, one per (user, key).
func (q q) platformLinksOf(ctx context.Context, held []heldKey) ([]IdentifierLink, error) {
	slices.SortFunc(held, func(a, b heldKey) int { return cmp.Or(cmp.Compare(a.user, b.user), strings.Compare(a.key, b.key)) })
	held = slices.CompactFunc(held, func(a, b heldKey) bool { return a.user == b.user && a.key == b.key })
	ids := make([]int64, len(held))
	for i, h := range held {
		ids[i] = h.user
	}
	type who struct{ platform, username, ext string }
	users := map[int64]who{}
	err := q.eachByID(ctx, "SELECT u.id, p.name, u.username, u.ext_id FROM platform_users u JOIN platforms p ON p.id = u.platform_id WHERE u.id IN ", ids,
		func(rows *sql.Rows) error {
			var id int64
			var w who
			err := rows.Scan(&id, &w.platform, &w.username, &w.ext)
			users[id] = w
			return err
		})
	if err != nil {
		return nil, err
	}
	out := make([]IdentifierLink, 0, len(held))
	for _, h := range held {
		w := users[h.user]
		out = append(out, platformLink(h.user, h.kind, h.key, w.platform, w.username, w.ext))
	}
	return out, nil
}
