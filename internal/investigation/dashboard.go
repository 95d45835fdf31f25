package investigation

import (
	"context"
	"fmt"
	"sort"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// The case list and the case dashboard read the counts the store keeps as
// files are stored (store.FileCount, store.MatchCount): a few rows per
// exhibit, however many files a case holds.

// CaseSummary is a case with the counts a case list shows.
type CaseSummary struct {
	Case
	Exhibits int64 `json:"exhibits"`
	Files    int64 `json:"files"`
	Matched  int64 `json:"matched"`
	Unknown  int64 `json:"unknown"`
}

// CaseSummaryPage lists up to limit (1..MaxPage) of the cases the
// principal may read after the name after ("" for the first page), as
// CasePage does, each with its counts of exhibits, files, matched and
// unknown files.
func (s *Service) CaseSummaryPage(ctx context.Context, after string, limit int) (Page[CaseSummary], error) {
	page, err := s.CasePage(ctx, after, limit)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	ids := make([]int64, len(page.Cases))
	for i, c := range page.Cases {
		ids[i] = c.ID
	}
	counts, err := s.db.CaseCounts(ctx, ids)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	out := Page[CaseSummary]{Items: make([]CaseSummary, len(page.Cases)), After: page.After}
	for i, c := range page.Cases {
		cc := counts[c.ID]
		out.Items[i] = CaseSummary{Case: c, Exhibits: cc.Exhibits, Files: cc.Files, Matched: cc.ByStatus["matched"], Unknown: cc.ByStatus["unknown"]}
	}
	return out, nil
}

// ExhibitCounts is an exhibit with the counts of its files.
type ExhibitCounts struct {
	Exhibit
	Files    int64            `json:"files"`
	Bytes    int64            `json:"bytes"`
	ByStatus map[string]int64 `json:"by_status"`
}

// Dashboard is what a case's front page shows: its exhibits, the triage
// summary, the chain of custody and the jobs at work on it.
type Dashboard struct {
	Case     Case            `json:"case"`
	Exhibits []ExhibitCounts `json:"exhibits"`
	Files    int64           `json:"files"`
	Bytes    int64           `json:"bytes"`
	// ByStatus counts files by triage status: matched, ignorable,
	// unknown, error.
	ByStatus map[string]int64 `json:"by_status"`
	// Matches counts matched files by bank, category and series, as the
	// case report does (ignorable banks last, largest first).
	Matches []MatchGroup `json:"matches"`
	// UnknownImages counts the unknown files with a PDQ hash: the new
	// material clusters are made of.
	UnknownImages int64          `json:"unknown_images"`
	Warnings      int64          `json:"files_with_warnings"`
	Custody       []CustodyEvent `json:"custody"`
	// CustodyTotal is the number of custody events; Custody holds the
	// latest MaxDashboardCustody of them.
	CustodyTotal int   `json:"custody_total"`
	Jobs         []Job `json:"jobs"` // queued and running, newest first
}

// MaxDashboardCustody bounds the custody events a dashboard lists.
const MaxDashboardCustody = 50

// CaseDashboard returns a case's dashboard. Its counts come from the
// store's kept counts, never from a scan of the case's files.
func (s *Service) CaseDashboard(ctx context.Context, name string) (Dashboard, error) {
	c, err := s.caseFor(ctx, name, access.Read)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Case: caseView(c), ByStatus: map[string]int64{}, Exhibits: []ExhibitCounts{}, Matches: []MatchGroup{}}
	exhibits, err := s.db.Exhibits(ctx, c.ID)
	if err != nil {
		return d, fmt.Errorf("exhibits of case %q: %w", name, err)
	}
	byID := map[int64]int{}
	for _, e := range exhibits {
		byID[e.ID] = len(d.Exhibits)
		d.Exhibits = append(d.Exhibits, ExhibitCounts{Exhibit: exhibitView(e), ByStatus: map[string]int64{}})
	}
	counts, err := s.db.FileCounts(ctx, c.ID)
	if err != nil {
		return d, fmt.Errorf("counts of case %q: %w", name, err)
	}
	for _, fc := range counts {
		if i, ok := byID[fc.ExhibitID]; ok {
			e := &d.Exhibits[i]
			e.Files += fc.Files
			e.Bytes += fc.Bytes
			e.ByStatus[fc.Status] += fc.Files
		}
		d.Files += fc.Files
		d.Bytes += fc.Bytes
		d.ByStatus[fc.Status] += fc.Files
		d.Warnings += fc.Warned
		if fc.Status == "unknown" {
			d.UnknownImages += fc.PDQ
		}
	}
	matches, err := s.db.MatchCounts(ctx, c.ID)
	if err != nil {
		return d, fmt.Errorf("match counts of case %q: %w", name, err)
	}
	for _, m := range matches {
		d.Matches = append(d.Matches, MatchGroup{Bank: m.Bank, BankKind: m.BankKind, Category: m.Category, Series: m.Series, Files: m.Files, Exact: m.Exact, Near: m.Near})
	}
	sortMatchGroups(d.Matches)
	custody, err := s.db.CustodyEvents(ctx, c.ID, 0)
	if err != nil {
		return d, fmt.Errorf("custody of case %q: %w", name, err)
	}
	d.CustodyTotal = len(custody)
	if len(custody) > MaxDashboardCustody {
		custody = custody[len(custody)-MaxDashboardCustody:]
	}
	d.Custody = orEmptySlice(views(custody, custodyView))
	jobs, err := s.db.Jobs(ctx, store.JobFilter{CaseID: c.ID, Cases: store.CaseVisibility{All: true}, States: []string{store.JobQueued, store.JobRunning}, Limit: 100})
	if err != nil {
		return d, fmt.Errorf("jobs of case %q: %w", name, err)
	}
	d.Jobs = make([]Job, len(jobs))
	for i, j := range jobs {
		d.Jobs[i] = jobView(j)
	}
	return d, nil
}

// sortMatchGroups orders match groups as a report shows them: ignorable
// banks last, then most files first, then by name.
func sortMatchGroups(gs []MatchGroup) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if (a.BankKind == "ignorable") != (b.BankKind == "ignorable") {
			return b.BankKind == "ignorable"
		}
		if a.Files != b.Files {
			return a.Files > b.Files
		}
		return a.Bank+a.Category+a.Series < b.Bank+b.Category+b.Series
	})
}

// CaseAgencies lists the agencies the principal may open a case for, by
// name: none on a local store without agencies (a case then names any
// agency, or none).
func (s *Service) CaseAgencies(ctx context.Context) ([]string, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, a := range list {
		if p.Allows(access.Case, access.Write, a.Name) {
			out = append(out, a.Name)
		}
	}
	return out, nil
}
