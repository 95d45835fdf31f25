package job

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// VerifyParams are a verify job's parameters.
type VerifyParams struct {
	Exhibit string `json:"exhibit"`
}

// SubmitVerify queues a verification of an exhibit's sources against what
// was ingested (vibora verify).
func (m *Manager) SubmitVerify(ctx context.Context, caseName, exhibit string) (investigation.Job, error) {
	p := VerifyParams{Exhibit: strings.TrimSpace(exhibit)}
	if p.Exhibit == "" {
		return investigation.Job{}, fmt.Errorf("exhibit label is empty: %w", investigation.ErrInvalid)
	}
	return m.submit(ctx, investigation.JobSubmission{Kind: investigation.JobVerify, Case: caseName, Params: p})
}

func runVerify(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (any, error) {
	var p VerifyParams
	if err := json.Unmarshal(rec.Params, &p); err != nil {
		return nil, fmt.Errorf("verify parameters: %w", err)
	}
	rep, err := m.svc.Verify(ctx, rec.Case, p.Exhibit, 0)
	pr.files.Store(int64(rep.Matched + len(rep.Changed) + len(rep.New) + len(rep.Moved)))
	return rep, err
}
