package investigation

import (
	"context"
	"errors"
	"fmt"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// DefaultLoginLimit bounds the logins PlatformLogins lists per platform
// when the options give no limit.
const DefaultLoginLimit = 1000

// PlatformLoginsOptions select logins: of one platform of the case (all
// when empty), of one user (the platform's own user id, all when empty),
// at most Limit per platform.
type PlatformLoginsOptions struct {
	Platform string
	User     string
	Limit    int
}

// PlatformLoginView is one login row (vibora platform logins --json) with
// the source row behind it.
type PlatformLoginView struct {
	Platform  string `json:"platform"`
	User      string `json:"user"`
	IP        string `json:"ip"`
	At        string `json:"at"`
	UserAgent string `json:"user_agent"`
	File      string `json:"file"`
	Table     string `json:"table"`
	Line      int64  `json:"line"`
	Offset    int64  `json:"offset"`
}

// PlatformLoginsReport lists logins by time and how many match in all.
type PlatformLoginsReport struct {
	Case   string              `json:"case"`
	Total  int64               `json:"total"`
	Logins []PlatformLoginView `json:"logins"`
}

// PlatformLogins lists the login rows of a case's platforms.
func (s *Service) PlatformLogins(ctx context.Context, caseName string, opt PlatformLoginsOptions) (PlatformLoginsReport, error) {
	rep := PlatformLoginsReport{Case: caseName, Logins: []PlatformLoginView{}}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return rep, err
	}
	if opt.Limit <= 0 {
		opt.Limit = DefaultLoginLimit
	}
	platforms, err := s.db.Platforms(ctx, c.ID)
	if err != nil {
		return rep, err
	}
	found, userFound := false, false
	for _, p := range platforms {
		if opt.Platform != "" && p.Name != opt.Platform {
			continue
		}
		found = true
		var uid int64
		if opt.User != "" {
			u, err := s.db.PlatformUserByExt(ctx, p.ID, opt.User)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return rep, err
			}
			uid, userFound = u.ID, true
		}
		ls, total, err := s.db.PlatformLogins(ctx, p.ID, uid, opt.Limit)
		if err != nil {
			return rep, err
		}
		rep.Total += total
		for _, l := range ls {
			rep.Logins = append(rep.Logins, PlatformLoginView{Platform: p.Name, User: l.UserExt, IP: l.IP, At: l.At, UserAgent: l.Agent,
				File: l.File, Table: l.Table, Line: l.Line, Offset: l.Offset})
		}
	}
	if opt.Platform != "" && !found {
		return rep, fmt.Errorf("platform %q in case %q: %w", opt.Platform, caseName, store.ErrNotFound)
	}
	if opt.User != "" && !userFound {
		return rep, fmt.Errorf("platform user %q in case %q: %w", opt.User, caseName, store.ErrNotFound)
	}
	return rep, nil
}
