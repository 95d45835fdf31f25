package stealerlog

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"time"

	"github.com/vibora-project/vibora/internal/stealerlog/ulp"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
)

// ScanOptions tune Scan.
type ScanOptions struct {
	Parser  Parser
	Profile ProfileOptions
	// Workers parse victim folders in parallel (0: GOMAXPROCS, 1:
	// sequential). Profiles arrive in the same order either way.
	Workers int
}

// ScanStats summarise a Scan.
type ScanStats struct {
	Logs         int            `json:"logs,omitempty"`
	LogsWithHits int            `json:"logs_with_hits,omitempty"`
	Credentials  int            `json:"credentials,omitempty"`
	Cookies      int            `json:"cookies,omitempty"`
	Autofill     int            `json:"autofill,omitempty"`
	History      int            `json:"history,omitempty"`
	Warnings     int            `json:"warnings,omitempty"`
	Families     map[Family]int `json:"families,omitempty"`
	// Losses count the files whose content was lost (encrypted without
	// the password, corrupt, cut at the size cap, past the file cap);
	// Problems lists the first MaxProblems of them.
	Losses   Losses        `json:"losses,omitzero"`
	Problems []Warning     `json:"problems,omitempty"`
	Elapsed  time.Duration `json:"elapsed"`
}

// MaxProblems is how many lost files ScanStats lists; Losses counts all.
const MaxProblems = 100

// Scan walks the victim folders of fsys and calls fn with the profile of
// every log that touches a watched site, in walk order (sort them with
// SortProfiles). Folders are parsed by opt.Workers goroutines; fn is
// called from one goroutine at a time. An error from fn stops the scan
// and is returned.
func Scan(ctx context.Context, fsys fs.FS, wl *watchlist.Watchlist, opt ScanOptions, fn func(*Profile) error) (ScanStats, error) {
	start := time.Now()
	st := ScanStats{Families: map[Family]int{}}
	if err := opt.Profile.validate(); err != nil {
		return st, err
	}
	err := opt.Parser.WalkParallel(ctx, fsys, opt.Workers, func(lg *Log) error {
		st.Logs++
		st.Families[lg.Family]++
		st.Credentials += len(lg.Credentials)
		st.Cookies += len(lg.Cookies)
		st.Autofill += len(lg.Autofill)
		st.History += len(lg.History)
		st.Warnings += len(lg.Warnings)
		st.Losses.Add(lg.Losses)
		for _, w := range lg.Warnings {
			if w.Kind != "" && len(st.Problems) < MaxProblems {
				w.File = path.Join(lg.Path, w.File)
				st.Problems = append(st.Problems, w)
			}
		}
		p, ok, err := BuildProfile(lg, wl, opt.Profile)
		if err != nil || !ok {
			return err
		}
		st.LogsWithHits++
		return fn(p)
	})
	st.Elapsed = time.Since(start)
	return st, err
}

// ULP aliases, so that callers need only this package.
type (
	ULPHit     = ulp.Hit
	ULPStats   = ulp.Stats
	ULPOptions = ulp.Options
)

// ScanULP streams a ULP combo file and calls fn for every line on a
// watched site (see package ulp for the grammar and the speed design).
func ScanULP(ctx context.Context, r io.Reader, name string, wl *watchlist.Watchlist, opt ULPOptions, fn func(ULPHit) error) (ULPStats, error) {
	return ulp.Scan(ctx, r, name, wl, opt, fn)
}

// LoginFilter returns an Options.Login function that accepts the logins
// of hits (by LoginKey), for a second ScanULP pass that finds the other
// sites of the logins seen on watched sites.
func LoginFilter(hits []ULPHit) func(string) bool {
	keys := map[string]bool{}
	for _, h := range hits {
		if h.Watched {
			keys[LoginKey(h.Login)] = true
		}
	}
	return func(login string) bool { return keys[LoginKey(login)] }
}

// GroupULPHits groups ULP hits by login into pseudo-profiles: one per
// login seen on a watched site, with its watched sites as Sites and the
// non-watched hosts of the same login (hits with Watched false, from a
// LoginFilter pass) as Reuse. LogID is "ulp:" + the normalised login.
// The result is sorted with SortProfiles.
func GroupULPHits(hits []ULPHit, opt ProfileOptions) ([]*Profile, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	type group struct {
		p     *Profile
		sites map[string]*SiteHit
		other map[string]bool
	}
	groups := map[string]*group{}
	var keys []string
	for _, h := range hits {
		if !h.Watched {
			continue
		}
		kind, key := ClassifyLogin(h.Login)
		g := groups[key]
		if g == nil {
			g = &group{p: &Profile{LogID: "ulp:" + key, LogPath: h.File, Family: "ulp"}, sites: map[string]*SiteHit{}, other: map[string]bool{}}
			g.p.Identifiers = []ProfileIdentifier{{Kind: kind, Value: key}}
			groups[key] = g
			keys = append(keys, key)
		}
		s := g.sites[h.Entry.Pattern]
		if s == nil {
			s = &SiteHit{Entry: h.Entry}
			g.sites[h.Entry.Pattern] = s
		}
		src := fmt.Sprintf("%s:%d", h.File, h.Line)
		s.Accounts = append(s.Accounts, Account{URL: h.URL, Host: h.Host, Login: h.Login, LoginKind: kind, LoginKey: key,
			Password: MaskPassword(h.Password, opt), File: h.File, Line: h.Line})
		if id := &g.p.Identifiers[0]; len(id.Sources) < 20 {
			id.Sources = appendUniq(id.Sources, src)
		}
	}
	for _, h := range hits {
		if h.Watched {
			continue
		}
		if g := groups[LoginKey(h.Login)]; g != nil {
			g.other[h.Host] = true
		}
	}
	out := make([]*Profile, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		r := LoginReuse{Login: k, Kind: g.p.Identifiers[0].Kind}
		for h := range g.other {
			r.OtherSites = append(r.OtherSites, h)
		}
		for pat, s := range g.sites {
			g.p.Sites = append(g.p.Sites, *s)
			r.WatchedSites = append(r.WatchedSites, pat)
		}
		sort.Slice(g.p.Sites, func(i, j int) bool { return g.p.Sites[i].Entry.Pattern < g.p.Sites[j].Entry.Pattern })
		sort.Strings(r.WatchedSites)
		sort.Strings(r.OtherSites)
		g.p.Reuse = []LoginReuse{r}
		g.p.Rank = Rank{WatchedSites: len(g.p.Sites), CredentialSites: len(g.p.Sites), Identifiers: 1}
		if len(r.OtherSites) > 0 {
			g.p.Rank.ReusedLogins = 1
		}
		out = append(out, g.p)
	}
	SortProfiles(out)
	return out, nil
}
