package job

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vibora-project/vibora/internal/investigation"
)

// BankImportParams are a bank import job's parameters, as vibora bank
// import takes them, and the uploaded list's file name.
type BankImportParams struct {
	Name         string `json:"name"`
	Kind         string `json:"kind,omitempty"`
	Format       string `json:"format,omitempty"`
	Source       string `json:"source,omitempty"`
	Profile      string `json:"profile,omitempty"`
	HashKind     string `json:"hash_kind,omitempty"`
	AllowPartial bool   `json:"allow_partial,omitempty"`
	File         string `json:"file"`
}

// SubmitBankImport queues the import of an uploaded hash list (the file of
// field "file", from NewUpload(ctx, "")) into the bank p names; p.File is
// set from the upload.
func (m *Manager) SubmitBankImport(ctx context.Context, p BankImportParams, u *Upload) (investigation.Job, error) {
	if strings.TrimSpace(p.Name) == "" {
		return investigation.Job{}, fmt.Errorf("bank name is empty: %w", investigation.ErrInvalid)
	}
	dir, names, err := u.take("file")
	if err != nil {
		return investigation.Job{}, err
	}
	p.File = names[0]
	return m.submitUpload(ctx, u, investigation.JobSubmission{Kind: investigation.JobBankImport, Params: p, Upload: dir})
}

func runBankImport(ctx context.Context, m *Manager, rec investigation.JobRecord, pr *progress) (any, error) {
	var p BankImportParams
	if err := json.Unmarshal(rec.Params, &p); err != nil {
		return nil, fmt.Errorf("bank import parameters: %w", err)
	}
	path, err := m.spool.path(rec.Upload, p.File)
	if err != nil {
		return nil, err
	}
	res, err := m.svc.ImportBank(ctx, path, investigation.BankImportOptions{Name: p.Name, Kind: p.Kind, Format: p.Format, Source: p.Source,
		Profile: p.Profile, Hash64: p.HashKind, AllowPartial: p.AllowPartial,
		Progress: func(done, total int64) { pr.bytes.Store(done); pr.bytesTotal.Store(total) }})
	res.File = p.File // the name it was uploaded as, not the spool's path
	return res, err
}
