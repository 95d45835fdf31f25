package store

import (
	"context"
	"fmt"
	"strings"
)

// PlatformSharedLinks returns the identifiers of a case's platform users
// (of kind in kinds) that another platform user of the case carries too,
// on the same platform or another seized one: the links that join two
// platforms' users to each other, as PlatformLinks joins them to the
// case's other sources. Read in one statement.
func (q q) PlatformSharedLinks(ctx context.Context, caseID int64, kinds []string) ([]IdentifierLink, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	in := "?" + strings.Repeat(", ?", len(kinds)-1)
	args := []any{caseID}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, caseID)
	for _, k := range kinds {
		args = append(args, k)
	}
	// held: every (user, kind, key) of the case's platform users, from
	// the identifier rows and the IPs the logins came from.
	rows, err := q.query(ctx, `WITH held AS (
			SELECT pi.user_id, pi.kind, pi.key FROM platforms p JOIN platform_users u ON u.platform_id = p.id
			JOIN platform_identifiers pi ON pi.user_id = u.id WHERE p.case_id = ? AND pi.kind IN (`+in+`)
			UNION
			SELECT l.user_id, ip.kind, ip.key FROM platforms p JOIN platform_ips ip ON ip.platform_id = p.id
			JOIN platform_login_ips l ON l.ip_id = ip.id WHERE p.case_id = ? AND ip.kind IN (`+in+`))
		SELECT h.user_id, h.kind, h.key, p.name, u.username, u.ext_id
		FROM held h JOIN platform_users u ON u.id = h.user_id JOIN platforms p ON p.id = u.platform_id
		WHERE h.key IN (SELECT key FROM held GROUP BY key HAVING COUNT(DISTINCT user_id) > 1)
		ORDER BY h.user_id, h.key`, args...)
	if err != nil {
		return nil, fmt.Errorf("shared platform identifiers: %w", err)
	}
	return scanPlatformLinks(rows)
}
