package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
)

// Readers of a platform's activity read the packs (migration 0035) and
// the rows stored before them (platform_activity) alike.

// PlatformActivityCount is how many activity rows of a kind (and file
// status) a user has, and the newest time among the user's rows of the
// kind (of the status too, for rows stored before packs).
type PlatformActivityCount struct {
	UserID int64
	Kind   string
	Status string
	Count  int64
	Last   string
}

// PlatformActivityCounts counts a platform's activity by user, kind and
// file status, in that order, from the packs' columns (no pack is
// unpacked).
func (q q) PlatformActivityCounts(ctx context.Context, platformID int64) ([]PlatformActivityCount, error) {
	return q.activityCounts(ctx, platformID, 0)
}

// activityCounts counts the activity of a platform's users (user 0) or of
// one.
func (q q) activityCounts(ctx context.Context, platformID, user int64) ([]PlatformActivityCount, error) {
	rowsWhere, packsWhere, args := "platform_id = ?", "s.platform_id = ?", []any{platformID}
	if user != 0 {
		rowsWhere, packsWhere, args = rowsWhere+" AND user_id = ?", packsWhere+" AND p.user_id = ?", append(args, user)
	}
	rows, err := q.query(ctx, `SELECT user_id, kind, status, COUNT(*), MAX(at) FROM platform_activity WHERE `+rowsWhere+`
		GROUP BY user_id, kind, status`, args...)
	if err != nil {
		return nil, err
	}
	var out []PlatformActivityCount
	for rows.Next() {
		var c PlatformActivityCount
		if err := rows.Scan(&c.UserID, &c.Kind, &c.Status, &c.Count, &c.Last); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT p.user_id, p.kind, CAST(SUM(p.n) AS BIGINT), CAST(SUM(p.matched) AS BIGINT), CAST(SUM(p.unknown) AS BIGINT),
		CAST(SUM(p.ignorable) AS BIGINT), CAST(SUM(p.other) AS BIGINT), MAX(p.last_at)
		FROM platform_sources s JOIN platform_activity_packs p ON p.source_id = s.id WHERE `+packsWhere+`
		GROUP BY p.user_id, p.kind ORDER BY p.user_id, p.kind`, args...)
	if err != nil {
		return nil, err
	}
	type userKind struct {
		user int64
		kind string
	}
	lasts := map[userKind]string{} // for the other statuses
	others := false
	for rows.Next() {
		var user, n, matched, unknown, ignorable, other int64
		var kind string
		var last sql.NullString
		if err := rows.Scan(&user, &kind, &n, &matched, &unknown, &ignorable, &other, &last); err != nil {
			rows.Close()
			return nil, err
		}
		for _, c := range []struct {
			status string
			n      int64
		}{{"", n - matched - unknown - ignorable - other}, {"ignorable", ignorable}, {"matched", matched}, {"unknown", unknown}} {
			if c.n > 0 {
				out = append(out, PlatformActivityCount{UserID: user, Kind: kind, Status: c.status, Count: c.n, Last: last.String})
			}
		}
		if other > 0 {
			others = true
			lasts[userKind{user, kind}] = last.String
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if others {
		// Rare: statuses other than a bank match's, listed on their packs.
		rows, err := q.query(ctx, `SELECT p.user_id, p.kind, p.other_statuses
			FROM platform_sources s JOIN platform_activity_packs p ON p.source_id = s.id WHERE `+packsWhere+` AND p.other > 0`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var user int64
			var kind, statuses string
			if err := rows.Scan(&user, &kind, &statuses); err != nil {
				return nil, err
			}
			last := lasts[userKind{user, kind}]
			err := parseOtherStatuses(statuses, func(status string, n int64) {
				out = append(out, PlatformActivityCount{UserID: user, Kind: kind, Status: status, Count: n, Last: last})
			})
			if err != nil {
				return nil, err
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// Byte order, whatever the database's collation; the counts of a
	// key from rows and from packs are summed.
	order := func(a, b PlatformActivityCount) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Status, b.Status))
	}
	if !slices.IsSortedFunc(out, order) {
		slices.SortFunc(out, order)
	}
	merged := out[:0]
	for _, c := range out {
		if n := len(merged); n > 0 && order(merged[n-1], c) == 0 {
			merged[n-1].Count += c.Count
			merged[n-1].Last = max(merged[n-1].Last, c.Last)
			continue
		}
		merged = append(merged, c)
	}
	return merged, nil
}

// PlatformActivityOf lists a platform's activity rows of the given kinds
// (all kinds when none), by user, ref, then the dump row behind them.
func (q q) PlatformActivityOf(ctx context.Context, platformID int64, kinds ...string) ([]PlatformActivity, error) {
	args := []any{platformID}
	kindsIn := func(col string) string { return "" }
	if len(kinds) > 0 {
		kindsIn = func(col string) string { return " AND " + col + " IN (?" + strings.Repeat(", ?", len(kinds)-1) + ")" }
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	rows, err := q.query(ctx, `SELECT platform_id, ref, kind, user_id, COALESCE(other_id, 0), at, sha256, sha1, md5, name, size, upload_ref, address, amount, txid, status, matched
		FROM platform_activity WHERE platform_id = ?`+kindsIn("kind"), args...)
	if err != nil {
		return nil, err
	}
	var out []PlatformActivity
	for rows.Next() {
		var a PlatformActivity
		if err := rows.Scan(&a.PlatformID, &a.Ref, &a.Kind, &a.UserID, &a.OtherID, &a.At, &a.SHA256, &a.SHA1, &a.MD5, &a.Name, &a.Size,
			&a.UploadRef, &a.Address, &a.Amount, &a.TxID, &a.Status, &a.Matched); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT p.source_id, p.user_id, p.kind, p.n, p.acts
		FROM platform_sources s JOIN platform_activity_packs p ON p.source_id = s.id WHERE s.platform_id = ?`+kindsIn("p.kind"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var source, user, n int64
		var kind string
		var data []byte
		if err := rows.Scan(&source, &user, &kind, &n, &data); err != nil {
			return nil, err
		}
		err := decodeActs(data, platformID, user, kind, n, func(a *PlatformActivity, off, line int64) {
			a.SourceID, a.Offset, a.Line = source, off, line
			out = append(out, *a)
		})
		if err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b PlatformActivity) int {
		return cmp.Or(cmp.Compare(a.UserID, b.UserID), strings.Compare(a.Ref, b.Ref), cmp.Compare(a.SourceID, b.SourceID), cmp.Compare(a.Offset, b.Offset))
	})
	return out, nil
}
