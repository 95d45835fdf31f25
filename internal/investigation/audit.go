package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/store"
)

// AuditReport is the result of verifying the audit trail.
type AuditReport struct {
	Records  int64           `json:"records"`
	Head     audit.Head      `json:"head"`
	Problems []audit.Problem `json:"problems"`
}

// OK reports whether the chain is intact.
func (r AuditReport) OK() bool { return len(r.Problems) == 0 }

// VerifyAudit re-computes the whole hash chain and compares its end with the
// stored head.
func (s *Service) VerifyAudit(ctx context.Context) (AuditReport, error) {
	if err := s.check(ctx, access.Audit, access.Read); err != nil {
		return AuditReport{}, err
	}
	var v audit.Verifier
	if err := s.db.AuditRecords(ctx, "", func(r audit.Record) error { v.Add(r); return nil }); err != nil {
		return AuditReport{}, err
	}
	head, err := s.db.AuditHead(ctx)
	if err != nil {
		return AuditReport{}, err
	}
	return AuditReport{Records: v.Count(), Head: head, Problems: v.Finish(head)}, nil
}

// AuditLog calls fn for every audit record whose object starts with prefix.
func (s *Service) AuditLog(ctx context.Context, prefix string, fn func(audit.Record) error) error {
	if err := s.check(ctx, access.Audit, access.Read); err != nil {
		return err
	}
	return s.db.AuditRecords(ctx, prefix, fn)
}

// AuditPage is one page of the audit trail, in sequence order.
type AuditPage struct {
	Records []audit.Record
	// After is the position to resume from: the sequence number of the
	// page's last record, or 0 when no record follows it.
	After int64
}

// AuditPage lists up to limit (1..MaxPage) of the audit records after
// sequence number after (0 for the first page) whose object starts with
// prefix. The range and the limit run in SQL on the sequence key, so a
// late page costs no more than the first.
func (s *Service) AuditPage(ctx context.Context, prefix string, after int64, limit int) (AuditPage, error) {
	return s.AuditSearch(ctx, AuditFilter{ObjectPrefix: prefix}, after, limit)
}

// AuditFilter selects audit records: by the start of their object
// ("case:op-1") and of their action ("cluster.", "bank.import"), and by
// who acted (the displayed name); empty fields select all.
type AuditFilter = store.AuditFilter

// AuditSearch is AuditPage with every filter of f.
func (s *Service) AuditSearch(ctx context.Context, f AuditFilter, after int64, limit int) (AuditPage, error) {
	if limit < 1 || limit > MaxPage {
		limit = MaxPage
	}
	if err := s.check(ctx, access.Audit, access.Read); err != nil {
		return AuditPage{}, err
	}
	page := AuditPage{Records: []audit.Record{}}
	err := s.db.AuditSearch(ctx, f, max(after, 0), limit+1, func(r audit.Record) error {
		page.Records = append(page.Records, r)
		return nil
	})
	if err != nil {
		return AuditPage{}, err
	}
	if len(page.Records) > limit {
		page.Records = page.Records[:limit]
		page.After = page.Records[limit-1].Seq
	}
	return page, nil
}
