package job

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vibora-project/vibora/internal/investigation"
)

// StealerScanParams are a stealer scan job's parameters and the uploaded
// files' names: the logs (an archive of victim folders, or a ULP file) and
// the watchlist.
type StealerScanParams struct {
	KeepPasswords bool   `json:"keep_passwords,omitempty"`
	Logs          string `json:"logs"`
	Watchlist     string `json:"watchlist"`
}

// SubmitStealerScan queues the scan of uploaded stealer logs (the files of
// fields "logs" and "watchlist", from NewUpload(ctx, caseName)) into the
// case.
func (m *Manager) SubmitStealerScan(ctx context.Context, caseName string, p StealerScanParams, u *Upload) (investigation.Job, error) {
	dir, names, err := u.take("logs", "watchlist")
	if err != nil {
		return investigation.Job{}, err
	}
	p.Logs, p.Watchlist = names[0], names[1]
	return m.submitUpload(ctx, u, investigation.JobSubmission{Kind: investigation.JobStealerScan, Case: caseName, Params: p, Upload: dir})
}

func runStealerScan(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (any, error) {
	var p StealerScanParams
	if err := json.Unmarshal(rec.Params, &p); err != nil {
		return nil, fmt.Errorf("stealer scan parameters: %w", err)
	}
	logs, err := m.spool.path(rec.Upload, p.Logs)
	if err != nil {
		return nil, err
	}
	wl, err := m.spool.path(rec.Upload, p.Watchlist)
	if err != nil {
		return nil, err
	}
	rep, err := m.svc.ScanStealer(ctx, rec.Case, investigation.StealerScanOptions{Watchlist: wl, Paths: []string{logs}, KeepPasswords: p.KeepPasswords})
	pr.files.Store(int64(rep.Logs.Logs))
	return rep, err
}
