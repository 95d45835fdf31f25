package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// PlatformSharedLinks returns the identifiers of a case's platform users
// (of kind in kinds) that another platform user of the case carries too,
// on the same platform or another seized one: the links that join two
// platforms' users to each other, as PlatformLinks joins them to the
// case's other sources. Identifier rows are read in one statement; IPs,
// which logins also give, with the login packs.
func (q q) PlatformSharedLinks(ctx context.Context, caseID int64, kinds []string) ([]IdentifierLink, error) {
	var rowKinds, ipKinds []string
	for _, k := range kinds {
		if k == "ipv4" || k == "ipv6" {
			ipKinds = append(ipKinds, k)
		} else {
			rowKinds = append(rowKinds, k)
		}
	}
	var out []IdentifierLink
	if len(rowKinds) > 0 {
		in, args := inList(caseID, rowKinds)
		rows, err := q.query(ctx, `WITH held AS (
				SELECT pi.user_id, pi.kind, pi.key FROM platforms p JOIN platform_users u ON u.platform_id = p.id
				JOIN platform_identifiers pi ON pi.user_id = u.id WHERE p.case_id = ? AND pi.kind IN (`+in+`))
			SELECT h.user_id, h.kind, h.key, p.name, u.username, u.ext_id
			FROM held h JOIN platform_users u ON u.id = h.user_id JOIN platforms p ON p.id = u.platform_id
			WHERE h.key IN (SELECT key FROM held GROUP BY key HAVING COUNT(DISTINCT user_id) > 1)
			ORDER BY h.user_id, h.key`, args...)
		if err != nil {
			return nil, fmt.Errorf("shared platform identifiers: %w", err)
		}
		if out, err = scanPlatformLinks(rows); err != nil {
			return nil, fmt.Errorf("shared platform identifiers: %w", err)
		}
	}
	if len(ipKinds) == 0 {
		return out, nil
	}
	ips, err := q.sharedIPs(ctx, caseID, ipKinds)
	if err != nil {
		return nil, fmt.Errorf("shared platform IPs: %w", err)
	}
	out = append(out, ips...)
	slices.SortStableFunc(out, func(a, b IdentifierLink) int {
		return cmp.Or(cmp.Compare(a.SubjectID, b.SubjectID), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// sharedIPs returns the IPs (of kind in kinds) that two or more of a
// case's platform users hold, as identifiers or as IPs their logins came
// from, as links of each of those users.
func (q q) sharedIPs(ctx context.Context, caseID int64, kinds []string) ([]IdentifierLink, error) {
	in, args := inList(caseID, kinds)
	args = append(args, args...)
	rows, err := q.query(ctx, `SELECT pi.user_id, pi.kind, pi.key FROM platforms p JOIN platform_users u ON u.platform_id = p.id
			JOIN platform_identifiers pi ON pi.user_id = u.id WHERE p.case_id = ? AND pi.kind IN (`+in+`)
		UNION
		SELECT l.user_id, ip.kind, ip.key FROM platforms p JOIN platform_ips ip ON ip.platform_id = p.id
			JOIN platform_login_ips l ON l.ip_id = ip.id WHERE p.case_id = ? AND ip.kind IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	var held []heldKey
	for rows.Next() {
		var h heldKey
		if err := rows.Scan(&h.user, &h.kind, &h.key); err != nil {
			rows.Close()
			return nil, err
		}
		held = append(held, h)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	keys, err := q.ipKeys(ctx, "platforms p JOIN platform_ips ip ON ip.platform_id = p.id", "p.case_id = ? AND ip.kind IN ("+in+")", args[:1+len(kinds)]...)
	if err != nil {
		return nil, err
	}
	err = q.packedIPs(ctx, "platforms p JOIN platform_sources s ON s.platform_id = p.id", "p.case_id = ?", []any{caseID}, func(user int64, p packIP) {
		if k, ok := keys[p.ip]; ok {
			held = append(held, heldKey{user, k[0], k[1]})
		}
	})
	if err != nil {
		return nil, err
	}
	// A key two users hold: sorted by key, a run with more than one user.
	slices.SortFunc(held, func(a, b heldKey) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.user, b.user)) })
	var shared []heldKey
	for i := 0; i < len(held); {
		j := i + 1
		for j < len(held) && held[j].key == held[i].key {
			j++
		}
		if held[j-1].user != held[i].user {
			shared = append(shared, held[i:j]...)
		}
		i = j
	}
	return q.platformLinksOf(ctx, shared)
}

// inList is the placeholders of a statement's IN (kinds) and its
// arguments: the case, then the kinds.
func inList(caseID int64, kinds []string) (string, []any) {
	args := []any{caseID}
	for _, k := range kinds {
		args = append(args, k)
	}
	return "?" + strings.Repeat(", ?", len(kinds)-1), args
}
