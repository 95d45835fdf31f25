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
// case's other sources. Read in one statement through the key index.
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
	rows, err := q.query(ctx, `SELECT pi.user_id, pi.kind, pi.key, p.name, u.username, u.ext_id
		FROM platforms p JOIN platform_users u ON u.platform_id = p.id JOIN platform_identifiers pi ON pi.user_id = u.id
		WHERE p.case_id = ? AND pi.kind IN (`+in+`) AND pi.key IN (
			SELECT pi2.key FROM platforms p2 JOIN platform_users u2 ON u2.platform_id = p2.id JOIN platform_identifiers pi2 ON pi2.user_id = u2.id
			WHERE p2.case_id = ? AND pi2.kind IN (`+in+`) GROUP BY pi2.key HAVING COUNT(DISTINCT pi2.user_id) > 1)
		ORDER BY pi.user_id, pi.key`, args...)
	if err != nil {
		return nil, fmt.Errorf("shared platform identifiers: %w", err)
	}
	return scanPlatformLinks(rows)
}
