package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
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
