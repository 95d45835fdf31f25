package investigation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hashing"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/stealerlog"
	"github.com/vibora-project/vibora/internal/stealerlog/watchlist"
	"github.com/vibora-project/vibora/internal/store"
)

// StealerScanOptions control a stealer-log scan.
type StealerScanOptions struct {
	Watchlist     string   // watchlist file
	Paths         []string // victim-log folders, archives of them, ULP files
	Passwords     []string // for encrypted archives
	KeepPasswords bool     // store passwords in clear (lawful use only); default masked
}

// StealerScanReport summarises a scan.
type StealerScanReport struct {
	Case      string                    `json:"case"`
	Watchlist int                       `json:"watchlist_entries"`
	Logs      stealerlog.ScanStats      `json:"logs"`
	ULP       []stealerlog.ULPStats     `json:"ulp"`
	Profiles  []*stealerlog.Profile     `json:"-"`
	NewLeads  int                       `json:"new_leads"`
	Leads     int                       `json:"leads"`
	Errors    []string                  `json:"errors"`
	Families  map[stealerlog.Family]int `json:"families"`
}

// ScanStealer scans stealer logs (victim folders, archives of them, ULP
// files) for credentials, cookies and history on watched sites, and
// stores each hit machine (or ULP login) as a lead of the case with its
// profile, joined to the case's people through its identifiers.
// Passwords are masked unless KeepPasswords; they are never logged.
func (s *Service) ScanStealer(ctx context.Context, caseName string, opt StealerScanOptions) (StealerScanReport, error) {
	rep := StealerScanReport{Case: caseName, Errors: []string{}, Families: map[stealerlog.Family]int{}}
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return rep, err
	}
	wf, err := source.OpenInput(opt.Watchlist)
	if err != nil {
		return rep, fmt.Errorf("watchlist: %v: %w", err, ErrInvalid)
	}
	wl, err := watchlist.Parse(wf, opt.Watchlist)
	wf.Close()
	if err != nil {
		return rep, fmt.Errorf("watchlist: %v: %w", err, ErrInvalid)
	}
	rep.Watchlist = wl.Len()
	popt := stealerlog.ProfileOptions{}
	if opt.KeepPasswords {
		popt.Passwords = stealerlog.KeepPasswords
	}
	var profiles []*stealerlog.Profile
	for _, p := range opt.Paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return rep, err
		}
		st, err := source.CheckInput(abs, true)
		if err != nil {
			return rep, fmt.Errorf("stealer log path: %v: %w", err, ErrInvalid)
		}
		if !st.IsDir() && isULP(abs) {
			ps, stats, err := scanULPFile(ctx, abs, wl, popt)
			rep.ULP = append(rep.ULP, stats)
			if err != nil {
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", abs, err))
				continue
			}
			profiles = append(profiles, ps...)
			continue
		}
		fsys, closeFS, err := source.OpenFS(ctx, abs, source.Options{Passwords: opt.Passwords})
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", abs, err))
			continue
		}
		stats, err := stealerlog.Scan(ctx, fsys, wl, stealerlog.ScanOptions{Profile: popt}, func(pr *stealerlog.Profile) error {
			pr.LogPath = filepath.Join(abs, pr.LogPath)
			profiles = append(profiles, pr)
			return nil
		})
		for i := range stats.Problems {
			stats.Problems[i].File = filepath.Join(abs, stats.Problems[i].File)
		}
		closeFS()
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", abs, err))
		}
		mergeScanStats(&rep.Logs, stats)
	}
	for f, n := range rep.Logs.Families {
		rep.Families[f] += n
	}
	stealerlog.SortProfiles(profiles)
	rep.Profiles = profiles
	for _, pr := range profiles {
		isNew, err := s.storeLead(ctx, c, pr)
		if err != nil {
			return rep, err
		}
		rep.Leads++
		if isNew {
			rep.NewLeads++
		}
	}
	return rep, nil
}

func mergeScanStats(dst *stealerlog.ScanStats, st stealerlog.ScanStats) {
	dst.Logs += st.Logs
	dst.LogsWithHits += st.LogsWithHits
	dst.Credentials += st.Credentials
	dst.Cookies += st.Cookies
	dst.Autofill += st.Autofill
	dst.History += st.History
	dst.Warnings += st.Warnings
	dst.Losses.Add(st.Losses)
	for _, w := range st.Problems {
		if len(dst.Problems) < stealerlog.MaxProblems {
			dst.Problems = append(dst.Problems, w)
		}
	}
	dst.Elapsed += st.Elapsed
	if dst.Families == nil {
		dst.Families = map[stealerlog.Family]int{}
	}
	for f, n := range st.Families {
		dst.Families[f] += n
	}
}

// isULP tells a combo-list text file from an archive of logs.
func isULP(path string) bool {
	f, err := source.OpenInput(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, hashing.SniffLen)
	n, _ := io.ReadFull(f, head)
	return hashing.MediaType(head[:n]) == "application/octet-stream"
}

func scanULPFile(ctx context.Context, path string, wl *watchlist.Watchlist, popt stealerlog.ProfileOptions) ([]*stealerlog.Profile, stealerlog.ULPStats, error) {
	var hits []stealerlog.ULPHit
	scan := func(opt stealerlog.ULPOptions) (stealerlog.ULPStats, error) {
		f, err := source.OpenInput(path)
		if err != nil {
			return stealerlog.ULPStats{}, err
		}
		defer f.Close()
		return stealerlog.ScanULP(ctx, f, path, wl, opt, func(h stealerlog.ULPHit) error {
			hits = append(hits, h)
			return nil
		})
	}
	stats, err := scan(stealerlog.ULPOptions{})
	if err != nil || len(hits) == 0 {
		return nil, stats, err
	}
	// Second pass: the other sites of the logins seen on watched sites.
	filter := stealerlog.LoginFilter(hits)
	watched := hits
	hits = nil
	if _, err := scan(stealerlog.ULPOptions{Login: filter}); err != nil {
		return nil, stats, err
	}
	all := append(watched, nonWatched(hits)...)
	ps, err := stealerlog.GroupULPHits(all, popt)
	for _, p := range ps {
		p.LogPath = path
	}
	return ps, stats, err
}

func nonWatched(hs []stealerlog.ULPHit) []stealerlog.ULPHit {
	var out []stealerlog.ULPHit
	for _, h := range hs {
		if !h.Watched {
			out = append(out, h)
		}
	}
	return out
}

// storeLead upserts a lead and links its identifiers, in one audited
// transaction.
func (s *Service) storeLead(ctx context.Context, c store.Case, pr *stealerlog.Profile) (bool, error) {
	profile, err := json.Marshal(pr)
	if err != nil {
		return false, err
	}
	l := store.Lead{CaseID: c.ID, LogID: pr.LogID, Family: string(pr.Family), SourcePath: pr.LogPath, Country: pr.System.Country,
		IP: pr.System.IP, HWID: pr.System.HWID, Machine: pr.System.MachineName, OSUser: pr.System.UserName,
		WatchedSites: pr.Rank.WatchedSites, Profile: string(profile), ImportedAt: s.timestamp()}
	var isNew bool
	ch := &change{action: "lead.store", object: "case:" + c.Name + "/lead:" + pr.LogID, after: digest(pr),
		detail: map[string]any{"family": l.Family, "watched_sites": l.WatchedSites, "source": l.SourcePath}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		var err error
		if isNew, err = tx.UpsertLead(ctx, &l); err != nil {
			return err
		}
		for _, id := range pr.Identifiers {
			kind := identifier.Kind(id.Kind)
			norm := id.Value
			if identifier.IsKind(kind) {
				if n, err := identifier.Normalize(kind, id.Value, identifier.NormalizeOptions{}); err == nil {
					norm = n
				}
			}
			src := "stealer log " + pr.LogID
			if len(id.Sources) > 0 {
				src += " " + id.Sources[0]
			}
			if err := tx.LinkIdentifier(ctx, c.ID, id.Kind, norm, identifier.Key(kind, norm), "lead", l.ID, src, id.Value); err != nil {
				return err
			}
		}
		return nil
	})
	return isNew, err
}

// LeadView is a stored lead with its profile and the person it joins.
type LeadView struct {
	Lead
	Profile    *stealerlog.Profile `json:"profile"`
	Person     string              `json:"person,omitempty"` // person ID in vibora suspects
	PersonName string              `json:"person_name,omitempty"`
}

// Leads lists a case's leads (most watched sites first) with the person
// each one belongs to.
func (s *Service) Leads(ctx context.Context, caseName string) ([]LeadView, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	leads, err := s.db.Leads(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.People(ctx, caseName)
	if err != nil {
		return nil, err
	}
	owner := map[string]Person{}
	for _, p := range people {
		for _, l := range p.Leads {
			owner[l] = p
		}
	}
	var out []LeadView
	for _, l := range leads {
		v := LeadView{Lead: leadView(l)}
		var pr stealerlog.Profile
		if err := json.Unmarshal([]byte(l.Profile), &pr); err == nil {
			v.Profile = &pr
		}
		if p, ok := owner[l.LogID]; ok {
			v.Person, v.PersonName = p.ID, p.Name
		}
		out = append(out, v)
	}
	return out, nil
}
