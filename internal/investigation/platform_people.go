package investigation

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/vibora-project/vibora/internal/store"
)

// who describes a platform user in a link: `alice on examplevid (#42)`.
func platformWho(s store.PlatformUserSummary) string {
	if s.User.Username != "" {
		return fmt.Sprintf("%s on %s (#%s)", s.User.Username, s.Platform, s.User.ExtID)
	}
	return fmt.Sprintf("user #%s on %s", s.User.ExtID, s.Platform)
}

// addPlatformUsers adds to the case's identifier links the identifiers of
// platform users that other sources of the case carry too, or another
// platform user (of the same or another seized platform), and reads
// those users. A platform user holds its identifiers as its own (the
// platform's account records), so they are strong links.
func (ev *caseFacts) addPlatformUsers(ctx context.Context, db *store.DB, caseID int64) error {
	links, err := db.PlatformLinks(ctx, caseID)
	if err != nil {
		return err
	}
	shared, err := db.PlatformSharedLinks(ctx, caseID, slices.Sorted(maps.Keys(linkKinds)))
	if err != nil {
		return err
	}
	type userKey struct {
		user int64
		key  string
	}
	seen := map[userKey]bool{}
	ev.platformUsers = map[int64]store.PlatformUserSummary{}
	for _, l := range slices.Concat(links, shared) {
		if !joinsPersons(l.Kind, l.Key) || seen[userKey{l.SubjectID, l.Key}] {
			continue
		}
		seen[userKey{l.SubjectID, l.Key}] = true
		if _, ok := ev.platformUsers[l.SubjectID]; !ok {
			s, err := db.PlatformUserSummaryOf(ctx, caseID, l.SubjectID)
			if err != nil {
				return err
			}
			ev.platformUsers[l.SubjectID] = s
		}
		ev.links = append(ev.links, l)
	}
	return nil
}

// fillPlatform adds what a person did on seized platforms: the platform
// as a source, the role, uploads known and unknown to the banks, and
// messages.
func (ev *caseFacts) fillPlatform(p *Person, convs map[string]bool, roles map[Role]bool) {
	for _, id := range p.platformUsers {
		s := ev.platformUsers[id]
		convs["platform: "+s.Platform] = true
		if p.Name == "" {
			p.Name = platformWho(s)
		}
		if s.User.Role == RoleAdmin || s.User.Role == "administrator" {
			roles[Role{RoleAdmin, s.Platform}] = true
		}
		p.KnownUploaded += s.Counts["upload/matched"]
		p.NewUploaded += s.Counts["upload/unknown"]
		p.Messages += s.Counts["message"]
		p.Last = max(p.Last, s.Last)
	}
}
