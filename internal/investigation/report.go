package investigation

import (
	"cmp"
	"context"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
)

// MaxReportErrors bounds the error list of a case report.
const MaxReportErrors = 50

// CaseReport is an operation brief: what was seized, what is known, what
// is new, what failed.
type CaseReport struct {
	Case       Case             `json:"case"`
	Exhibits   []ExhibitSummary `json:"exhibits"`
	ByStatus   map[string]int64 `json:"by_status"`
	Matches    []MatchGroup     `json:"matches"`
	Clusters   []Cluster        `json:"clusters"`
	NewSingles int              `json:"new_singles"`
	Duplicates int              `json:"duplicate_sets"`
	Errors     []FileError      `json:"errors"`
	ErrorCount int64            `json:"error_count"`
	Warnings   int64            `json:"files_with_warnings"`
	// AI counts the AI-generated files (and known material among them) and
	// the model files (docs/ai.md).
	AI        AICounts       `json:"ai"`
	Custody   []CustodyEvent `json:"custody"`
	AuditHead audit.Head     `json:"audit_head"`
}

// ExhibitSummary counts an exhibit's files.
type ExhibitSummary struct {
	Exhibit
	Files int64 `json:"files"`
	Bytes int64 `json:"bytes"`
}

// MatchGroup counts files matched in one bank, category and series.
type MatchGroup struct {
	Bank     string `json:"bank"`
	BankKind string `json:"bank_kind"`
	Category string `json:"category"`
	Series   string `json:"series"`
	Files    int64  `json:"files"`
	Exact    int64  `json:"exact"` // files matched on a digest
	Near     int64  `json:"near"`  // files matched by PDQ only
	Video    int64  `json:"video"` // files matched by vPDQ only (no digest)
}

// FileError is a file that could not be processed.
type FileError struct {
	Exhibit string `json:"exhibit"`
	Path    string `json:"path"`
	Error   string `json:"error"`
}

// Report builds a case's operation brief.
func (s *Service) Report(ctx context.Context, caseName string) (CaseReport, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return CaseReport{}, err
	}
	rep := CaseReport{Case: caseView(c), ByStatus: map[string]int64{}, Errors: []FileError{}}
	exhibits, err := s.db.Exhibits(ctx, c.ID)
	if err != nil {
		return rep, err
	}
	byExhibit := map[int64]*ExhibitSummary{}
	for _, e := range exhibits {
		rep.Exhibits = append(rep.Exhibits, ExhibitSummary{Exhibit: exhibitView(e)})
	}
	for i := range rep.Exhibits {
		byExhibit[rep.Exhibits[i].ID] = &rep.Exhibits[i]
	}
	groups := map[[3]string]*MatchGroup{}
	err = s.Files(ctx, caseName, FileQuery{}, func(f FileView) error {
		rep.ByStatus[f.Status]++
		if es := byExhibit[f.ExhibitID]; es != nil {
			es.Files++
			if f.SHA256 != "" { // bytes read, never a declared size that could not be read
				es.Bytes += f.Size
			}
		}
		if f.Warnings != "" {
			rep.Warnings++
		}
		if f.Status == "error" {
			rep.ErrorCount++
			if len(rep.Errors) < MaxReportErrors {
				rep.Errors = append(rep.Errors, FileError{f.Exhibit, f.Path, f.Error})
			}
		}
		seen := map[[3]string]bool{}
		exact, vid := map[[3]string]bool{}, map[[3]string]bool{}
		for _, m := range f.Matches {
			k := [3]string{m.Bank, cmp.Or(m.NormCategory, m.Category), m.Series}
			seen[k] = true
			switch m.Kind {
			case "pdq":
			case "vpdq":
				vid[k] = true
			default:
				exact[k] = true
			}
			if groups[k] == nil {
				groups[k] = &MatchGroup{Bank: m.Bank, BankKind: m.BankKind, Category: k[1], Series: m.Series}
			}
		}
		for k := range seen {
			groups[k].Files++
			switch {
			case exact[k]:
				groups[k].Exact++
			case vid[k]:
				groups[k].Video++
			default:
				groups[k].Near++
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, g := range groups {
		rep.Matches = append(rep.Matches, *g)
	}
	sortMatchGroups(rep.Matches)
	clusters, err := s.Clusters(ctx, caseName, ClusterOptions{})
	if err != nil {
		return rep, err
	}
	for _, cl := range clusters {
		if cl.Size > 1 {
			rep.Clusters = append(rep.Clusters, cl)
		} else {
			rep.NewSingles++
		}
	}
	dups, err := s.Duplicates(ctx, caseName)
	if err != nil {
		return rep, err
	}
	rep.Duplicates = len(dups)
	if rep.AI, err = s.aiCounts(ctx, c); err != nil {
		return rep, err
	}
	custody, err := s.db.CustodyEvents(ctx, c.ID, 0)
	if err != nil {
		return rep, err
	}
	rep.Custody = views(custody, custodyView)
	rep.AuditHead, err = s.db.AuditHead(ctx)
	return rep, err
}
