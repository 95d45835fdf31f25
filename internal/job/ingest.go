package job

import (
	"context"
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/investigation"
)

// IngestParams are an ingest job's parameters: the exhibit (created when
// new) and the evidence paths, relative to the evidence root (prefixed by
// the root's folder name when the server has several).
type IngestParams struct {
	Exhibit string   `json:"exhibit"`
	Paths   []string `json:"paths"`
}

// SubmitIngest queues an ingest of paths under the evidence roots into an
// exhibit of the case. Paths outside the roots are refused now (and again
// when the job runs).
func (m *Manager) SubmitIngest(ctx context.Context, caseName, exhibit string, paths []string) (investigation.Job, error) {
	p := IngestParams{Exhibit: strings.TrimSpace(exhibit), Paths: paths}
	if p.Exhibit == "" {
		return investigation.Job{}, fmt.Errorf("exhibit label is empty: %w", investigation.ErrInvalid)
	}
	if len(paths) == 0 {
		return investigation.Job{}, fmt.Errorf("no evidence paths given: %w", investigation.ErrInvalid)
	}
	if err := m.svc.CheckJobSubmission(ctx, caseName); err != nil {
		return investigation.Job{}, err
	}
	for _, path := range paths {
		if _, err := m.roots.Resolve(path); err != nil {
			return investigation.Job{}, err
		}
	}
	return m.submit(ctx, investigation.JobSubmission{Kind: investigation.JobIngest, Case: caseName, Params: p})
}

func runIngest(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (any, error) {
	opt, _, err := m.ingestOptions(rec)
	if err != nil {
		return nil, err
	}
	abs := opt.Paths
	if m.cfg.PartFiles > 0 {
		if err := m.fanOut(ctx, rec, opt, pr); err != nil {
			return nil, err
		}
	}
	// One part: this runner ingests it all. The files on disk are the
	// total (archive members raise it as the walk finds them); counting
	// them runs beside the ingest.
	go func() {
		if files, _, err := evidence.ListFiles(abs); err == nil {
			pr.filesTotal.Store(int64(len(files)))
		}
	}()
	hook := opt.Progress
	opt.Progress = func(files, bytes int64) {
		pr.files.Store(files)
		pr.bytes.Store(bytes)
		if t := pr.filesTotal.Load(); t > 0 && files > t {
			pr.filesTotal.Store(files)
		}
		if hook != nil {
			hook(files, bytes)
		}
	}
	rep, err := m.svc.Ingest(ctx, rec.Case, opt)
	return rep, err
}
